// DrDrill used the way a user's program uses the package: the config built in code (parseDrillConfig of a
// plain object, no stack config), two drills in one program. Each drill's children are named from its
// own name and parented to it, so the two do not collide, and each resolves its own outputs.
import { DrDrill, parseDrillConfig, type DrDrillOutputs } from "../../components";
import { TEST_FAILOVER_TYPE } from "../../components/drillTypes";
import { Harness, installMocks, settle } from "./mockHarness";
import { CONTAINER, FABRIC, protectedItem, recoveryPlan, validRawConfig } from "./fixtures";

const items = Object.fromEntries(
  [
    { guid: "guid-dc01", friendlyName: "DC01", subnet: "snet-identity", staticIp: "10.10.1.4" },
    { guid: "guid-sql01", friendlyName: "SQL01", nics: 2, size: "Standard_E4s_v3", subnet: "snet-data" },
    { guid: "guid-app01", friendlyName: "APP01", subnet: "snet-app" },
    { guid: "guid-web01", friendlyName: "WEB01", subnet: "snet-web" },
  ].map((f) => [f.guid, protectedItem(f)]),
);
const plans = [recoveryPlan("rp-contoso-tier1", [["guid-sql01"], ["guid-app01"]]), recoveryPlan("rp-web", [["guid-web01"]])];
// The failure predictor reads the recovery region through the drill's ARM client; here: an empty region.
jest.mock("../../components/recoveryRegionArm", () => ({
  recoveryRegionArmReader: () => ({ listAll: async () => [], tryGet: async () => undefined }),
}));
jest.mock("../../components/asr/asrClient", () => ({
  SiteRecoveryDrillClient: class {
    arm = { listAll: async () => plans.map((p) => ({ name: p.name })) };
    async listJobs() {
      return [];
    }
    async listProtectedItems() {
      return Object.values(items);
    }
  },
}));

function invoke(token: string, inputs: Record<string, any>): Record<string, any> {
  if (token.endsWith(":getReplicationRecoveryPlan")) {
    const plan = plans.find((p) => p.name === inputs.recoveryPlanName);
    if (!plan) throw new Error(`ResourceNotFound ${inputs.recoveryPlanName}`);
    return plan;
  }
  if (token.endsWith(":getReplicationProtectedItem")) return items[inputs.replicatedProtectedItemName];
  if (token.endsWith(":getAvailabilitySet")) return { sku: { name: "Aligned" } };
  if (token.endsWith(":getStorageAccount")) return { encryption: { services: { blob: { enabled: false } } } };
  throw new Error(`unexpected invoke ${token}`);
}

let harness: Harness;
beforeAll(async () => {
  harness = await installMocks(invoke);
});

function tier2Config() {
  const raw = validRawConfig();
  raw.drill = { ...raw.drill, id: "contoso-web" };
  raw.scope = { items: [{ friendlyName: "WEB01", fabricName: FABRIC, protectionContainerName: CONTAINER, name: "guid-web01" }] };
  raw.testNetwork = { ...raw.testNetwork, resourceGroup: "contoso-web-drill-rg", vnetName: "contoso-web-drill-vnet" };
  delete raw.directoryCopy;
  raw.expected = [{ friendlyName: "WEB01" }];
  return parseDrillConfig(raw);
}

it("two drills in one program: children named from and parented to their own drill, outputs their own", async () => {
  const tier1 = new DrDrill("tier1", parseDrillConfig(validRawConfig()));
  const web = new DrDrill("web", tier2Config());
  const [o1, o2]: DrDrillOutputs[] = await Promise.all([tier1.outputs, web.outputs]);
  await settle();

  const drills = harness.byType("failover-drill:index:DrDrill");
  expect(drills.map((d) => d.name).sort()).toEqual(["tier1", "web"]);
  for (const d of drills) {
    const children = harness.resources.filter((r) => r.parent === d.urn);
    expect(children.length).toBeGreaterThanOrEqual(4);
    for (const c of children) expect(c.name.startsWith(`${d.name}-`)).toBe(true);
  }
  const tfos = harness
    .byType(TEST_FAILOVER_TYPE)
    .map((r) => `${r.name}:${r.inputs.drillId}`)
    .sort();
  expect(tfos).toEqual(["tier1-application:contoso-tier1", "tier1-directory-copy-tfo:contoso-tier1", "web-application:contoso-web"]);
  expect(new Set(harness.resources.map((r) => r.urn)).size).toBe(harness.resources.length);

  expect([o1.drillId, o2.drillId]).toEqual(["contoso-tier1", "contoso-web"]);
  expect([tier1.drillId, web.drillId]).toEqual(["contoso-tier1", "contoso-web"]);
  expect(o2.directoryCopyTestFailover).toBeUndefined();
  expect(o2.dnsServers).toEqual([]);
});

it("a refused scope rejects the drill's outputs with the config path and declares no child", async () => {
  harness.resources.length = 0;
  const raw = validRawConfig();
  raw.scope = { items: [{ friendlyName: "NOPE01" }] };
  const drill = new DrDrill("refused", parseDrillConfig(raw));
  await expect(drill.outputs).rejects.toThrow(
    /failover-drill:scope\.items\[0\]: .*NOPE01.*matches no protected item in vault contoso-asr-vault/,
  );
  await settle();
  expect(harness.resources.filter((r) => !r.type.startsWith("pulumi:providers:")).map((r) => r.type)).toEqual([
    "failover-drill:index:DrDrill",
  ]);
});

it("several recovery plans: one application test failover per plan, each after the DC copy, each with its own items and expectations", async () => {
  harness.resources.length = 0;
  const raw = validRawConfig();
  raw.drill = { ...raw.drill, id: "contoso-two-plans" };
  raw.scope = { recoveryPlans: ["rp-contoso-tier1", "rp-web"] };
  raw.expected = [{ friendlyName: "APP01", size: "Standard_D2s_v3" }, { friendlyName: "WEB01" }];
  const drill = new DrDrill("multi", parseDrillConfig(raw));
  const outputs = await drill.outputs;
  await settle();
  const tfos = harness.byType(TEST_FAILOVER_TYPE).filter((r) => r.inputs.drillId === "contoso-two-plans");
  const dc = tfos.find((t) => t.inputs.role === "directory-copy")!;
  const apps = tfos.filter((t) => t.inputs.role === "application").sort((a, b) => a.name.localeCompare(b.name));
  expect(
    apps.map((t) => [
      t.name,
      t.inputs.scope.recoveryPlanName,
      t.inputs.items.map((i: any) => i.friendlyName),
      t.inputs.expected.map((e: any) => e.friendlyName),
    ]),
  ).toEqual([
    ["multi-application-rp-contoso-tier1", "rp-contoso-tier1", ["SQL01", "APP01"], ["APP01"]],
    ["multi-application-rp-web", "rp-web", ["WEB01"], ["WEB01"]],
  ]);
  for (const a of apps) expect(a.dependencies).toContain(dc.urn);
  // Independent of each other: neither waits for the other plan.
  expect(apps[1].dependencies).not.toContain(apps[0].urn);
  expect(outputs.counts).toEqual({ applicationItems: 3, directoryCopyItems: 1, testFailovers: 3 });
  expect(Object.keys(outputs.applicationTestFailovers)).toEqual(["multi-application-rp-contoso-tier1", "multi-application-rp-web"]);
});
