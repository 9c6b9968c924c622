// The drill runner's command line: flags, scope override of the stack config, and the refusals.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { deriveStackConfig, parseDrillArgs, UsageError } from "../../scripts/drill";

describe("parseDrillArgs", () => {
  it("defaults to the Contoso fixture on the test stack, cleaning up afterwards", () => {
    const o = parseDrillArgs([]);
    expect(o.fixture).toMatch(/twin[/\\]fixtures[/\\]contoso\.yaml$/);
    expect(o.stack).toBe("test");
    expect(o.keep).toBe(false);
    expect(o.cleanup).toBe(false);
    expect(o.scope).toBeUndefined();
  });

  it("reads --scope plan:<name> and --scope items:<a,b>", () => {
    expect(parseDrillArgs(["--scope", "plan:rp-x"]).scope).toEqual({ recoveryPlan: "rp-x" });
    expect(parseDrillArgs(["--scope", "items:APP01, WEB01"]).scope).toEqual({
      items: [{ friendlyName: "APP01" }, { friendlyName: "WEB01" }],
    });
  });

  it.each([
    [["--scope", "vm:APP01"], /--scope vm:APP01: expected plan:<recovery plan name> or items:/],
    [["--speed", "0"], /--speed 0: expected a positive number/],
    [["--speed"], /--speed needs a value/],
    [["--port", "70000"], /--port 70000: expected a TCP port/],
    [["--fixture", "/nonexistent/estate.yaml"], /--fixture \/nonexistent\/estate.yaml: no such file/],
    [["--keep", "--cleanup"], /--keep and --cleanup exclude each other/],
    [["--frobnicate"], /unknown flag --frobnicate/],
  ])("refuses %j", (argv, message) => {
    expect(() => parseDrillArgs(argv as string[])).toThrow(UsageError);
    expect(() => parseDrillArgs(argv as string[])).toThrow(message as RegExp);
  });
});

describe("deriveStackConfig", () => {
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
});
