// The whole program (index.ts: one DrDrill) under mocks: config from stack config, item settings from the
// invokes, the components composed in order under the drill, the application test failover depending on
// the directory copy.
import * as pulumi from "@pulumi/pulumi";
import { TEST_FAILOVER_TYPE } from "../../components/drillTypes";
import { Harness, installMocks, settle } from "./mockHarness";
import { CONTAINER, FABRIC, PROD_VNET, SUB, itemId, protectedItem, recoveryPlan, validRawConfig } from "./fixtures";

// The failure predictor reads the recovery region through the drill's ARM client; here: an empty region.
jest.mock("../../components/recoveryRegionArm", () => ({
  recoveryRegionArmReader: () => ({ listAll: async () => [], tryGet: async () => undefined }),
}));

const SSE_ACCOUNT = `/subscriptions/${SUB}/resourceGroups/contoso-dr/providers/Microsoft.Storage/storageAccounts/contosoreplsse`;
const PLAIN_ACCOUNT = `/subscriptions/${SUB}/resourceGroups/contoso-dr/providers/Microsoft.Storage/storageAccounts/contosorepl`;
const ALIGNED_SET = `/subscriptions/${SUB}/resourceGroups/contoso-recovery/providers/Microsoft.Compute/availabilitySets/as-app`;

const items: Record<string, ReturnType<typeof protectedItem>> = {};
function setItems(list: Parameters<typeof protectedItem>[0][]) {
  for (const k of Object.keys(items)) delete items[k];
  for (const f of list) items[f.guid] = protectedItem(f);
}
let plan = recoveryPlan("rp-contoso-tier1", [["guid-sql01"], ["guid-app01", "guid-web01"]]);
/** The vault's job list and recovery plans as the drill's own ASR client reads them (no invoke exists). */
let jobs: Record<string, any>[] = [];
const vaultLists = { jobs: 0, protectedItems: 0 };
jest.mock("../../components/asr/asrClient", () => ({
  SiteRecoveryDrillClient: class {
    arm = { listAll: async () => [{ name: plan.name }] };
    async listJobs() {
      vaultLists.jobs++;
      return jobs;
    }
    async listProtectedItems() {
      vaultLists.protectedItems++;
      return Object.values(items);
    }
  },
}));

function invoke(token: string, inputs: Record<string, any>): Record<string, any> {
  switch (token) {
    case "azure-native:recoveryservices:getReplicationRecoveryPlan":
      if (inputs.recoveryPlanName !== plan.name) throw new Error(`ResourceNotFound: recovery plan ${inputs.recoveryPlanName}`);
      return plan;
    case "azure-native:recoveryservices:getReplicationProtectedItem": {
      const item = items[inputs.replicatedProtectedItemName];
      if (!item) throw new Error(`ResourceNotFound: ${inputs.replicatedProtectedItemName}`);
      return item;
    }
    case "azure-native:compute:getAvailabilitySet":
      return { id: ALIGNED_SET, name: inputs.availabilitySetName, sku: { name: "Aligned" } };
    case "azure-native:storage:getStorageAccount":
      return { name: inputs.accountName, encryption: { services: { blob: { enabled: inputs.accountName === "contosoreplsse" } } } };
    default:
      throw new Error(`unexpected invoke ${token}`);
  }
}

let harness: Harness;
let program: () => Promise<Record<string, any>>;

beforeAll(async () => {
  harness = await installMocks(invoke);
  const raw = validRawConfig();
  raw.directoryCopy.items = [
    { friendlyName: "DC01", fabricName: FABRIC, protectionContainerName: CONTAINER, name: "guid-dc01", testIp: "10.10.1.4" },
  ];
  raw.expected.push({ friendlyName: "DC01", size: "Standard_D2s_v3" });
  const config: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) config[`failover-drill:${k}`] = typeof v === "string" ? v : JSON.stringify(v);
  pulumi.runtime.setAllConfig(config);
  // index.ts is `export = async () => ...`; a dynamic import wraps it as `default`.
  const mod: any = await import("../../index");
  program = typeof mod === "function" ? mod : mod.default;
});

beforeEach(() => {
  harness.resources.length = 0;
  harness.invokes.length = 0;
  jobs = [];
  vaultLists.jobs = 0;
  vaultLists.protectedItems = 0;
  plan = recoveryPlan("rp-contoso-tier1", [["guid-sql01"], ["guid-app01", "guid-web01"]]);
  setItems([
    {
      guid: "guid-dc01",
      friendlyName: "DC01",
      subnet: "snet-identity",
      staticIp: "10.10.1.4",
      managedDisks: false,
      storageAccount: PLAIN_ACCOUNT,
    },
    {
      guid: "guid-sql01",
      friendlyName: "SQL01",
      nics: 2,
      size: "Standard_E4s_v3",
      subnet: "snet-data",
      availabilitySet: ALIGNED_SET,
      storageAccount: PLAIN_ACCOUNT,
    },
    { guid: "guid-app01", friendlyName: "APP01", subnet: "snet-app", storageAccount: SSE_ACCOUNT },
    { guid: "guid-web01", friendlyName: "WEB01", subnet: "snet-web" },
  ]);
});

async function run(): Promise<Record<string, any>> {
  const outputs = await program();
  await settle();
  return outputs;
}

describe("the drill program", () => {
  let outputs: Record<string, any>;
  beforeEach(async () => {
    outputs = await run();
  });

  it("reads the plan with its invoke, every item from one vault list, each distinct storage account and availability set once", () => {
    const count = (token: string) => harness.invokes.filter((i) => i.token === token).map((i) => i.inputs);
    expect(count("azure-native:recoveryservices:getReplicationRecoveryPlan")).toHaveLength(1);
    expect(vaultLists.protectedItems).toBe(1);
    expect(count("azure-native:recoveryservices:getReplicationProtectedItem")).toEqual([]);
    // DC01 and SQL01 share PLAIN_ACCOUNT; APP01 has the SSE account; WEB01 none.
    expect(
      count("azure-native:storage:getStorageAccount")
        .map((a) => a.accountName)
        .sort(),
    ).toEqual(["contosorepl", "contosoreplsse"]);
    expect(count("azure-native:compute:getAvailabilitySet").map((a) => a.availabilitySetName)).toEqual(["as-app"]);
  });

  it("sends every azure-native resource and invoke through one provider pinned to the vault's subscription", () => {
    const providers = harness.byType("pulumi:providers:azure-native");
    expect(providers.map((p) => [p.name, p.inputs.subscriptionId])).toEqual([["drill-vault-subscription", SUB]]);
    const ref = `${providers[0].urn}::`;
    const azureResources = harness.resources.filter((r) => r.type.startsWith("azure-native:"));
    expect(azureResources.length).toBeGreaterThanOrEqual(4);
    for (const r of azureResources)
      expect({ resource: `${r.type}/${r.name}`, provider: r.provider.startsWith(ref) }).toEqual({
        resource: `${r.type}/${r.name}`,
        provider: true,
      });
    const azureInvokes = harness.invokes.filter((i) => i.token.startsWith("azure-native:"));
    expect(azureInvokes.length).toBeGreaterThanOrEqual(4);
    for (const i of azureInvokes)
      expect({ invoke: i.token, provider: (i.provider ?? "").startsWith(ref) }).toEqual({ invoke: i.token, provider: true });
  });

  it("declares one DrDrill holding its provider, the network, storage, the directory copy and the application test failover", () => {
    const top = harness.resources.filter((r) => r.parent === "" || r.parent.includes("pulumi:pulumi:Stack"));
    expect(top.map((r) => `${r.type}/${r.name}`)).toEqual(["failover-drill:index:DrDrill/drill"]);
    const children = harness.resources.filter((r) => r.parent === top[0].urn);
    expect(children.map((r) => `${r.type}/${r.name}`).sort()).toEqual([
      "failover-drill:drill:DirectoryServicesCopy/drill-directory-copy",
      "failover-drill:drill:DrillStorage/drill-storage",
      "failover-drill:drill:IsolatedTestNetwork/drill-test-network",
      "failover-drill:drill:RecoveryRegionFacts/drill-recovery-region",
      `${TEST_FAILOVER_TYPE}/drill-application`,
      "pulumi:providers:azure-native/drill-vault-subscription",
    ]);
  });

  it("points the test network's DNS at the DC copy and tags the drill's resources", () => {
    const vnet = harness.one("azure-native:network:VirtualNetwork", "drill-test-network-vnet");
    expect(vnet.inputs.dhcpOptions).toEqual({ dnsServers: ["10.10.1.4"] });
    expect(vnet.inputs.tags).toEqual({
      "drill-id": "contoso-tier1",
      "drill-owner": "dr-team@contoso.example",
      "drill-expiry": "2030-12-31",
    });
    expect(harness.one("azure-native:storage:StorageAccount").inputs.tags).toMatchObject({ "drill-id": "contoso-tier1" });
  });

  it("makes the application test failover depend on the DC copy (so destroy cleans the DC last)", () => {
    const dcTfo = harness.one(TEST_FAILOVER_TYPE, "drill-directory-copy-tfo");
    const app = harness.one(TEST_FAILOVER_TYPE, "drill-application");
    expect(dcTfo.inputs.role).toBe("directory-copy");
    expect(app.inputs.role).toBe("application");
    expect(app.dependencies).toContain(dcTfo.urn);
  });

  it("hands the application test failover the plan scope and the item snapshots", () => {
    const app = harness.one(TEST_FAILOVER_TYPE, "drill-application").inputs;
    expect(app.scope).toEqual({ kind: "recoveryPlan", recoveryPlanName: "rp-contoso-tier1", recoveryPlanId: plan.id });
    expect(app.testNetworkId).toBe(
      `/subscriptions/${SUB}/resourceGroups/contoso-drill-rg/providers/Microsoft.Network/virtualNetworks/contoso-drill-vnet`,
    );
    expect(app.recoveryPointType).toBe("LatestProcessed");
    expect(app.rtoTargetMinutes).toBe(60);
    expect(app.vault).toEqual({ subscriptionId: SUB, resourceGroup: "contoso-dr", name: "contoso-asr-vault" });
    expect(app.arm).toEqual({
      endpoint: "http://127.0.0.1:8443",
      credentialMode: "staticToken",
      cloud: "AzureCloud",
      tokenVariable: "FAILOVER_DRILL_ARM_TOKEN",
    });
    const byName = Object.fromEntries(app.items.map((i: any) => [i.friendlyName, i]));
    expect(Object.keys(byName)).toEqual(["SQL01", "APP01", "WEB01"]);
    expect(byName.SQL01).toMatchObject({
      recoveryVmSize: "Standard_E4s_v3",
      targetSizeMaxNics: 2,
      availabilitySetSku: "Aligned",
      useManagedDisks: "true",
      replicationStorageSseEnabled: false,
      productionRecoveryNetworkId: PROD_VNET,
    });
    expect(byName.SQL01.nics).toHaveLength(2);
    expect(byName.APP01.replicationStorageSseEnabled).toBe(true);
    expect(app.expected.map((e: any) => e.friendlyName)).toEqual(["SQL01", "APP01"]);
  });

  it("gives the DC copy its own snapshot and expectations", () => {
    const dc = harness.one(TEST_FAILOVER_TYPE, "drill-directory-copy-tfo").inputs;
    expect(dc.scope.items.map((i: any) => i.friendlyName)).toEqual(["DC01"]);
    expect(dc.recoveryPointType).toBe("LatestApplicationConsistent");
    expect(dc.expected).toEqual([{ friendlyName: "DC01", ip: "10.10.1.4", size: "Standard_D2s_v3" }]);
  });

  it("exports small drill outputs: ids, verdict and counts, no per-VM detail", async () => {
    expect(Object.keys(outputs).sort()).toEqual(
      [
        "applicationTestFailovers",
        "armEndpoint",
        "counts",
        "directoryCopyIps",
        "directoryCopyTestFailover",
        "dnsServers",
        "drillId",
        "evidenceContainerUrl",
        "storageAccountId",
        "storageAccountName",
        "testNetworkId",
        "testNetworkName",
        "testSubnets",
        "verdict",
      ].sort(),
    );
    expect(outputs.drillId).toBe("contoso-tier1");
    expect(outputs.dnsServers).toEqual(["10.10.1.4"]);
    expect(outputs.counts).toEqual({ applicationItems: 3, directoryCopyItems: 1, testFailovers: 2 });
    expect(Object.keys(outputs.applicationTestFailovers)).toEqual(["drill-application"]);
    const summary = await new Promise((resolve) =>
      (outputs.applicationTestFailovers["drill-application"] as pulumi.Output<unknown>).apply(resolve),
    );
    // Under mocks the provider does not run: the summary holds counts only (never the VMs or their checks).
    expect(Object.keys(summary as object).sort()).toEqual(["failedTestVms", "failures", "id", "testVms", "verdict"]);
  });
});

describe("the drill program refuses at preview", () => {
  it("a recovery plan with more than 100 items", async () => {
    plan = recoveryPlan("rp-contoso-tier1", [Array.from({ length: 101 }, (_, i) => `guid-${i}`)]);
    await expect(run()).rejects.toThrow(
      'failover-drill:scope.recoveryPlan: "rp-contoso-tier1" holds 101 protected items; a recovery plan holds at most 100',
    );
    expect(harness.invokes.filter((i) => i.token.endsWith("getReplicationProtectedItem"))).toHaveLength(0);
    // The scope is read before the drill declares any child: only the DrDrill component itself exists.
    expect(harness.resources.map((r) => r.type)).toEqual(["failover-drill:index:DrDrill", "pulumi:providers:azure-native"]);
  });

  it("a recovery plan that also holds the DC", async () => {
    plan = recoveryPlan("rp-contoso-tier1", [["guid-dc01", "guid-sql01"]]);
    await expect(run()).rejects.toThrow(
      /failover-drill:directoryCopy\.items\[0\]: .* is also in recovery plan rp-contoso-tier1 \(as DC01\)/,
    );
  });

  it("a test network that is an item's production recovery network", async () => {
    const testVnet = `/Subscriptions/${SUB}/resourceGroups/CONTOSO-DRILL-RG/providers/Microsoft.Network/virtualNetworks/contoso-drill-vnet`;
    setItems([
      { guid: "guid-dc01", friendlyName: "DC01", staticIp: "10.10.1.4" },
      { guid: "guid-sql01", friendlyName: "SQL01", network: testVnet },
      { guid: "guid-app01", friendlyName: "APP01" },
      { guid: "guid-web01", friendlyName: "WEB01" },
    ]);
    await expect(run()).rejects.toThrow(
      /failover-drill:testNetwork\.vnetName: the test network .*contoso-drill-vnet is the production recovery network of SQL01/,
    );
    expect(harness.byType("azure-native:network:VirtualNetwork")).toHaveLength(0);
  });

  it("an expectation for a VM the drill does not touch", async () => {
    plan = recoveryPlan("rp-contoso-tier1", [["guid-sql01"]]);
    await expect(run()).rejects.toThrow(/failover-drill:expected\[1\]\.friendlyName: "APP01" is not an item of this drill/);
  });

  it("a protected item the vault does not hold, naming the config entry", async () => {
    plan = recoveryPlan("rp-contoso-tier1", [["guid-sql01", "guid-missing"]]);
    await expect(run()).rejects.toThrow(
      /failover-drill:scope\.recoveryPlan \(rp-contoso-tier1\): reading protected item .*guid-missing in vault contoso-asr-vault failed/,
    );
  });
});

describe("the drill program hands the policy gate each item's readiness", () => {
  const testVnet = `/subscriptions/${SUB}/resourceGroups/contoso-drill-rg/providers/Microsoft.Network/virtualNetworks/contoso-drill-vnet`;
  const otherVnet = `/subscriptions/${SUB}/resourceGroups/someone-else/providers/Microsoft.Network/virtualNetworks/their-vnet`;
  const appItems = () =>
    Object.fromEntries(harness.one(TEST_FAILOVER_TYPE, "drill-application").inputs.items.map((i: any) => [i.friendlyName, i]));

  it("reads the vault's job list once and leaves healthy idle items without readiness facts", async () => {
    await run();
    expect(vaultLists.jobs).toBe(1);
    for (const item of Object.values(appItems()) as any[]) expect(item.readiness).toBeUndefined();
  });

  it("an item in someone else's test failover: the phase and the job, with its start and network", async () => {
    items["guid-app01"].properties.allowedOperations = ["TestFailoverCleanup"];
    items["guid-app01"].properties.testFailoverState = "WaitingForCompletion";
    jobs = [
      {
        id: "j1",
        name: "job-42",
        properties: {
          scenarioName: "TestFailover",
          state: "Succeeded",
          startTime: "2030-01-02T03:04:05Z",
          targetObjectId: itemId("guid-app01"),
          targetObjectName: "guid-app01",
          customDetails: { instanceType: "TestFailoverJobDetails", networkName: otherVnet },
        },
      },
    ];
    await run();
    expect(appItems().APP01.readiness).toEqual({
      phase: "waitingForCleanup",
      allowedOperations: ["TestFailoverCleanup"],
      testFailoverState: "WaitingForCompletion",
      job: { name: "job-42", scenarioName: "TestFailover", state: "Succeeded", startTime: "2030-01-02T03:04:05Z", network: otherVnet },
      criticalHealthErrors: [],
      allowUnhealthy: false,
    });
    expect(appItems().SQL01.readiness).toBeUndefined();
  });

  it("an item in this drill's own test failover is left to the provider (it adopts it)", async () => {
    items["guid-app01"].properties.allowedOperations = ["TestFailoverCleanup"];
    items["guid-app01"].properties.testFailoverState = "WaitingForCompletion";
    jobs = [
      {
        id: "j1",
        name: "job-7",
        properties: {
          scenarioName: "TestFailover",
          state: "Succeeded",
          targetObjectId: itemId("guid-app01"),
          customDetails: { networkName: testVnet },
        },
      },
    ];
    await run();
    expect(appItems().APP01.readiness).toBeUndefined();
  });

  it("an unhealthy item: its critical health errors, and whether scope.allowUnhealthy lists it", async () => {
    items["guid-web01"].properties.healthErrors = [
      {
        errorCode: "161003",
        errorLevel: "Error",
        errorMessage: "Target network settings are not configured for virtual machine 'WEB01'.",
        recommendedAction: "Configure the target network settings in Compute and Network.",
      },
      { errorCode: "150039", errorLevel: "Warning", errorMessage: "Replication is lagging." },
    ];
    await run();
    expect(appItems().WEB01.readiness).toMatchObject({
      phase: "idle",
      criticalHealthErrors: [
        {
          errorCode: "161003",
          errorLevel: "Error",
          errorMessage: expect.stringContaining("Target network settings"),
          recommendedAction: expect.stringContaining("Compute and Network"),
        },
      ],
      allowUnhealthy: false,
    });
    expect(appItems().WEB01.readiness.criticalHealthErrors).toHaveLength(1);
  });
});
