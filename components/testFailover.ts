import * as pulumi from "@pulumi/pulumi";
import type { TestFailoverInputs, TestFailoverOutputs } from "./drillTypes";

/** TestFailover's arguments: the contract's inputs, each possibly an Output. */
export type TestFailoverArgs = { [K in keyof TestFailoverInputs]: pulumi.Input<TestFailoverInputs[K]> };

/** The implementation's surface, checked at compile time: a renamed export fails `tsc`, not a drill. */
type ProviderImpl = Pick<typeof import("./asr/providerEntry"), "check" | "diff" | "create" | "read" | "update" | "delete">;

// The provider object is serialized into state (`__provider`) and re-loaded later by the dynamic-provider
// plugin, with cwd = the program directory, possibly from a moved checkout and without ts-node. So it
// captures nothing but this loader, which asks Node for the package's compiled implementation
// (`failover-drill/provider`, package.json "exports") as the program directory resolves it: from a user's
// project that is node_modules/failover-drill, in this repository the package itself by self-reference
// (built into dist/ by `npm run build`). A plain require() would not do: the plugin compiles the text as a
// module without a filename, which Node neither self-references nor resolves beside the program.
// All logic lives in components/asr/ (see its README).
function loadProvider(): ProviderImpl {
  /* eslint-disable @typescript-eslint/no-require-imports -- this function is serialized alone into state; top-level imports would not travel with it */
  const { createRequire }: typeof import("module") = require("module");
  const path: typeof import("path") = require("path");
  /* eslint-enable @typescript-eslint/no-require-imports */
  const fromProgram = createRequire(path.resolve("package.json"));
  try {
    return fromProgram("failover-drill/provider") as ProviderImpl;
  } catch (e) {
    const err = e as { code?: string; message?: string };
    if (err && err.code === "MODULE_NOT_FOUND") {
      throw new Error(
        `failover-drill: cannot load failover-drill/provider from the program directory ${path.resolve(".")} (${err.message}); install the package there (npm install failover-drill), or in its own repository build it (npm run build)`,
        { cause: e },
      );
    }
    throw e;
  }
}

/** A test failover that started and then failed is recorded from the error's properties alone: the host
 *  adds __provider to state only on success, and without it `pulumi destroy` cannot load this provider
 *  to run the cleanup ("code must be a string, not undefined"). */
function keepProvider(e: unknown, provider: unknown): never {
  const err = e as { id?: string; properties?: Record<string, unknown> } | undefined;
  if (err && err.id && err.properties) err.properties.__provider = provider;
  throw e;
}

const testFailoverProvider: pulumi.dynamic.ResourceProvider = {
  async check(olds, news) {
    return loadProvider().check(olds, news);
  },
  async diff(id, olds, news) {
    return loadProvider().diff(id, olds, news);
  },
  async create(inputs) {
    try {
      return await loadProvider().create(inputs);
    } catch (e) {
      return keepProvider(e, inputs.__provider);
    }
  },
  async read(id, props) {
    return loadProvider().read(id, props);
  },
  async update(id, olds, news) {
    try {
      return await loadProvider().update(id, olds, news);
    } catch (e) {
      return keepProvider(e, news.__provider ?? olds.__provider);
    }
  },
  async delete(id, props) {
    return loadProvider().delete(id, props);
  },
};

/** Exported for the serialization smoke test. */
export const provider = testFailoverProvider;

const OUTPUT_KEYS = ["jobIds", "testVms", "groupTimings", "rtoAchievedSeconds", "verdict", "failures"] as const;

/**
 * The drill itself: `pulumi up` runs (or adopts) an ASR test failover into the isolated test network,
 * follows its job and verifies the test VMs; `pulumi destroy` runs the test failover cleanup with the
 * drill's notes. Type token `pulumi-nodejs:dynamic/drill:TestFailover` (TEST_FAILOVER_TYPE).
 */
export class TestFailover extends pulumi.dynamic.Resource {
  readonly drillId!: pulumi.Output<TestFailoverOutputs["drillId"]>;
  readonly role!: pulumi.Output<TestFailoverOutputs["role"]>;
  readonly vault!: pulumi.Output<TestFailoverOutputs["vault"]>;
  readonly arm!: pulumi.Output<TestFailoverOutputs["arm"]>;
  readonly scope!: pulumi.Output<TestFailoverOutputs["scope"]>;
  readonly testNetworkId!: pulumi.Output<TestFailoverOutputs["testNetworkId"]>;
  readonly testSubnets!: pulumi.Output<TestFailoverOutputs["testSubnets"]>;
  readonly failoverDirection!: pulumi.Output<TestFailoverOutputs["failoverDirection"]>;
  readonly recoveryPointType!: pulumi.Output<TestFailoverOutputs["recoveryPointType"]>;
  readonly items!: pulumi.Output<TestFailoverOutputs["items"]>;
  readonly expected!: pulumi.Output<TestFailoverOutputs["expected"]>;
  readonly notes!: pulumi.Output<TestFailoverOutputs["notes"]>;
  readonly timeouts!: pulumi.Output<TestFailoverOutputs["timeouts"]>;
  readonly rtoTargetMinutes!: pulumi.Output<TestFailoverOutputs["rtoTargetMinutes"]>;
  readonly jobIds!: pulumi.Output<TestFailoverOutputs["jobIds"]>;
  readonly testVms!: pulumi.Output<TestFailoverOutputs["testVms"]>;
  readonly groupTimings!: pulumi.Output<TestFailoverOutputs["groupTimings"]>;
  readonly rtoAchievedSeconds!: pulumi.Output<TestFailoverOutputs["rtoAchievedSeconds"]>;
  readonly verdict!: pulumi.Output<TestFailoverOutputs["verdict"]>;
  readonly failures!: pulumi.Output<TestFailoverOutputs["failures"]>;

  constructor(name: string, args: TestFailoverArgs, opts?: pulumi.CustomResourceOptions) {
    const outputsAsUndefined = Object.fromEntries(OUTPUT_KEYS.map((k) => [k, undefined]));
    super(testFailoverProvider, name, { ...outputsAsUndefined, ...args }, opts, "drill", "TestFailover");
  }
}
