// The stand-in azure-native provider: a generic CRUD engine over the type table (types.ts) that speaks
// ARM to the Azure twin. Errors are returned to the engine (plugin stdout/stderr is hidden by Pulumi).
import type * as provider from "@pulumi/pulumi/provider";
import { annotateSecrets, secret, secretKeys, unwrapSecrets } from "../common/secrets";
import { ArmClient, ArmClientOptions, armOptionsFromEnv, DEFAULT_SUBSCRIPTION_ID } from "./armClient";
import { armPath, checkInputs, diffInputs, fromArmBody, pathParamsFromId, toArmBody } from "./mapping";
import { CLIENT_CONFIG_TOKEN, INVOKE_BY_TOKEN, RESOURCE_BY_TOKEN, ResourceSpec, urnName, urnType } from "./types";

type Obj = Record<string, any>;

/** Where azure-native keeps the inputs inside the state (its `checkpointObject`), secret as in azure-native. */
export const INPUTS_KEY = "__inputs";

export interface StandInOptions {
  version: string;
  env?: NodeJS.ProcessEnv;
  /** For tests: ARM client options instead of the environment. */
  arm?: ArmClientOptions;
}

export class AzureNativeStandIn implements provider.Provider {
  readonly version: string;
  private readonly env: NodeJS.ProcessEnv;
  private client?: ArmClient;
  private readonly armOpts?: ArmClientOptions;

  constructor(opts: StandInOptions) {
    this.version = opts.version;
    this.env = opts.env ?? process.env;
    this.armOpts = opts.arm;
  }

  /** The ARM client, created on first use so a missing endpoint is an error of the operation that needs it. */
  private arm(): ArmClient {
    if (!this.client) this.client = new ArmClient(this.armOpts ?? armOptionsFromEnv(this.env));
    return this.client;
  }

  subscriptionId(): string {
    return this.env.FAILOVER_DRILL_SUBSCRIPTION_ID || this.env.ARM_SUBSCRIPTION_ID || this.env.AZURE_SUBSCRIPTION_ID || DEFAULT_SUBSCRIPTION_ID;
  }

  private spec(urn: string): ResourceSpec {
    const token = urnType(urn);
    const spec = RESOURCE_BY_TOKEN.get(token);
    if (!spec) {
      throw new Error(
        `the stand-in azure-native plugin (twin/plugins) does not implement ${token}; add it to twin/plugins/azure-native/types.ts ` +
          `(implemented: ${[...RESOURCE_BY_TOKEN.keys()].join(", ")})`,
      );
    }
    return spec;
  }

  async check(urn: string, olds: Obj, news: Obj): Promise<provider.CheckResult> {
    const spec = this.spec(urn);
    return checkInputs(spec, urnName(urn), olds ?? {}, news ?? {});
  }

  async diff(_id: string, urn: string, olds: Obj, news: Obj): Promise<provider.DiffResult> {
    const spec = this.spec(urn);
    const oldInputs = oldInputsOf(spec, olds, _id);
    const d = diffInputs(spec, oldInputs, news, this.subscriptionId());
    return { changes: d.changes, replaces: d.replaces, deleteBeforeReplace: d.deleteBeforeReplace };
  }

  private async withLocation(spec: ResourceSpec, inputs: Obj): Promise<Obj> {
    if (!spec.locationFromResourceGroup || inputs.location !== undefined) return inputs;
    const rgPath = `/subscriptions/${encodeURIComponent(this.subscriptionId())}/resourceGroups/${encodeURIComponent(inputs.resourceGroupName)}`;
    const rg = await this.arm().get(rgPath, "2024-03-01");
    return rg?.location ? { ...inputs, location: rg.location } : inputs;
  }

  private async put(spec: ResourceSpec, rawInputs: Obj): Promise<{ id: string; outs: Obj }> {
    const inputs = await this.withLocation(spec, unwrapSecrets(rawInputs));
    const path = armPath(spec, inputs, this.subscriptionId());
    const final = await this.arm().put(path, spec.apiVersion, toArmBody(spec, inputs));
    return { id: String(final.id ?? decodeURIComponent(path)), outs: this.outputs(spec, final, rawInputs) };
  }

  private outputs(spec: ResourceSpec, armBody: Obj, rawInputs: Obj): Obj {
    const outs = annotateSecrets(fromArmBody(spec, armBody), secretKeys(rawInputs));
    outs[INPUTS_KEY] = secret(unwrapSecrets(rawInputs));
    return outs;
  }

  async create(urn: string, inputs: Obj): Promise<provider.CreateResult> {
    return this.put(this.spec(urn), inputs);
  }

  async update(id: string, urn: string, _olds: Obj, news: Obj): Promise<provider.UpdateResult> {
    const spec = this.spec(urn);
    const { outs } = await this.put(spec, news);
    void id;
    return { outs };
  }

  async read(id: string, urn: string, props?: Obj): Promise<provider.ReadResult> {
    const spec = this.spec(urn);
    const path = encodeIdPath(id);
    const body = await this.arm().get(path, spec.apiVersion);
    if (body === undefined) return { id: "", props: {} };
    const state = props ?? {};
    const oldInputs = oldInputsOf(spec, state, id);
    const outs = fromArmBody(spec, body);
    outs[INPUTS_KEY] = secret(oldInputs);
    return { id: String(body.id ?? id), props: outs, inputs: oldInputs };
  }

  async delete(id: string, urn: string): Promise<void> {
    const spec = this.spec(urn);
    await this.arm().delete(encodeIdPath(id), spec.apiVersion);
  }

  async invoke(token: string, rawInputs: Obj): Promise<provider.InvokeResult> {
    const inputs = unwrapSecrets(rawInputs ?? {});
    if (token === CLIENT_CONFIG_TOKEN) {
      return {
        outputs: {
          clientId: this.env.ARM_CLIENT_ID || "00000000-0000-0000-0000-00000000c11e",
          objectId: this.env.ARM_OBJECT_ID || "00000000-0000-0000-0000-0000000000b1",
          subscriptionId: this.subscriptionId(),
          tenantId: this.env.ARM_TENANT_ID || this.env.AZURE_TENANT_ID || "22222222-2222-2222-2222-222222222222",
        },
      };
    }
    const spec = INVOKE_BY_TOKEN.get(token);
    if (!spec) {
      throw new Error(
        `the stand-in azure-native plugin (twin/plugins) does not implement the function ${token}; add it to twin/plugins/azure-native/types.ts`,
      );
    }
    const missing = spec.required.filter((p) => inputs[p] === undefined || inputs[p] === "");
    if (missing.length > 0) {
      return { failures: missing.map((p) => ({ property: p, reason: `Missing required argument '${p}' (${token})` })) };
    }
    const path = armPath(spec, inputs, this.subscriptionId());
    const query: Record<string, string> = {};
    for (const [input, param] of Object.entries(spec.query ?? {})) if (typeof inputs[input] === "string") query[param] = inputs[input];
    const body = await this.arm().get(path, spec.apiVersion, query);
    if (body === undefined) {
      const last = spec.pathParams[spec.pathParams.length - 1];
      throw new Error(`${token}: ResourceNotFound: ${decodeURIComponent(path)} (${last} '${inputs[last]}') was not found [status 404]`);
    }
    return { outputs: fromArmBody(spec, body, { keepId: true }) };
  }
}

/** The old inputs from the state (azure-native's `__inputs`), else rebuilt from the outputs and the id. */
export function oldInputsOf(spec: ResourceSpec, state: Obj, id?: string): Obj {
  const saved = state?.[INPUTS_KEY];
  if (saved !== undefined) return unwrapSecrets(saved);
  const outs = unwrapSecrets(state ?? {});
  const { name: _n, type: _t, azureApiVersion: _a, provisioningState: _p, etag: _e, ...rest } = outs;
  return { ...rest, ...(id ? pathParamsFromId(spec, id) : {}) };
}

/** An ARM id as a request path (segments re-encoded). */
export function encodeIdPath(id: string): string {
  return id
    .split("/")
    .map((s) => encodeURIComponent(decodeURIComponent(s)))
    .join("/");
}
