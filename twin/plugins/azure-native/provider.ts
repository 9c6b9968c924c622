// The stand-in azure-native provider: a generic CRUD engine over the type table (types.ts) that speaks
// ARM to the Azure twin, following pulumi-azure-native 3.x's provider.go (Check/Diff/Create/Update/Read):
// planned outputs in preview, sub-resources kept on update, delete-before-replace unless auto-named.
// Errors are returned to the engine (plugin stdout/stderr is hidden by Pulumi).
import type { DiffResult, StandInProvider } from "../common/providerServer";
import { UNKNOWN, annotateSecrets, containsUnknown, secretKeys, unwrapSecrets } from "../common/secrets";
import { ArmClient, ArmClientOptions, armOptionsFromEnv, DEFAULT_SUBSCRIPTION_ID } from "./armClient";
import {
  armPath,
  checkInputs,
  diffInputs,
  fromArmBody,
  pathParamsFromId,
  previewOutputs,
  setSubResources,
  toArmBody,
  unsetSubResources,
} from "./mapping";
import { CLIENT_CONFIG_TOKEN, INVOKE_BY_TOKEN, RESOURCE_BY_TOKEN, ResourceSpec, urnName, urnType } from "./types";

type Obj = Record<string, any>;

/**
 * Where azure-native 2.x kept the inputs inside the state. 3.x no longer writes it (the engine sends the
 * old inputs itself); it is still read from states written by an earlier stand-in.
 */
export const LEGACY_INPUTS_KEY = "__inputs";

/** The resource group api-version azure-native uses to look up a default location (provider.go `apiVersionResources`). */
const RG_LOCATION_API_VERSION = "2020-10-01";

export interface StandInOptions {
  version: string;
  env?: NodeJS.ProcessEnv;
  /** For tests: ARM client options instead of the environment. */
  arm?: ArmClientOptions;
}

export class AzureNativeStandIn implements StandInProvider {
  readonly version: string;
  private readonly env: NodeJS.ProcessEnv;
  private client?: ArmClient;
  private readonly armOpts?: ArmClientOptions;
  /** Resource group → location, as azure-native's `rgLocationMap`. */
  private readonly rgLocations = new Map<string, string>();
  private configuredSubscriptionId?: string;

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

  /** azure-native's `subscriptionId` provider config: an explicit provider pins its resources to it. */
  configure(config: Obj): void {
    if (typeof config.subscriptionId === "string" && config.subscriptionId !== "") this.configuredSubscriptionId = config.subscriptionId;
  }

  /** The provider's configured subscription, else (the default provider) the environment's, as azure-native. */
  subscriptionId(): string {
    if (this.configuredSubscriptionId) return this.configuredSubscriptionId;
    return (
      this.env.FAILOVER_DRILL_SUBSCRIPTION_ID || this.env.ARM_SUBSCRIPTION_ID || this.env.AZURE_SUBSCRIPTION_ID || DEFAULT_SUBSCRIPTION_ID
    );
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

  async check(
    urn: string,
    olds: Obj,
    news: Obj,
    randomSeed?: Uint8Array,
  ): Promise<{ inputs: Obj; failures: { property: string; reason: string }[] }> {
    const spec = this.spec(urn);
    const r = checkInputs(spec, urnName(urn), olds ?? {}, news ?? {}, randomSeed);
    if (spec.locationFromResourceGroup && r.inputs.location === undefined) {
      const location = await this.defaultLocation(olds ?? {}, r.inputs);
      if (location !== undefined) r.inputs.location = location;
    }
    return r;
  }

  /**
   * azure-native's getDefaultLocation (done in Check, so previews see it): the old inputs' location, else
   * unknown while the resource group name is unknown, else the resource group's location from ARM.
   */
  private async defaultLocation(olds: Obj, news: Obj): Promise<string | undefined> {
    if (typeof olds.location === "string") return olds.location;
    const rg = unwrapSecrets(news.resourceGroupName);
    if (rg === undefined) return undefined;
    if (containsUnknown(rg)) return UNKNOWN;
    if (typeof rg !== "string") return undefined;
    const cached = this.rgLocations.get(rg);
    if (cached) return cached;
    const rgPath = `/subscriptions/${encodeURIComponent(this.subscriptionId())}/resourceGroups/${encodeURIComponent(rg)}`;
    const found = await this.arm()
      .get(rgPath, RG_LOCATION_API_VERSION)
      .catch(() => undefined);
    if (typeof found?.location !== "string") return undefined;
    this.rgLocations.set(rg, found.location);
    return found.location;
  }

  async diff(id: string, urn: string, oldState: Obj, oldInputs: Obj | undefined, news: Obj): Promise<DiffResult> {
    const spec = this.spec(urn);
    const d = diffInputs(spec, oldInputsOf(spec, oldState, id, oldInputs), news);
    return { changes: d.changes, replaces: d.replaces, deleteBeforeReplace: d.deleteBeforeReplace, detailedDiff: d.detailedDiff };
  }

  private outputs(spec: ResourceSpec, armBody: Obj, rawInputs: Obj): Obj {
    return annotateSecrets(fromArmBody(spec, armBody), secretKeys(rawInputs));
  }

  async create(urn: string, rawInputs: Obj, preview = false): Promise<{ id: string; outs: Obj }> {
    const spec = this.spec(urn);
    if (preview) return { id: "", outs: annotateSecrets(previewOutputs(spec, unwrapSecrets(rawInputs)), secretKeys(rawInputs)) };
    const inputs = unwrapSecrets(rawInputs);
    const path = armPath(spec, inputs, this.subscriptionId());
    // CanCreate: PUT is an upsert, so azure-native reads first and refuses to adopt an existing resource.
    const existing = await this.arm().get(path, spec.apiVersion);
    if (existing !== undefined && existing !== null && !(typeof existing === "object" && Object.keys(existing).length === 0)) {
      throw new Error(`cannot create already existing resource '${decodeURIComponent(path)}'`);
    }
    const body = toArmBody(spec, inputs);
    // SetUnsetSubresourcePropertiesToDefaults: an unset sub-resource array is sent empty on create.
    const final = await this.arm().put(
      path,
      spec.apiVersion,
      setSubResources(spec, body, unsetSubResources(spec, body), () => []),
    );
    return { id: String(final.id ?? decodeURIComponent(path)), outs: this.outputs(spec, final, rawInputs) };
  }

  async update(id: string, urn: string, oldState: Obj, _oldInputs: Obj | undefined, news: Obj, preview = false): Promise<{ outs: Obj }> {
    const spec = this.spec(urn);
    if (preview) return { outs: annotateSecrets(previewOutputs(spec, unwrapSecrets(news), unwrapSecrets(oldState)), secretKeys(news)) };
    const inputs = unwrapSecrets(news);
    const path = armPath(spec, inputs, this.subscriptionId());
    let body = toArmBody(spec, inputs);
    // MaintainSubResourcePropertiesIfNotSet: read the live resource and send its sub-resources the
    // program does not set, so children declared as separate resources survive the PUT.
    const unset = unsetSubResources(spec, body);
    if (unset.length > 0) {
      const live = await this.arm().get(encodeIdPath(id), spec.apiVersion);
      if (live !== undefined) body = setSubResources(spec, body, unset, (k) => (spec.body.flatten ? live.properties?.[k] : live[k]));
    }
    const final = await this.arm().put(path, spec.apiVersion, body);
    return { outs: this.outputs(spec, final, news) };
  }

  async read(id: string, urn: string, state: Obj, oldInputs: Obj | undefined): Promise<{ id: string; props: Obj; inputs?: Obj }> {
    const spec = this.spec(urn);
    const body = await this.arm().get(encodeIdPath(id), spec.apiVersion);
    if (body === undefined) return { id: "", props: {} };
    const inputs = oldInputsOf(spec, state ?? {}, id, oldInputs);
    return { id: String(body.id ?? id), props: fromArmBody(spec, body), inputs };
  }

  async delete(id: string, urn: string): Promise<void> {
    const spec = this.spec(urn);
    await this.arm().delete(encodeIdPath(id), spec.apiVersion);
  }

  async invoke(token: string, rawInputs: Obj): Promise<{ outputs?: Obj; failures?: { property: string; reason: string }[] }> {
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

/** The old inputs: those the engine sent, else a legacy `__inputs`, else rebuilt from the outputs and the id. */
export function oldInputsOf(spec: ResourceSpec, state: Obj, id?: string, engineOldInputs?: Obj): Obj {
  if (engineOldInputs !== undefined && Object.keys(engineOldInputs).length > 0) return unwrapSecrets(engineOldInputs);
  const saved = state?.[LEGACY_INPUTS_KEY];
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
