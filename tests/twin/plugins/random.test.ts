// The stand-in random provider: the real provider's defaults, outputs, replace-on-any-change and secrets.
import {
  checkRandom,
  DEFAULT_SPECIAL,
  generateId,
  generateString,
  RandomStandIn,
  RANDOM_ID,
  RANDOM_INTEGER,
  RANDOM_PASSWORD,
  RANDOM_STRING,
} from "../../../twin/plugins/random/provider";
import { isSecret } from "../../../twin/plugins/common/secrets";
import { requestedPluginVersion } from "../../../twin/plugins/common/packageVersion";

const urn = (type: string) => `urn:pulumi:e2e::p::${type}::r`;
const p = new RandomStandIn("4.21.2");

describe("random stand-in", () => {
  it("reports the version the installed npm packages request", () => {
    expect(requestedPluginVersion("@pulumi/random")).toBe("4.21.2");
    expect(requestedPluginVersion("@pulumi/azure-native")).toBe("3.28.0");
  });

  it("check fills the real defaults and names missing inputs", () => {
    const r = checkRandom(RANDOM_STRING, { length: 8, upper: false, special: false });
    expect(r.failures).toEqual([]);
    expect(r.inputs).toEqual({
      length: 8,
      upper: false,
      special: false,
      lower: true,
      numeric: true,
      number: true,
      minLower: 0,
      minUpper: 0,
      minNumeric: 0,
      minSpecial: 0,
    });
    expect(checkRandom(RANDOM_STRING, {}).failures).toEqual([{ property: "length", reason: "Missing required property 'length'" }]);
    expect(checkRandom(RANDOM_STRING, { length: 2, minUpper: 2, minNumeric: 1 }).failures![0].reason).toMatch(/must be >= min_upper/);
    expect(checkRandom(RANDOM_INTEGER, { min: 5, max: 1 }).failures![0].property).toBe("max");
    expect(checkRandom(RANDOM_ID, {}).failures![0].property).toBe("byteLength");
    expect(checkRandom(RANDOM_STRING, { length: 4, number: false }).inputs).toMatchObject({ number: false, numeric: false });
  });

  it("RandomString: lower-case letters and digits as the drill's storage suffix asks; id = result", async () => {
    const { inputs } = checkRandom(RANDOM_STRING, { length: 8, upper: false, special: false, lower: true, numeric: true });
    for (let i = 0; i < 50; i++) {
      const r = await p.create(urn(RANDOM_STRING), inputs);
      expect(r.outs.result).toMatch(/^[a-z0-9]{8}$/);
      expect(r.id).toBe(r.outs.result);
      expect(r.outs).toMatchObject(inputs);
    }
  });

  it("honours minimums and overrideSpecial", () => {
    const s = generateString({
      length: 12,
      lower: false,
      upper: false,
      numeric: false,
      special: true,
      minUpper: 3,
      minNumeric: 2,
      overrideSpecial: "#",
    });
    expect(s).toHaveLength(12);
    expect(s.replace(/[^A-Z]/g, "").length).toBeGreaterThanOrEqual(3);
    expect(s.replace(/[^0-9]/g, "").length).toBeGreaterThanOrEqual(2);
    expect(s).toMatch(/^[A-Z0-9#]+$/);
    expect(generateString({ length: 40, lower: false, upper: false, numeric: false })).toMatch(
      new RegExp(`^[${DEFAULT_SPECIAL.replace(/[\][\-\\]/g, "\\$&")}]+$`),
    );
  });

  it("RandomPassword: result is secret, id is 'none'", async () => {
    const { inputs } = checkRandom(RANDOM_PASSWORD, { length: 16 });
    const r = await p.create(urn(RANDOM_PASSWORD), inputs);
    expect(r.id).toBe("none");
    expect(isSecret(r.outs.result)).toBe(true);
    expect((r.outs.result as { value: string }).value).toHaveLength(16);
  });

  it("RandomId: encodings with the prefix, id = raw base64url", () => {
    const out = generateId(4, "p-", Buffer.from([0xde, 0xad, 0xbe, 0xef]));
    expect(out).toEqual({ id: "3q2-7w", b64Url: "p-3q2-7w", b64Std: "p-3q2+7w==", hex: "p-deadbeef", dec: "p-3735928559" });
  });

  it("RandomInteger: within [min, max]; a seed gives the same number", async () => {
    for (let i = 0; i < 30; i++) {
      const r = await p.create(urn(RANDOM_INTEGER), { min: 1, max: 3 });
      expect(r.outs.result).toBeGreaterThanOrEqual(1);
      expect(r.outs.result).toBeLessThanOrEqual(3);
      expect(r.id).toBe(String(r.outs.result));
    }
    const a = await p.create(urn(RANDOM_INTEGER), { min: 0, max: 1000, seed: "drill" });
    const b = await p.create(urn(RANDOM_INTEGER), { min: 0, max: 1000, seed: "drill" });
    expect(a.outs.result).toBe(b.outs.result);
  });

  it("any input change (keepers included) replaces; equal inputs are no change", async () => {
    const { inputs } = checkRandom(RANDOM_STRING, { length: 8, keepers: { rg: "a" } });
    const { outs } = await p.create(urn(RANDOM_STRING), inputs);
    expect(await p.diff("x", urn(RANDOM_STRING), outs, inputs)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    expect(await p.diff("x", urn(RANDOM_STRING), outs, { ...inputs, keepers: { rg: "b" } })).toEqual({
      changes: true,
      replaces: ["keepers"],
      deleteBeforeReplace: false,
    });
    expect((await p.diff("x", urn(RANDOM_STRING), outs, { ...inputs, length: 9 })).replaces).toEqual(["length"]);
  });

  it("read keeps the generated value and reports the inputs", async () => {
    const { inputs } = checkRandom(RANDOM_STRING, { length: 8 });
    const { id, outs } = await p.create(urn(RANDOM_STRING), inputs);
    const r = await p.read(id, urn(RANDOM_STRING), outs);
    expect(r).toEqual({ id, props: outs, inputs });
  });
});
