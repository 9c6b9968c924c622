// policy:check's flags: the drill's session flags (parseArgs), its own --out, --help; drill-only flags refused.
import * as path from "path";
import { parsePolicyCheckArgs, POLICY_CHECK_HELP } from "../../scripts/policyCheck";

describe("parsePolicyCheckArgs", () => {
  it("defaults to the test stack on a free port in its own state folder", () => {
    const o = parsePolicyCheckArgs([]);
    if (o === "help") throw new Error("unexpected help");
    expect(o).toMatchObject({ stack: "test", port: 0, subscription: false, policyPackConfigs: [] });
    expect(o.stateDir).toMatch(/\.state[/\\]policy-check$/);
  });

  it("takes --stack, --scope and --policy-pack-config like the drill, and answers --help", () => {
    const o = parsePolicyCheckArgs([
      "--stack",
      "branch-office",
      "--scope",
      "items:FILE01",
      "--policy-pack-config",
      "policy/config/failback-required.json",
    ]);
    if (o === "help") throw new Error("unexpected help");
    expect(o.stack).toBe("branch-office");
    expect(o.scope).toEqual({ items: [{ friendlyName: "FILE01" }] });
    expect(o.policyPackConfigs.map((f) => path.basename(f))).toEqual(["failback-required.json"]);
    expect(parsePolicyCheckArgs(["--help"])).toBe("help");
    for (const flag of ["--stack", "--scope", "--policy-pack-config", "--out"]) expect(POLICY_CHECK_HELP).toContain(flag);
  });

  it("refuses drill-only and unknown flags", () => {
    expect(() => parsePolicyCheckArgs(["--keep"])).toThrow(/--keep is a drill flag; policy:check never runs up or destroy/);
    expect(() => parsePolicyCheckArgs(["--reports", "x"])).toThrow(/Unknown option '--reports'/);
  });
});
