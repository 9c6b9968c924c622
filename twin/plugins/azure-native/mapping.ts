// Pure mapping between azure-native SDK values and ARM requests/responses, driven by the type table.
// No I/O here: unit-tested in tests/twin/plugins/.
import { randomBytes } from "crypto";
import { containsUnknown, deepEqual, unwrapSecrets } from "../common/secrets";
import type { InvokeSpec, ResourceSpec, ShapeSpec } from "./types";

type Obj = Record<string, any>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** Input keys that select the ARM resource or the request, never part of the body. */
function nonBodyKeys(spec: ResourceSpec | InvokeSpec): Set<string> {
  return new Set([...spec.pathParams, ...Object.keys((spec as InvokeSpec).query ?? {})]);
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
    }
    else if (t[i].toLowerCase() !== s[i].toLowerCase()) return undefined;
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

/** azure-native style auto-name: the Pulumi name plus 8 random hex characters, within the type's limits. */
export function autoName(spec: ResourceSpec, pulumiName: string): string {
  const rules = spec.autoName!;
  let base = pulumiName;
  if (rules.lowerAlnum) base = base.toLowerCase().replace(/[^a-z0-9]/g, "");
  const suffix = randomBytes(4).toString("hex");
  return base.slice(0, Math.max(0, rules.maxLength - suffix.length)) + suffix;
}

/**
 * Check: unwraps nothing (the caller keeps secrets in the returned inputs), fills the auto-name (kept
 * from the old inputs so it is stable) and reports missing required inputs naming the property.
 */
export function checkInputs(spec: ResourceSpec, pulumiName: string, olds: Obj, news: Obj): { inputs: Obj; failures: CheckFailure[] } {
  const inputs: Obj = { ...news };
  const failures: CheckFailure[] = [];
  const own = spec.pathParams[spec.pathParams.length - 1];
  if (spec.autoName && (inputs[own] === undefined || inputs[own] === null)) {
    inputs[own] = typeof olds?.[own] === "string" ? olds[own] : autoName(spec, pulumiName);
  }
  for (const p of spec.required) {
    if (inputs[p] === undefined || inputs[p] === null || inputs[p] === "") {
      failures.push({ property: p, reason: `Missing required property '${p}' (${spec.token})` });
    }
  }
  return { inputs, failures };
}

export interface DiffDecision {
  changes: boolean;
  replaces: string[];
  deleteBeforeReplace: boolean;
  /** Which top-level inputs differ (for tests and messages). */
  changed: string[];
}

/**
 * Diff of old and new inputs (both secret-free). A change of a path parameter or of a replace-on-change
 * input (location) is a replacement; any other change is an update in place; equal inputs are no change.
 * A value unknown during preview counts as changed. deleteBeforeReplace when the new resource would have
 * the same ARM id as the old one (or the same globally unique name), since Azure would collide.
 */
export function diffInputs(spec: ResourceSpec, oldInputs: Obj, newInputs: Obj, subscriptionId = "s"): DiffDecision {
  const olds = unwrapSecrets(oldInputs ?? {});
  const news = unwrapSecrets(newInputs ?? {});
  const keys = new Set([...Object.keys(olds), ...Object.keys(news)]);
  const changed = [...keys].filter((k) => containsUnknown(news[k]) || !deepEqual(olds[k], news[k])).sort();
  const replaceKeys = new Set([...spec.pathParams, ...spec.replaceOnChanges]);
  const replaces = changed.filter((k) => replaceKeys.has(k));
  let deleteBeforeReplace = false;
  if (replaces.length > 0) {
    const own = spec.pathParams[spec.pathParams.length - 1];
    if (spec.globallyUniqueName) {
      deleteBeforeReplace = !changed.includes(own);
    } else if (spec.pathParams.every((p) => !containsUnknown(news[p]))) {
      try {
        deleteBeforeReplace = armPath(spec, olds, subscriptionId).toLowerCase() === armPath(spec, news, subscriptionId).toLowerCase();
      } catch {
        deleteBeforeReplace = false;
      }
    }
  }
  return { changes: changed.length > 0, replaces, deleteBeforeReplace, changed };
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
