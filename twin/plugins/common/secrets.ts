// Pulumi's secret signature: with acceptSecrets=true (what @pulumi/pulumi/provider's server replies to
// Configure) secret inputs reach the provider as `{<sig key>: <secret sig>, value}` objects, and outputs
// are secret only when the provider wraps them the same way.
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
/** The preview placeholder for values not known yet. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function isSecret(v: unknown): v is { value: unknown } {
  return typeof v === "object" && v !== null && (v as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
}

export function secret<T>(value: T): { [SIG_KEY]: string; value: T } {
  return { [SIG_KEY]: SECRET_SIG, value };
}

/** Removes every secret wrapper, at any depth. */
export function unwrapSecrets(v: unknown): any {
  if (isSecret(v)) return unwrapSecrets(v.value);
  if (Array.isArray(v)) return v.map(unwrapSecrets);
  if (typeof v === "object" && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = unwrapSecrets(x);
    return out;
  }
  return v;
}

/** The top-level keys whose value is (or contains) a secret. */
export function secretKeys(inputs: Record<string, unknown> | undefined): Set<string> {
  const keys = new Set<string>();
  const contains = (v: unknown): boolean =>
    isSecret(v) || (Array.isArray(v) ? v.some(contains) : typeof v === "object" && v !== null && Object.values(v).some(contains));
  for (const [k, v] of Object.entries(inputs ?? {})) if (contains(v)) keys.add(k);
  return keys;
}

/** Re-marks as secret the outputs whose same-named input was secret (what the engine does for plugins without secret support). */
export function annotateSecrets(outs: Record<string, unknown>, keys: Set<string>): Record<string, unknown> {
  const r = { ...outs };
  for (const k of keys) if (k in r && r[k] !== undefined && !isSecret(r[k])) r[k] = secret(r[k]);
  return r;
}

/** True when the value is (or contains) the preview placeholder. */
export function containsUnknown(v: unknown): boolean {
  if (v === UNKNOWN) return true;
  if (Array.isArray(v)) return v.some(containsUnknown);
  if (typeof v === "object" && v !== null) return Object.values(v).some(containsUnknown);
  return false;
}

/** Structural equality of plain JSON values (key order ignored; undefined and missing are equal). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => deepEqual(x, b[i]));
  }
  if (typeof a === "object" && a !== null && typeof b === "object" && b !== null) {
    const ka = Object.keys(a).filter((k) => (a as any)[k] !== undefined);
    const kb = Object.keys(b).filter((k) => (b as any)[k] !== undefined);
    if (ka.length !== kb.length) return false;
    return ka.every((k) => deepEqual((a as any)[k], (b as any)[k]));
  }
  return false;
}
