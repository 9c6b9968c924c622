// The idle definition follows the real service: allowedOperations and the vault's jobs decide the phase;
// a MarkedForDeletion item with TestFailover allowed is idle (azure-sdk-for-net SessionRecords
// ASRTests/TestFailoverCleanup.json, final operationresults body; reference example
// ReplicationProtectedItems_TestFailoverCleanup.json).
import { isIdleForTestFailover, itemPhase, jobConcernsItem } from "../../../components/asr/itemState";
import type { Job, ProtectedItem } from "../../../components/asr/types";

const ITEM_ID =
  "/Subscriptions/s/resourceGroups/rg/providers/Microsoft.RecoveryServices/vaults/v/replicationFabrics/f/replicationProtectionContainers/c/replicationProtectedItems/item-1";
const IDLE_OPS = ["PlannedFailover", "UnplannedFailover", "DisableProtection", "TestFailover"];

function item(testFailoverState: string, allowedOperations: string[], scenarioName = "None"): ProtectedItem {
  return {
    id: ITEM_ID,
    name: "item-1",
    properties: {
      friendlyName: "APP01",
      testFailoverState,
      allowedOperations,
      currentScenario: { scenarioName, jobId: `${ITEM_ID}/replicationJobs/None` },
    },
  };
}

function job(scenarioName: string, state: string, target = ITEM_ID): Job {
  return {
    id: `/x/replicationJobs/j-${scenarioName}-${state}`,
    name: `j-${scenarioName}-${state}`,
    properties: { scenarioName, state, targetObjectId: target },
  };
}

describe("itemPhase", () => {
  it("is idle when TestFailover is allowed and no job of the item runs", () => {
    expect(itemPhase(item("None", IDLE_OPS), [])).toBe("idle");
  });

  it("treats MarkedForDeletion with TestFailover allowed as a finished cleanup (idle), as the real service shows", () => {
    expect(itemPhase(item("MarkedForDeletion", IDLE_OPS), [job("TestFailoverCleanup", "Succeeded")])).toBe("idle");
    expect(isIdleForTestFailover(item("MarkedForDeletion", IDLE_OPS), [])).toBe(true);
  });

  it("is waiting for cleanup after a test failover even when currentScenario reads None", () => {
    expect(
      itemPhase(item("WaitingForCompletion", ["DisableProtection", "TestFailoverCleanup"], "None"), [job("TestFailover", "Succeeded")]),
    ).toBe("waitingForCleanup");
  });

  it("is running while a test-failover job of the item runs, whatever the item says", () => {
    expect(itemPhase(item("None", IDLE_OPS), [job("TestFailover", "InProgress")])).toBe("testFailoverRunning");
    expect(itemPhase(item("None", IDLE_OPS), [job("TestFailover", "NotStarted")])).toBe("testFailoverRunning");
  });

  it("is cleaning while a cleanup job of the item runs, even with TestFailover already allowed", () => {
    expect(itemPhase(item("MarkedForDeletion", IDLE_OPS), [job("TestFailoverCleanup", "InProgress")])).toBe("cleanupRunning");
  });

  it("ignores running jobs of other items and of other scenarios", () => {
    const other = ITEM_ID.replace("item-1", "item-2");
    expect(itemPhase(item("None", IDLE_OPS), [job("TestFailover", "InProgress", other), job("UpdateVmProperties", "InProgress")])).toBe(
      "idle",
    );
  });

  it("is blocked when neither a test failover nor its cleanup is allowed", () => {
    expect(itemPhase(item("None", ["DisableProtection"]), [])).toBe("blocked");
  });
});

describe("jobConcernsItem", () => {
  it("matches a plan job through its protected item details, by name", () => {
    const planJob: Job = {
      id: "/x/replicationJobs/p",
      name: "p",
      properties: {
        scenarioName: "TestFailover",
        state: "InProgress",
        targetObjectId: "/x/replicationRecoveryPlans/rp",
        customDetails: { protectedItemDetails: [{ name: "item-1" }] },
      },
    };
    expect(jobConcernsItem(planJob, { id: ITEM_ID, name: "item-1" })).toBe(true);
    expect(jobConcernsItem(planJob, { id: ITEM_ID.replace("item-1", "item-9"), name: "item-9" })).toBe(false);
  });

  it("matches ARM ids case-insensitively (the service returns /Subscriptions/ with a capital S)", () => {
    expect(jobConcernsItem(job("TestFailover", "InProgress", ITEM_ID.toLowerCase()), { id: ITEM_ID, name: "item-1" })).toBe(true);
  });
});
