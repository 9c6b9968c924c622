// The drill runner's command line: flags, scope override of the stack config, and the refusals.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import {
  deriveStackConfig,
  parseDrillArgs as parseOrHelp,
  DRILL_HELP,
  DrillExit,
  isConfigFailure,
  UsageError,
  type DrillOptions,
} from "../../scripts/drill";
import { BadInputError } from "../../scripts/lib/runnerErrors";
import { testFailoversOf } from "../../scripts/lib/stackConfig";

function parseDrillArgs(argv: string[]): DrillOptions {
  const o = parseOrHelp(argv);
  if (o === "help") throw new Error("unexpected --help");
  return o;
}

describe("parseDrillArgs", () => {
  it("defaults to the Contoso fixture on the test stack, cleaning up afterwards", () => {
    const o = parseDrillArgs([]);
    expect(o.fixture).toMatch(/twin[/\\]fixtures[/\\]contoso\.yaml$/);
    expect(o.stack).toBe("test");
    expect(o.keep).toBe(false);
    expect(o.cleanup).toBe(false);
    expect(o.scope).toBeUndefined();
    // A free port unless --port is given (a kept drill's own port is found from its state).
    expect(o.port).toBeUndefined();
    expect(o.policyPackConfigs).toEqual([]);
  });

  it("takes --stack, --port and repeated --policy-pack-config, and answers --help", () => {
    const o = parseDrillArgs([
      "--stack",
      "contoso-branch",
      "--port",
      "47123",
      "--policy-pack-config",
      "policy/config/failback-required.json",
      "--policy-pack-config",
      "package.json",
    ]);
    expect(o.stack).toBe("contoso-branch");
    expect(o.port).toBe(47123);
    expect(o.policyPackConfigs.map((f) => path.basename(f))).toEqual(["failback-required.json", "package.json"]);
    expect(parseOrHelp(["--help"])).toBe("help");
    for (const flag of ["--stack", "--keep", "--cleanup", "--scope", "--policy-pack-config", "--port", "--state", "--fixture", "--speed"])
      expect(DRILL_HELP).toContain(flag);
  });

  it("evidence: takes --trigger, --trigger-ref and --evidence-dir (manual by default)", () => {
    expect(parseDrillArgs([]).trigger).toEqual({ kind: "manual" });
    expect(parseDrillArgs([]).evidenceDir).toBeUndefined();
    const o = parseDrillArgs(["--trigger", "change", "--trigger-ref", "CHG-1042", "--evidence-dir", "store"]);
    expect(o.trigger).toEqual({ kind: "change", reference: "CHG-1042" });
    expect(o.evidenceDir).toBe(path.resolve("store"));
    for (const flag of ["--trigger", "--trigger-ref", "--evidence-dir"]) expect(DRILL_HELP).toContain(flag);
    expect(() => parseDrillArgs(["--trigger", "whenever"])).toThrow(/--trigger whenever: expected manual, scheduled or change/);
  });

  it("reads --scope plan:<name>, --scope plans:<a,b> and --scope items:<a,b>", () => {
    expect(parseDrillArgs(["--scope", "plan:rp-x"]).scope).toEqual({ recoveryPlan: "rp-x" });
    expect(parseDrillArgs(["--scope", "plans:rp-x, rp-y"]).scope).toEqual({ recoveryPlans: ["rp-x", "rp-y"] });
    expect(parseDrillArgs(["--scope", "items:APP01, WEB01"]).scope).toEqual({
      items: [{ friendlyName: "APP01" }, { friendlyName: "WEB01" }],
    });
  });

  it.each([
    [["--scope", "vm:APP01"], /--scope vm:APP01: expected plan:<recovery plan name>, plans:<plan>,<plan>\.\.\. or items:/],
    [["--speed", "0"], /--speed 0: expected a positive number/],
    [["--speed"], /--speed .*argument missing/],
    [["--port", "70000"], /--port 70000: expected a TCP port/],
    [["--port", "x"], /--port x: expected a TCP port/],
    [["--policy-pack-config", "/nonexistent/pack.json"], /--policy-pack-config \/nonexistent\/pack.json: no such file/],
    [["--keep", "extra"], /Unexpected argument 'extra'/],
    [["--fixture", "/nonexistent/estate.yaml"], /--fixture \/nonexistent\/estate.yaml: no such file/],
    [["--keep", "--cleanup"], /--keep and --cleanup exclude each other/],
    [["--frobnicate"], /Unknown option '--frobnicate'/],
  ])("refuses %j", (argv, message) => {
    expect(() => parseDrillArgs(argv as string[])).toThrow(UsageError);
    expect(() => parseDrillArgs(argv as string[])).toThrow(message as RegExp);
  });
});

describe("exit codes", () => {
  it("bad config has its own code, apart from a failover failure", () => {
    expect(DrillExit.BadConfig).not.toBe(DrillExit.FailoverFailed);
    expect(new Set(Object.values(DrillExit).filter((v) => typeof v === "number")).size).toBe(10);
    // evidence: a store the drill cannot keep its evidence in has its own code.
    expect(DrillExit.EvidenceUnavailable).toBe(14);
  });

  it("tells a config error in a failed preview from any other failure", () => {
    expect(
      isConfigFailure(["The drill configuration has 1 problem (fix them in Pulumi.<stack>.yaml):\n  - failover-drill:location: ..."], ""),
    ).toBe(true);
    expect(isConfigFailure(['failover-drill:scope.recoveryPlan: "rp-x" is not a recovery plan of vault v'], "")).toBe(true);
    expect(isConfigFailure(["GET /subscriptions/... failed (503): unavailable"], "")).toBe(false);
  });
});

describe("deriveStackConfig", () => {
  it("refuses an unknown stack, naming the stacks there are", () => {
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "drill-config-"));
    try {
      expect(() => deriveStackConfig({ stack: "no-such-stack", stateDir })).toThrow(BadInputError);
      expect(() => deriveStackConfig({ stack: "no-such-stack", stateDir })).toThrow(
        /unknown stack "no-such-stack": no Pulumi\.no-such-stack\.yaml \(stacks with config here: .*test/,
      );
      expect(fs.readdirSync(stateDir)).toEqual([]);
    } finally {
      fs.rmSync(stateDir, { recursive: true, force: true });
    }
  });

  it("writes Pulumi.test.yaml with the scope replaced, keeping the recovery point type and the vault", () => {
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "drill-config-"));
    try {
      const opts = { ...parseDrillArgs(["--scope", "items:APP01"]), stateDir };
      const { file, vault } = deriveStackConfig(opts);
      const doc = YAML.parse(fs.readFileSync(file, "utf8"));
      const original = YAML.parse(fs.readFileSync(path.join(__dirname, "..", "..", "Pulumi.test.yaml"), "utf8"));
      expect(doc.config["failover-drill:scope"]).toEqual({
        items: [{ friendlyName: "APP01" }],
        recoveryPointType: original.config["failover-drill:scope"].recoveryPointType,
      });
      expect(vault).toEqual(original.config["failover-drill:vault"]);
      // Quoted scalars stay quoted: a bare 2030-12-31 would reach the program as a YAML timestamp.
      expect(fs.readFileSync(file, "utf8")).toMatch(/expiry: "\d{4}-\d{2}-\d{2}"/);
      // Expected results are narrowed to the VMs still in the drill: APP01 and the directory copy's DC01.
      expect(doc.config["failover-drill:expected"].map((e: { friendlyName: string }) => e.friendlyName)).toEqual(["DC01", "APP01"]);
      // Everything else is the committed stack config, unchanged.
      const rest = (c: Record<string, unknown>) => ({ ...c, "failover-drill:scope": undefined, "failover-drill:expected": undefined });
      expect(rest(doc.config)).toEqual(rest(original.config));
    } finally {
      fs.rmSync(stateDir, { recursive: true, force: true });
    }
  });

  it("narrowed to items, keeps only the expectedRules that match a VM still in the drill (an unmatched rule is refused)", () => {
    const stack = `drill-rules-${process.pid}`;
    const source = path.join(__dirname, "..", "..", `Pulumi.${stack}.yaml`);
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "drill-config-"));
    try {
      const original = YAML.parse(fs.readFileSync(path.join(__dirname, "..", "..", "Pulumi.test.yaml"), "utf8"));
      original.config["failover-drill:expectedRules"] = [
        { match: "APP*", nicCount: 1 },
        { match: "SQL*", nicCount: 2 },
        { match: "DC*", nicCount: 1 },
      ];
      fs.writeFileSync(source, YAML.stringify(original));
      const { file } = deriveStackConfig({ ...parseDrillArgs(["--stack", stack, "--scope", "items:APP01"]), stateDir });
      const doc = YAML.parse(fs.readFileSync(file, "utf8"));
      expect(doc.config["failover-drill:expectedRules"].map((r: { match: string }) => r.match)).toEqual(["APP*", "DC*"]);
    } finally {
      fs.rmSync(source, { force: true });
      fs.rmSync(stateDir, { recursive: true, force: true });
    }
  });

  it("counts the TestFailovers of the derived config: the AD/DNS copy's plus one per plan or item set", () => {
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "drill-config-"));
    try {
      expect(deriveStackConfig({ ...parseDrillArgs(["--scope", "items:APP01"]), stateDir }).testFailovers).toBe(2);
      expect(deriveStackConfig({ ...parseDrillArgs(["--scope", "plans:rp-a,rp-b,rp-c"]), stateDir }).testFailovers).toBe(4);
      expect(testFailoversOf({ "failover-drill:scope": { recoveryPlan: "rp" } })).toBe(1);
      expect(testFailoversOf({})).toBe(0);
    } finally {
      fs.rmSync(stateDir, { recursive: true, force: true });
    }
  });
});
