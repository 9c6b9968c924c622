// What create does per item, decided from the item's allowedOperations and the vault's jobs.
import { decideItem } from "../../../components/asr/adoption";
import type { TestFailoverInputs } from "../../../components/drillTypes";
import type { Job, ProtectedItem, RecoveryPlan } from "../../../components/asr/types";

const NET = "/subscriptions/s/resourceGroups/drill/providers/Microsoft.Network/virtualNetworks/drill-vnet";
const ITEM =
  "/Subscriptions/s/resourceGroups/r/providers/Microsoft.RecoveryServices/vaults/v/replicationFabrics/f/replicationProtectionContainers/c/replicationProtectedItems/vm-guid";
const IDLE_OPS = ["PlannedFailover", "UnplannedFailover", "DisableProtection", "TestFailover"];
const inputs = { vault: { name: "v", resourceGroup: "r", subscriptionId: "s" }, testNetworkId: NET } as TestFailoverInputs;
const NONE = { scenarioName: "None", jobId: ".../replicationJobs/None" };

const item = (testFailoverState: string, allowedOperations: string[]): ProtectedItem => ({
  id: ITEM,
  name: "vm-guid",
  properties: { friendlyName: "DC01", testFailoverState, allowedOperations, currentScenario: NONE },
});
const job = (over: Partial<Job["properties"]> & { name?: string } = {}): Job => {
  const { name = "j1", ...p } = over;
  return {
    id: `/x/replicationJobs/${name}`,
    name,
    properties: {
      scenarioName: "TestFailover",
      state: "Succeeded",
      startTime: "2026-01-01T10:00:00Z",
      targetObjectId: "vm-guid",
      targetObjectName: "DC01",
      customDetails: { instanceType: "TestFailoverJobDetails", networkName: "drill-vnet", protectedItemDetails: [] },
      ...p,
    },
  };
};

describe("decideItem", () => {
  it("idle (TestFailover allowed, even MarkedForDeletion after a cleanup) → trigger", () => {
    expect(decideItem(inputs, item("None", IDLE_OPS), []).kind).toBe("trigger");
    expect(decideItem(inputs, item("MarkedForDeletion", IDLE_OPS), [job({ scenarioName: "TestFailoverCleanup", name: "c1" })]).kind).toBe(
      "trigger",
    );
  });
  it("WaitingForCompletion with currentScenario None: adopted when the latest test-failover job went into our network", () => {
    const d = decideItem(inputs, item("WaitingForCompletion", ["DisableProtection", "TestFailoverCleanup"]), [
      job({ name: "old", startTime: "2025-01-01T00:00:00Z", customDetails: { networkName: "other" } }),
      job(),
    ]);
    expect(d).toMatchObject({ kind: "adoptFinished", job: { name: "j1" } });
  });
  it("another network: refused, naming it from the job", () => {
    const d = decideItem(inputs, item("WaitingForCompletion", ["DisableProtection", "TestFailoverCleanup"]), [
      job({ customDetails: { networkName: "prod-test-vnet" } }),
    ]);
    expect(d.kind).toBe("refuse");
    expect((d as { reason: string }).reason).toMatch(
      /into the network prod-test-vnet, not .*drill-vnet\. Clean it up first: "Cleanup test failover" on DC01 in the vault v/,
    );
  });
  it("no job found: refused with the cleanup instructions", () => {
    const d = decideItem(inputs, item("WaitingForCompletion", ["DisableProtection", "TestFailoverCleanup"]), []);
    expect(d.kind).toBe("refuse");
    expect((d as { reason: string }).reason).toMatch(/no test failover job of it is in the vault's recent jobs.*Clean it up first/);
  });
  it("a running test-failover job into our network: adopted and followed", () => {
    expect(decideItem(inputs, item("InProgress", []), [job({ state: "InProgress" })])).toMatchObject({ kind: "adoptRunning" });
  });
  it("a running job of the item's recovery plan counts for the item (its protectedItemDetails is empty while it starts)", () => {
    const plan = { id: "/x/replicationRecoveryPlans/rp", name: "rp", properties: { friendlyName: "rp" } } as RecoveryPlan;
    const planJob = job({ state: "InProgress", targetObjectId: "rp", targetObjectName: "rp", targetInstanceType: "RecoveryPlan" });
    expect(decideItem(inputs, item("InProgress", []), [planJob], plan)).toMatchObject({ kind: "adoptRunning", job: { name: "j1" } });
  });
  it("a running cleanup: awaited", () => {
    expect(
      decideItem(inputs, item("CleanupInProgress", []), [job({ scenarioName: "TestFailoverCleanup", state: "InProgress" })]).kind,
    ).toBe("awaitCleanup");
  });
  it("neither a test failover nor a cleanup allowed and no job: refused with the allowed operations", () => {
    const d = decideItem(inputs, item("None", ["DisableProtection"]), []);
    expect((d as { reason: string }).reason).toMatch(/allowedOperations \["DisableProtection"\] does not contain TestFailover/);
  });
});
