// A pulumi-policy-aws style harness: hand-built ResourceValidationArgs / StackValidationArgs with the
// props wrapped in the same unknownCheckingProxy the policy server uses, config defaults filled in from
// the policy's configSchema (as the CLI does before it configures the pack), and assertions on the
// violations a policy reports.
import type {
  PolicyResource,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "../../policy/node_modules/@pulumi/policy";
import { UnknownValueError, unknownCheckingProxy } from "../../policy/lib/unknowns";

// The sentinels the engine sends for values unknown during preview (internal to @pulumi/policy).
// eslint-disable-next-line @typescript-eslint/no-require-imports -- an internal module of @pulumi/policy (no export), from the pack's own node_modules
const proxy = require("../../policy/node_modules/@pulumi/policy/proxy");
export const UNKNOWN_STRING: any = proxy.unknownStringValue;
export const UNKNOWN_ARRAY: any = proxy.unknownArrayValue;
export const UNKNOWN_OBJECT: any = proxy.unknownObjectValue;
export const UNKNOWN_BOOLEAN: any = proxy.unknownBooleanValue;

type AnyPolicy = ResourceValidationPolicy | StackValidationPolicy;

class NotApplicable extends Error {}

function configFor(policy: AnyPolicy, config: Record<string, unknown> = {}): <T extends object>() => T {
  const defaults: Record<string, unknown> = {};
  for (const [k, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
    if ("default" in (schema as object)) defaults[k] = (schema as { default: unknown }).default;
  }
  return <T extends object>() => ({ ...defaults, ...config }) as T;
}

const defaultOpts = {
  protect: false,
  ignoreChanges: [],
  aliases: [],
  customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
  additionalSecretOutputs: [],
};

function urnOf(type: string, name: string): string {
  return `urn:pulumi:test::failover-drill::${type}::${name}`;
}

export interface ResourceArgsSpec {
  type: string;
  props: Record<string, any>;
  name?: string;
  /** Policy config as given in --policy-pack-config (without enforcementLevel). */
  config?: Record<string, unknown>;
}

/** Builds ResourceValidationArgs for one policy (config defaults come from that policy's schema). */
export function createResourceValidationArgs(policy: AnyPolicy, spec: ResourceArgsSpec): ResourceValidationArgs {
  const name = spec.name ?? "resource";
  return {
    type: spec.type,
    props: unknownCheckingProxy(spec.props),
    urn: urnOf(spec.type, name),
    name,
    opts: defaultOpts,
    stackTags: new Map(),
    isType: (cls: any) => cls?.__pulumiType === spec.type,
    asType: (cls: any) => (cls?.__pulumiType === spec.type ? (unknownCheckingProxy(spec.props) as any) : undefined),
    getConfig: configFor(policy, spec.config),
    notApplicable: (reason?: string): never => {
      throw new NotApplicable(reason);
    },
  };
}

export interface StackResourceSpec {
  type: string;
  name: string;
  props: Record<string, any>;
  /** Names of resources this one depends on. */
  dependsOn?: string[];
  /** Property name -> names of resources that property depends on. */
  propertyDependencies?: Record<string, string[]>;
  parent?: string;
}

/** Builds StackValidationArgs: PolicyResources linked by name into dependencies/propertyDependencies. */
export function createStackValidationArgs(
  policy: AnyPolicy,
  specs: StackResourceSpec[],
  config?: Record<string, unknown>,
): StackValidationArgs {
  const byName = new Map<string, PolicyResource>();
  const resources: PolicyResource[] = specs.map((s) => {
    const r: PolicyResource = {
      type: s.type,
      name: s.name,
      urn: urnOf(s.type, s.name),
      props: unknownCheckingProxy(s.props),
      opts: defaultOpts,
      dependencies: [],
      propertyDependencies: {},
      isType: (cls: any) => cls?.__pulumiType === s.type,
      asType: () => undefined,
    };
    byName.set(s.name, r);
    return r;
  });
  const lookup = (n: string): PolicyResource => {
    const r = byName.get(n);
    if (!r) throw new Error(`harness: unknown resource name ${n}`);
    return r;
  };
  specs.forEach((s, i) => {
    const r = resources[i];
    const deps = new Set<string>(s.dependsOn ?? []);
    for (const [k, names] of Object.entries(s.propertyDependencies ?? {})) {
      r.propertyDependencies[k] = names.map(lookup);
      names.forEach((n) => deps.add(n));
    }
    r.dependencies = [...deps].map(lookup);
    if (s.parent) r.parent = lookup(s.parent);
  });
  return {
    resources,
    stackTags: new Map(),
    getConfig: configFor(policy, config),
    notApplicable: (reason?: string): never => {
      throw new NotApplicable(reason);
    },
  };
}

export interface PolicyRun {
  violations: { message: string; urn?: string }[];
  /** Set when the policy let an UnknownValueError escape (the server reports it as an advisory). */
  unknownError?: Error;
  notApplicable?: string;
}

export async function runPolicy(policy: AnyPolicy, args: ResourceValidationArgs | StackValidationArgs): Promise<PolicyRun> {
  const run: PolicyRun = { violations: [] };
  const report = (message: string, urn?: string) => run.violations.push({ message, urn });
  try {
    if ("validateStack" in policy) {
      await policy.validateStack(args as StackValidationArgs, report);
    } else {
      const validations = Array.isArray(policy.validateResource)
        ? policy.validateResource
        : policy.validateResource
          ? [policy.validateResource]
          : [];
      for (const v of validations) await v(args as ResourceValidationArgs, report);
    }
  } catch (e) {
    if (e instanceof UnknownValueError) run.unknownError = e as Error;
    else if (e instanceof NotApplicable) run.notApplicable = e.message;
    else throw e;
  }
  return run;
}

function show(run: PolicyRun): string {
  return run.violations.length === 0 ? "(no violations)" : run.violations.map((v) => `  - ${v.message}`).join("\n");
}

/** Asserts a violation matching `pattern`; returns all violations for further checks. */
export async function assertHasViolation(
  policy: AnyPolicy,
  args: ResourceValidationArgs | StackValidationArgs,
  pattern: RegExp,
): Promise<PolicyRun> {
  const run = await runPolicy(policy, args);
  if (!run.violations.some((v) => pattern.test(v.message))) {
    throw new Error(`${policy.name}: expected a violation matching ${pattern}, got:\n${show(run)}`);
  }
  return run;
}

export async function assertNoViolations(policy: AnyPolicy, args: ResourceValidationArgs | StackValidationArgs): Promise<PolicyRun> {
  const run = await runPolicy(policy, args);
  if (run.violations.length > 0) {
    throw new Error(`${policy.name}: expected no violations, got:\n${show(run)}`);
  }
  if (run.unknownError) {
    throw new Error(`${policy.name}: expected a full check, but an unknown value stopped it: ${run.unknownError.message}`);
  }
  return run;
}
