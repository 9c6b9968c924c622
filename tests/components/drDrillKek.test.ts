// The KEK certificate (`failover-drill:kekCertificatePfx`) through DrDrill: recorded only as a Pulumi
// secret — in the component's own inputs and in every TestFailover's inputs — and in no output.
import * as pulumi from "@pulumi/pulumi";
import { DrDrill, parseDrillConfig } from "../../components";
import { TEST_FAILOVER_TYPE } from "../../components/drillTypes";
import { Harness, installMocks, settle } from "./mockHarness";
import { protectedItem, recoveryPlan, validRawConfig } from "./fixtures";

const items = Object.fromEntries(
  [
    { guid: "guid-dc01", friendlyName: "DC01", subnet: "snet-identity", staticIp: "10.10.1.4" },
    { guid: "guid-sql01", friendlyName: "SQL01", nics: 2, size: "Standard_E4s_v3", subnet: "snet-data" },
    { guid: "guid-app01", friendlyName: "APP01", subnet: "snet-app" },
  ].map((f) => [f.guid, protectedItem(f)]),
);
const plan = recoveryPlan("rp-contoso-tier1", [["guid-sql01"], ["guid-app01"]]);
jest.mock("../../components/asr/asrClient", () => ({
  SiteRecoveryDrillClient: class {
    arm = { listAll: async () => [{ name: "rp-contoso-tier1" }] };
    async listJobs() {
      return [];
    }
    async listProtectedItems() {
      return Object.values(items);
    }
  },
}));

jest.mock("../../components/recoveryRegionArm", () => ({
  recoveryRegionArmReader: () => ({ listAll: async () => [], tryGet: async () => undefined }),
}));

function invoke(token: string, inputs: Record<string, any>): Record<string, any> {
  if (token.endsWith(":getReplicationRecoveryPlan")) return plan;
  if (token.endsWith(":getReplicationProtectedItem")) return items[inputs.replicatedProtectedItemName];
  if (token.endsWith(":getAvailabilitySet")) return { sku: { name: "Aligned" } };
  if (token.endsWith(":getStorageAccount")) return { encryption: { services: { blob: { enabled: false } } } };
  throw new Error(`unexpected invoke ${token}`);
}

const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const KEK = Buffer.from("test KEK certificate").toString("base64");

let harness: Harness;
/** Each registration's inputs as serialized for the engine (secrets still wrapped), by type/name. */
const raw = new Map<string, Record<string, any>>();
beforeAll(async () => {
  harness = await installMocks(invoke);
  const monitor = pulumi.runtime.getMonitor() as any;
  const next = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: any, callback: any) => {
    raw.set(`${req.getType()}/${req.getName()}`, req.getObject().toJavaScript());
    next(req, callback);
  };
});

it("the KEK certificate is a secret in DrDrill's and every TestFailover's inputs and in no output", async () => {
  const cfg = parseDrillConfig({ ...validRawConfig(), kekCertificatePfx: KEK });
  const drill = new DrDrill("kek", cfg);
  const outputs = await drill.outputs;
  await settle();

  const component = raw.get("failover-drill:index:DrDrill/kek")!;
  expect(component.kekCertificatePfx).toEqual(expect.objectContaining({ "4dabf18193072939515e22adb298388d": SECRET_SIG, value: KEK }));
  const tfos = harness.byType(TEST_FAILOVER_TYPE);
  expect(tfos.map((t) => t.name).sort()).toEqual(["kek-application", "kek-directory-copy-tfo"]);
  for (const t of tfos) {
    const inputs = raw.get(`${TEST_FAILOVER_TYPE}/${t.name}`)!;
    expect(inputs.kekCertificatePfx).toEqual(expect.objectContaining({ "4dabf18193072939515e22adb298388d": SECRET_SIG, value: KEK }));
  }
  // Nothing else carries it in plain text: no other input, no output.
  for (const [key, inputs] of raw) {
    const plain = JSON.stringify(inputs, (k, v) => (k === "kekCertificatePfx" ? undefined : v));
    expect(`${key}: ${plain}`).not.toContain(KEK);
  }
  const shown = await new Promise<string>((resolve) => pulumi.output(outputs as any).apply((o) => resolve(JSON.stringify(o))));
  expect(shown).not.toContain(KEK);
});

it("without the key nothing is sent for the KEK", async () => {
  raw.clear();
  await new DrDrill("plain", parseDrillConfig(validRawConfig())).outputs;
  await settle();
  const tfo = raw.get(`${TEST_FAILOVER_TYPE}/plain-application`)!;
  expect(tfo).toBeDefined();
  expect(tfo).not.toHaveProperty("kekCertificatePfx");
});
