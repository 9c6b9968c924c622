// The stack config of a CLI drill of a generated estate must be one the program accepts: parsed by the
// program's own config schema (components/config.ts), as `pulumi up` would read it.
import * as YAML from "yaml";
import { parseDrillConfig, readRawDrillConfig } from "../../components/config";
import { cliDrillStackConfig } from "../../bench/stackConfig";
import { GENERATED_DC, generateEstate } from "../../twin/fixtures/generate";

/** What index.ts sees: pulumi.Config.get returns objects as JSON text. */
function programConfig(text: string) {
  const config = (YAML.parse(text) as { config: Record<string, unknown> }).config;
  const raw = readRawDrillConfig((key) => {
    const v = config[`failover-drill:${key}`];
    return v === undefined ? undefined : typeof v === "string" ? v : JSON.stringify(v);
  });
  return parseDrillConfig(raw, { env: { FAILOVER_DRILL_ARM_ENDPOINT: "http://127.0.0.1:1" } });
}

test("a one-plan drill: DC copy first, every VM in the plan and the DC expected with one in-guest check", () => {
  const fx = generateEstate({ items: 100, plans: 1, domainController: true });
  const cfg = programConfig(cliDrillStackConfig(fx, "bench-cli-100", { recoveryPlan: "rp-synthetic-1" }));
  expect(cfg.scope.recoveryPlan).toBe("rp-synthetic-1");
  expect(cfg.directoryCopy?.items).toEqual([{ friendlyName: GENERATED_DC.name, testIp: GENERATED_DC.ip }]);
  expect(cfg.expected).toHaveLength(101);
  expect(cfg.expected.every((e) => e.inGuestChecks?.length === 1 && e.nicCount === 1 && e.ip)).toBe(true);
  expect(cfg.testNetwork.subnets.map((s) => s.name)).toContain(GENERATED_DC.subnet);
  // The runner's generic local-endpoint mode: no endpoint in the file, the token in the named variable.
  expect(cfg.arm).toMatchObject({ credentialMode: "staticToken", endpoint: "http://127.0.0.1:1" });
});

test("1,000 VMs of 10 plans can only be one drill as scope.items", () => {
  const fx = generateEstate({ items: 1000, plans: 10, itemsPerPlan: 100, domainController: true });
  const items = fx.recoveryPlans!.flatMap((p) => p.bootGroups.flat()).map((friendlyName) => ({ friendlyName }));
  const cfg = programConfig(cliDrillStackConfig(fx, "bench-cli-1000", { items }));
  expect(cfg.scope.items).toHaveLength(1000);
  expect(cfg.expected).toHaveLength(1001);
});

test("refuses an estate without the DC and a scope that names nothing", () => {
  expect(() => cliDrillStackConfig(generateEstate({ items: 4, plans: 1 }), "x", { recoveryPlan: "rp-synthetic-1" })).toThrow(
    /no DC01; generate it with domainController: true/,
  );
  expect(() =>
    cliDrillStackConfig(generateEstate({ items: 4, plans: 1, domainController: true }), "x", { recoveryPlan: "rp-none" }),
  ).toThrow(/names nothing/);
});

test("without application expectations only the DC is expected", () => {
  const fx = generateEstate({ items: 4, plans: 1, domainController: true });
  const cfg = programConfig(cliDrillStackConfig(fx, "x", { recoveryPlan: "rp-synthetic-1" }, { applicationExpectations: false }));
  expect(cfg.expected.map((e) => e.friendlyName)).toEqual([GENERATED_DC.name]);
});
