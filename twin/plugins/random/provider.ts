// The stand-in random provider: RandomString, RandomPassword, RandomId and RandomInteger with the inputs,
// defaults and outputs of the real pulumi-random 4.x (terraform-provider-random 3.x): every input forces
// a replacement (keepers included), values come from node:crypto, RandomPassword's result is secret.
import { createHash, randomBytes, randomInt } from "crypto";
import type * as provider from "@pulumi/pulumi/provider";
import { containsUnknown, deepEqual, secret, unwrapSecrets } from "../common/secrets";
import { urnType } from "../azure-native/types";

type Obj = Record<string, any>;

export const RANDOM_STRING = "random:index/randomString:RandomString";
export const RANDOM_PASSWORD = "random:index/randomPassword:RandomPassword";
export const RANDOM_ID = "random:index/randomId:RandomId";
export const RANDOM_INTEGER = "random:index/randomInteger:RandomInteger";

/** terraform-provider-random's default special characters. */
export const DEFAULT_SPECIAL = "!@#$%&*()-_=+[]{}<>:?";
const LOWER = "abcdefghijklmnopqrstuvwxyz";
const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const DIGITS = "0123456789";

/** The inputs of each type (all of them force replacement), used by diff. */
export const INPUT_KEYS: Record<string, string[]> = {
  [RANDOM_STRING]: [
    "keepers",
    "length",
    "lower",
    "minLower",
    "minNumeric",
    "minSpecial",
    "minUpper",
    "number",
    "numeric",
    "overrideSpecial",
    "special",
    "upper",
  ],
  [RANDOM_PASSWORD]: [
    "keepers",
    "length",
    "lower",
    "minLower",
    "minNumeric",
    "minSpecial",
    "minUpper",
    "number",
    "numeric",
    "overrideSpecial",
    "special",
    "upper",
  ],
  [RANDOM_ID]: ["keepers", "byteLength", "prefix"],
  [RANDOM_INTEGER]: ["keepers", "max", "min", "seed"],
};

const isNum = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

/** Defaults as the real provider fills them in Check (so state and diffs see them). */
export function checkRandom(type: string, news: Obj): provider.CheckResult {
  const inputs: Obj = { ...news };
  const failures: provider.CheckFailure[] = [];
  const need = (p: string) => {
    if (inputs[p] === undefined || inputs[p] === null) failures.push({ property: p, reason: `Missing required property '${p}'` });
  };
  if (type === RANDOM_STRING || type === RANDOM_PASSWORD) {
    need("length");
    for (const k of ["lower", "upper", "special"]) inputs[k] ??= true;
    // `number` is the deprecated name of `numeric`; the provider keeps both in step.
    if (inputs.numeric === undefined && inputs.number !== undefined) inputs.numeric = inputs.number;
    inputs.numeric ??= true;
    inputs.number = inputs.numeric;
    for (const k of ["minLower", "minUpper", "minNumeric", "minSpecial"]) inputs[k] ??= 0;
    const u = unwrapSecrets(inputs);
    if (isNum(u.length)) {
      if (u.length < 1) failures.push({ property: "length", reason: "length must be at least 1" });
      const mins = [u.minLower, u.minUpper, u.minNumeric, u.minSpecial];
      if (mins.every(isNum) && u.length < mins.reduce((a: number, b: number) => a + b, 0)) {
        failures.push({ property: "length", reason: `length (${u.length}) must be >= min_upper + min_lower + min_numeric + min_special` });
      }
    }
  } else if (type === RANDOM_ID) {
    need("byteLength");
    const b = unwrapSecrets(inputs.byteLength);
    if (isNum(b) && b < 1) failures.push({ property: "byteLength", reason: "byteLength must be at least 1" });
  } else if (type === RANDOM_INTEGER) {
    need("min");
    need("max");
    const { min, max } = unwrapSecrets(inputs);
    if (isNum(min) && isNum(max) && max < min)
      failures.push({ property: "max", reason: "Minimum value needs to be smaller than or equal to maximum value" });
  } else {
    failures.push({ property: "", reason: `the stand-in random plugin does not implement ${type}` });
  }
  return { inputs, failures };
}

/** A random string with the real provider's character classes and minimums, shuffled with crypto. */
export function generateString(o: Obj, rnd: (n: number) => number = randomInt): string {
  const special = typeof o.overrideSpecial === "string" && o.overrideSpecial.length > 0 ? o.overrideSpecial : DEFAULT_SPECIAL;
  const classes: [boolean, string, number][] = [
    [o.lower !== false, LOWER, o.minLower ?? 0],
    [o.upper !== false, UPPER, o.minUpper ?? 0],
    [(o.numeric ?? o.number) !== false, DIGITS, o.minNumeric ?? 0],
    [o.special !== false, special, o.minSpecial ?? 0],
  ];
  const chars: string[] = [];
  let all = "";
  for (const [on, set, min] of classes) {
    // Like terraform-provider-random, a minimum applies even when the class is otherwise off.
    for (let i = 0; i < min; i++) chars.push(set[rnd(set.length)]);
    if (on) all += set;
  }
  if (all.length === 0 && chars.length < o.length) throw new Error("at least one of lower, upper, numeric or special must be true");
  while (chars.length < o.length) chars.push(all[rnd(all.length)]);
  for (let i = chars.length - 1; i > 0; i--) {
    const j = rnd(i + 1);
    [chars[i], chars[j]] = [chars[j], chars[i]];
  }
  return chars.join("");
}

export function generateId(byteLength: number, prefix = "", bytes: Buffer = randomBytes(byteLength)): Obj {
  const b64Url = bytes.toString("base64url");
  return {
    id: b64Url,
    b64Url: prefix + b64Url,
    b64Std: prefix + bytes.toString("base64"),
    hex: prefix + bytes.toString("hex"),
    dec: prefix + BigInt("0x" + (bytes.toString("hex") || "0")).toString(10),
  };
}

export function generateInteger(min: number, max: number, seed?: string): number {
  if (seed !== undefined && seed !== "") {
    // Same seed, same number (as the real provider promises); derived with SHA-256.
    const n = createHash("sha256").update(seed).digest().readUInt32BE(0);
    return min + (n % (max - min + 1));
  }
  return max === min ? min : randomInt(min, max + 1);
}

export class RandomStandIn implements provider.Provider {
  constructor(readonly version: string) {}

  async check(urn: string, _olds: Obj, news: Obj): Promise<provider.CheckResult> {
    return checkRandom(urnType(urn), news ?? {});
  }

  async diff(_id: string, urn: string, olds: Obj, news: Obj): Promise<provider.DiffResult> {
    const type = urnType(urn);
    const o = unwrapSecrets(olds ?? {});
    const n = unwrapSecrets(news ?? {});
    const replaces = (INPUT_KEYS[type] ?? []).filter((k) => containsUnknown(n[k]) || !deepEqual(o[k], n[k]));
    return { changes: replaces.length > 0, replaces, deleteBeforeReplace: false };
  }

  async create(urn: string, rawInputs: Obj): Promise<provider.CreateResult> {
    const type = urnType(urn);
    const inputs = unwrapSecrets(rawInputs);
    switch (type) {
      case RANDOM_STRING: {
        const result = generateString(inputs);
        return { id: result, outs: { ...rawInputs, result } };
      }
      case RANDOM_PASSWORD: {
        const result = generateString(inputs);
        // bcryptHash needs bcrypt, which node:crypto lacks; the stand-in leaves it unset (see README).
        return { id: "none", outs: { ...rawInputs, result: secret(result) } };
      }
      case RANDOM_ID: {
        const { id, ...outs } = generateId(inputs.byteLength, inputs.prefix ?? "");
        return { id, outs: { ...rawInputs, ...outs } };
      }
      case RANDOM_INTEGER: {
        const result = generateInteger(inputs.min, inputs.max, inputs.seed);
        return { id: String(result), outs: { ...rawInputs, result } };
      }
      default:
        throw new Error(`the stand-in random plugin does not implement ${type}`);
    }
  }

  async read(id: string, urn: string, props?: Obj): Promise<provider.ReadResult> {
    // Nothing outside the state: what was generated stays; the inputs are the input keys of the state.
    const state = props ?? {};
    const inputs = Object.fromEntries((INPUT_KEYS[urnType(urn)] ?? []).filter((k) => state[k] !== undefined).map((k) => [k, state[k]]));
    return { id, props: state, inputs };
  }

  async update(_id: string, _urn: string, olds: Obj): Promise<provider.UpdateResult> {
    // Every input forces replacement, so an update only ever carries the old outputs forward.
    return { outs: olds };
  }

  async delete(): Promise<void> {
    // Nothing outside the state.
  }
}
