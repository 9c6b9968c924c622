// Pure mapping between azure-native SDK values and ARM requests/responses, driven by the type table.
// No I/O here: unit-tested in tests/twin/plugins/.
import { createHash, randomBytes } from "crypto";
import { UNKNOWN, containsUnknown, deepEqual, unwrapSecrets } from "../common/secrets";
import type { InvokeSpec, ResourceSpec, ShapeSpec } from "./types";

type Obj = Record<string, any>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * azure-native's marker input for a randomly auto-named resource (provider.go `createBeforeDeleteFlag`):
 * such a resource is replaced create-before-delete, an explicitly named one delete-before-create.
 */
export const CREATE_BEFORE_DELETE = "__createBeforeDelete";

/** Input keys that select the ARM resource or the request, never part of the body. */
function nonBodyKeys(spec: ResourceSpec | InvokeSpec): Set<string> {
  return new Set([...spec.pathParams, ...Object.keys((spec as InvokeSpec).query ?? {}), CREATE_BEFORE_DELETE]);
}

/** The ARM path for the given inputs (each path parameter URI-encoded). Throws naming a missing parameter. */
export function armPath(spec: ResourceSpec | InvokeSpec, inputs: Obj, subscriptionId: string): string {
  return spec.path.replace(/\{(\w+)\}/g, (_m, name: string) => {
    const v = name === "subscriptionId" ? subscriptionId : inputs[name];
    if (typeof v !== "string" || v.length === 0) throw new Error(`${spec.token}: missing required property '${name}'`);
    return encodeURIComponent(v);
  });
}

/** Path parameter values of an ARM id, read back through the type's path template (case-insensitive). */
export function pathParamsFromId(spec: ResourceSpec | InvokeSpec, id: string): Obj | undefined {
  const t = spec.path.split("/").filter(Boolean);
  const s = id.split("/").filter(Boolean);
  if (t.length !== s.length) return undefined;
  const out: Obj = {};
  for (let i = 0; i < t.length; i++) {
    const m = /^\{(\w+)\}$/.exec(t[i]);
    if (m) {
      if (m[1] !== "subscriptionId") out[m[1]] = decodeURIComponent(s[i]);
    } else if (t[i].toLowerCase() !== s[i].toLowerCase()) return undefined;
  }
  return out;
}

function shapeToArm(shape: ShapeSpec, value: Obj, skip: Set<string> = new Set()): Obj {
  const out: Obj = {};
  const props: Obj = {};
  for (const [k, v] of Object.entries(value)) {
    if (skip.has(k) || v === undefined) continue;
    const child = shape.children?.[k];
    const mapped = child ? childToArm(child, v) : v;
    const armKey = shape.rename?.[k] ?? k;
    if (!shape.flatten || shape.top.includes(k)) out[armKey] = mapped;
    else props[armKey] = mapped;
  }
  if (shape.flatten && Object.keys(props).length > 0) out.properties = props;
  return out;
}

function childToArm(shape: ShapeSpec, v: unknown): unknown {
  if (Array.isArray(v)) return v.map((x) => (isObj(x) ? shapeToArm(shape, x) : x));
  return isObj(v) ? shapeToArm(shape, v) : v;
}

/** The PUT body azure-native sends for these (secret-free) inputs. */
export function toArmBody(spec: ResourceSpec, inputs: Obj): Obj {
  return shapeToArm(spec.body, inputs, nonBodyKeys(spec));
}

function shapeFromArm(shape: ShapeSpec, body: Obj): Obj {
  const out: Obj = {};
  const inverse = Object.fromEntries(Object.entries(shape.rename ?? {}).map(([sdk, arm]) => [arm, sdk]));
  const put = (armKey: string, v: unknown) => {
    const k = inverse[armKey] ?? armKey;
    const child = shape.children?.[k];
    out[k] = child ? childFromArm(child, v) : shape.flatten ? genericFlatten(v) : v;
  };
  for (const [k, v] of Object.entries(body)) {
    if (k === "properties" && shape.flatten && isObj(v)) continue;
    put(k, v);
  }
  if (shape.flatten && isObj(body.properties)) for (const [k, v] of Object.entries(body.properties)) put(k, v);
  return out;
}

function childFromArm(shape: ShapeSpec, v: unknown): unknown {
  if (Array.isArray(v)) return v.map((x) => (isObj(x) ? shapeFromArm(shape, x) : x));
  return isObj(v) ? shapeFromArm(shape, v) : v;
}

/**
 * Sub-resources the table does not describe (ipConfigurations, privateEndpoints, …) are still ARM
 * sub-resources `{id, name?, properties}`; azure-native flattens those the same way.
 */
function genericFlatten(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(genericFlatten);
  if (isObj(v) && typeof v.id === "string" && isObj(v.properties)) {
    const { properties, ...rest } = v;
    return { ...rest, ...Object.fromEntries(Object.entries(properties).map(([k, x]) => [k, genericFlatten(x)])) };
  }
  return v;
}

/** azure-native's outputs for an ARM response body: properties flattened, sub-resources flattened back, azureApiVersion added. */
export function fromArmBody(spec: ResourceSpec | InvokeSpec, body: Obj, opts: { keepId?: boolean } = {}): Obj {
  const out = shapeFromArm(spec.body, body);
  if (!opts.keepId) delete out.id;
  out.azureApiVersion = spec.apiVersion;
  return out;
}

export interface CheckFailure {
  property: string;
  reason: string;
}

/**
 * azure-native style auto-name: the Pulumi name plus 8 hex characters, within the type's limits. With the
 * engine's random seed (CheckRequest.randomSeed, the same for a resource in preview and in up) the suffix
 * is derived from it, as azure-native's `resource.NewUniqueName(randomSeed, …)`, so the name a preview
 * shows is the one up creates; without one it is random.
 */
export function autoName(spec: ResourceSpec, pulumiName: string, randomSeed?: Uint8Array): string {
  const rules = spec.autoName!;
  let base = pulumiName;
  if (rules.lowerAlnum) base = base.toLowerCase().replace(/[^a-z0-9]/g, "");
  const suffix =
    randomSeed && randomSeed.length > 0
      ? createHash("sha256").update(randomSeed).digest("hex").slice(0, 8)
      : randomBytes(4).toString("hex");
  return base.slice(0, Math.max(0, rules.maxLength - suffix.length)) + suffix;
}

/**
 * Check: unwraps nothing (the caller keeps secrets in the returned inputs), fills the auto-name (kept
 * from the old inputs so it is stable) and reports missing required inputs naming the property.
 */
export function checkInputs(
  spec: ResourceSpec,
  pulumiName: string,
  olds: Obj,
  news: Obj,
  randomSeed?: Uint8Array,
): { inputs: Obj; failures: CheckFailure[] } {
  const inputs: Obj = { ...news };
  const failures: CheckFailure[] = [];
  const own = spec.pathParams[spec.pathParams.length - 1];
  if (spec.autoName && (inputs[own] === undefined || inputs[own] === null)) {
    // As azure-native's getDefaultName: the old name (and its flag) when there is one, else a random name + the flag.
    if (typeof olds?.[own] === "string") {
      inputs[own] = olds[own];
      if (olds[CREATE_BEFORE_DELETE] === true) inputs[CREATE_BEFORE_DELETE] = true;
    } else {
      inputs[own] = autoName(spec, pulumiName, randomSeed);
      inputs[CREATE_BEFORE_DELETE] = true;
    }
  }
  for (const p of spec.required) {
    if (inputs[p] === undefined || inputs[p] === null || inputs[p] === "") {
      failures.push({ property: p, reason: `Missing required property '${p}' (${spec.token})` });
    }
  }
  return { inputs, failures };
}

export type DiffKind = "add" | "add-replace" | "delete" | "delete-replace" | "update" | "update-replace";

export interface DiffDecision {
  changes: boolean;
  replaces: string[];
  deleteBeforeReplace: boolean;
  /** Which top-level inputs differ (for tests and messages). */
  changed: string[];
  /** Top-level input → kind of change, as azure-native's detailed diff reports it. */
  detailedDiff: Record<string, DiffKind>;
}

/** "West Europe" and "westeurope" are one location (azure-native diff.go `normalizedLocation`). */
const normalizedLocation = (v: unknown) => (typeof v === "string" ? v.replace(/ /g, "").toLowerCase() : v);

/**
 * Diff of old and new inputs (both secret-free), as azure-native's Diff: a change of a path parameter
 * or of a create-only input (location) is a replacement, any other change an update in place, equal
 * inputs no change; a value unknown during preview counts as changed; `location` compares without case
 * and spaces. A replacement deletes first unless the resource was randomly auto-named
 * (`__createBeforeDelete`), since an explicit name would collide with itself in Azure.
 */
export function diffInputs(spec: ResourceSpec, oldInputs: Obj, newInputs: Obj): DiffDecision {
  const olds = unwrapSecrets(oldInputs ?? {});
  const news = unwrapSecrets(newInputs ?? {});
  const keys = new Set([...Object.keys(olds), ...Object.keys(news)].filter((k) => k !== CREATE_BEFORE_DELETE));
  const same = (k: string) =>
    k === "location" ? normalizedLocation(olds[k]) === normalizedLocation(news[k]) : deepEqual(olds[k], news[k]);
  const changed = [...keys].filter((k) => containsUnknown(news[k]) || !same(k)).sort();
  const replaceKeys = new Set([...spec.pathParams, ...spec.replaceOnChanges]);
  const replaces = changed.filter((k) => replaceKeys.has(k));
  const detailedDiff: Record<string, DiffKind> = {};
  for (const k of changed) {
    const base = olds[k] === undefined ? "add" : news[k] === undefined ? "delete" : "update";
    detailedDiff[k] = (replaceKeys.has(k) ? `${base}-replace` : base) as DiffKind;
  }
  const deleteBeforeReplace = replaces.length > 0 && olds[CREATE_BEFORE_DELETE] !== true;
  return { changes: changed.length > 0, replaces, deleteBeforeReplace, changed, detailedDiff };
}

/** Response keys every ARM resource has and no input sets: unknown until the resource exists. */
const COMPUTED_OUTPUTS = ["name", "type", "etag"];

/**
 * Planned outputs during preview, as azure-native's PreviewOutputs: the inputs in output shape (path
 * parameters are not outputs), everything the service computes unknown. On update azure-native keeps
 * `name` and `location` from the old state ("universally immutable"), so dependants stay known.
 */
export function previewOutputs(spec: ResourceSpec, inputs: Obj, oldState?: Obj): Obj {
  const skip = nonBodyKeys(spec);
  const out: Obj = {};
  for (const [k, v] of Object.entries(inputs)) if (!skip.has(k) && v !== undefined) out[k] = v;
  for (const k of [...COMPUTED_OUTPUTS, spec.body.flatten ? "provisioningState" : "properties"]) if (!(k in out)) out[k] = UNKNOWN;
  out.azureApiVersion = spec.apiVersion;
  if (oldState) for (const k of ["name", "location"]) if (oldState[k] !== undefined) out[k] = oldState[k];
  return out;
}

/**
 * The sub-resource arrays azure-native keeps (MaintainSubResourcePropertiesIfNotSet): those the body
 * does not set, as ARM paths (`properties.subnets`).
 */
export function unsetSubResources(spec: ResourceSpec, body: Obj): string[] {
  return (spec.maintainSubResources ?? []).filter((k) => {
    const armKey = spec.body.rename?.[k] ?? k;
    return (spec.body.flatten ? body.properties?.[armKey] : body[armKey]) === undefined;
  });
}

/** Writes `value(k)` into the body for each of `keys` (under `properties` for flattened types). */
export function setSubResources(spec: ResourceSpec, body: Obj, keys: string[], value: (armKey: string) => unknown): Obj {
  const out: Obj = { ...body };
  for (const k of keys) {
    const armKey = spec.body.rename?.[k] ?? k;
    const v = value(armKey);
    if (v === undefined) continue;
    if (spec.body.flatten) out.properties = { ...(out.properties ?? {}), [armKey]: v };
    else out[armKey] = v;
  }
  return out;
}

/** The message of an ARM error body (`{"error":{"code","message"}}`), as the provider reports it. */
export function armErrorMessage(status: number, body: unknown, what: string): string {
  const err = isObj(body) ? (isObj(body.error) ? body.error : body) : undefined;
  const code = typeof err?.code === "string" ? err.code : `HTTP${status}`;
  const message = typeof err?.message === "string" ? err.message : typeof body === "string" ? body : JSON.stringify(body ?? null);
  const details = Array.isArray(err?.details)
    ? err!.details
        .filter(isObj)
        .map((d: Obj) => `${d.code}: ${d.message}`)
        .join("; ")
    : "";
  return `${what}: ${code}: ${message}${details ? ` (${details})` : ""} [status ${status}]`;
}
