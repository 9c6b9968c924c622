// The stack config of a CLI drill of a generated estate must be one the program accepts: parsed by the
// program's own config schema (components/config.ts), as `pulumi up` would read it.
import * as YAML from "yaml";
import { parseDrillConfig, readRawDrillConfig } from "../../components/config";
import { APPLICATION_PATTERN, cliDrillStackConfig, type CliDrillConfig } from "../../bench/stackConfig";
import { effectiveExpectations } from "../../components/expectedRules";
import { MAX_ENV_STRING_BYTES, prepareCliDrill } from "../../bench/cliDrill";
import { GENERATED_DC, generateEstate } from "../../twin/fixtures/generate";

/** What index.ts sees: pulumi.Config.get returns objects as JSON text; files the config names beside it. */
function programConfig({ configText, files }: CliDrillConfig) {
  const config = (YAML.parse(configText) as { config: Record<string, unknown> }).config;
  const raw = readRawDrillConfig((key) => {
    const v = config[`failover-drill:${key}`];
    return v === undefined ? undefined : typeof v === "string" ? v : JSON.stringify(v);
  });
  return parseDrillConfig(raw, {
    env: { FAILOVER_DRILL_ARM_ENDPOINT: "http://127.0.0.1:1" },
    readFile: (f) => {
      if (!(f in files)) throw new Error(`no such file ${f}`);
      return files[f];
    },
  });
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

test("1,000 VMs as 10 plans: per-VM size/IP/NIC in the expected file, one rule for the applications' check", () => {
  const fx = generateEstate({ items: 1000, plans: 10, itemsPerPlan: 100, domainController: true });
  const plans = fx.recoveryPlans!.map((p) => p.name);
  const written = cliDrillStackConfig(
    fx,
    "bench-cli-1000",
    { recoveryPlans: plans },
    { expectedFile: "Pulumi.bench-cli-1000.expected.json" },
  );
  expect(Object.keys(written.files)).toEqual(["Pulumi.bench-cli-1000.expected.json"]);
  const cfg = programConfig(written);
  expect(cfg.scope.recoveryPlans).toEqual(plans);
  expect(plans).toHaveLength(10);
  expect(cfg.expectedRules).toEqual([{ match: APPLICATION_PATTERN, inGuestChecks: [expect.objectContaining({ name: "resolve-domain" })] }]);
  // What each VM is verified against: exactly one in-guest check, the applications with size, IP and NIC count.
  const names = [GENERATED_DC.name, ...fx.recoveryPlans!.flatMap((p) => p.bootGroups.flat())];
  expect(names).toHaveLength(1001);
  const effective = effectiveExpectations(names, cfg.expectedRules, cfg.expected);
  expect(effective).toHaveLength(1001);
  expect(effective.every((e) => e.inGuestChecks?.length === 1)).toBe(true);
  expect(effective.find((e) => e.friendlyName === GENERATED_DC.name)!.inGuestChecks![0].name).toBe("ad-ds-and-dns-running");
  expect(effective.filter((e) => e.friendlyName !== GENERATED_DC.name).every((e) => e.size && e.ip && e.nicCount === 1)).toBe(true);
});

test("the bench's 1,000-VM case fits the one environment variable stack config travels in", () => {
  const prepared = prepareCliDrill({
    name: "1,000",
    vms: 1000,
    plans: 10,
    scope: "plans",
    expectations: "every VM",
    expectationsInFile: true,
  });
  expect(prepared.pulumiConfigBytes).toBeLessThan(MAX_ENV_STRING_BYTES / 10);
  // Every expectation in stack config instead would not.
  const inline = prepareCliDrill({ name: "1,000", vms: 1000, plans: 10, scope: "plans", expectations: "every VM" });
  expect(inline.pulumiConfigBytes).toBeGreaterThan(MAX_ENV_STRING_BYTES);
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
