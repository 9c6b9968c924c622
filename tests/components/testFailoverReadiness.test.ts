import type { Job, ProtectedItem } from "../../components/asr/types";
import { criticalHealthErrors, itemReadiness } from "../../components/testFailoverReadiness";
import { itemId, protectedItem } from "./fixtures";

const OURS = "/subscriptions/s/resourceGroups/contoso-drill-rg/providers/Microsoft.Network/virtualNetworks/contoso-drill-vnet";
const THEIRS = "/subscriptions/s/resourceGroups/other/providers/Microsoft.Network/virtualNetworks/their-vnet";
const opts = { testNetworkId: OURS, allowUnhealthy: false };

function item(edit: (p: ProtectedItem["properties"]) => void = () => undefined): ProtectedItem {
  const it = protectedItem({ guid: "guid-app01", friendlyName: "APP01" }) as unknown as ProtectedItem;
  edit(it.properties);
  return it;
}
function job(scenarioName: string, state: string, extra: Partial<Job["properties"]> = {}): Job {
  return {
    id: `jobs/${scenarioName}-${state}`,
    name: `${scenarioName}-${state}`,
    properties: { scenarioName, state, targetObjectId: itemId("guid-app01"), startTime: "2030-01-01T10:00:00Z", ...extra },
  };
}

describe("itemReadiness", () => {
  it("nothing for an idle, healthy item", () => {
    expect(itemReadiness(item(), [], opts)).toBeUndefined();
  });

  it("blocked: allowedOperations without TestFailover (and no running job)", () => {
    const r = itemReadiness(
      item((p) => (p.allowedOperations = ["DisableProtection"])),
      [],
      opts,
    );
    expect(r).toMatchObject({ phase: "blocked", allowedOperations: ["DisableProtection"] });
    expect(r!.job).toBeUndefined();
  });

  it("someone's running test failover, with the job that says so", () => {
    const running = job("TestFailover", "InProgress", { customDetails: { networkName: THEIRS } });
    const r = itemReadiness(
      item((p) => (p.allowedOperations = [])),
      [running],
      opts,
    );
    expect(r).toMatchObject({
      phase: "testFailoverRunning",
      job: { name: "TestFailover-InProgress", state: "InProgress", startTime: "2030-01-01T10:00:00Z", network: THEIRS },
    });
  });

  it("a cleanup in flight names the cleanup job and its comments (who cleaned up, if they said)", () => {
    const cleanup = job("TestFailoverCleanup", "InProgress", {
      customDetails: { comments: "failover-drill janitor: pipeline died 2030-01-01" },
    });
    const r = itemReadiness(
      item((p) => (p.allowedOperations = [])),
      [cleanup],
      opts,
    );
    expect(r).toMatchObject({
      phase: "cleanupRunning",
      job: { scenarioName: "TestFailoverCleanup", comments: "failover-drill janitor: pipeline died 2030-01-01" },
    });
  });

  it("waiting for cleanup into another network: the newest test failover job of the item", () => {
    const older = job("TestFailover", "Succeeded", { startTime: "2030-01-01T08:00:00Z", customDetails: { networkName: "old-vnet" } });
    const newer = job("TestFailover", "Succeeded", { startTime: "2030-01-01T09:00:00Z", customDetails: { networkName: "their-vnet" } });
    const r = itemReadiness(
      item((p) => ((p.allowedOperations = ["TestFailoverCleanup"]), (p.testFailoverState = "WaitingForCompletion"))),
      [older, newer],
      opts,
    );
    expect(r).toMatchObject({
      phase: "waitingForCleanup",
      testFailoverState: "WaitingForCompletion",
      job: { network: "their-vnet", startTime: "2030-01-01T09:00:00Z" },
    });
  });

  it("this drill's own test failover (by network id or name) is left for the provider to adopt", () => {
    const waiting = (p: ProtectedItem["properties"]) => (
      (p.allowedOperations = ["TestFailoverCleanup"]),
      (p.testFailoverState = "WaitingForCompletion")
    );
    expect(
      itemReadiness(item(waiting), [job("TestFailover", "Succeeded", { customDetails: { networkName: OURS.toUpperCase() } })], opts),
    ).toBeUndefined();
    expect(
      itemReadiness(item(waiting), [job("TestFailover", "Succeeded", { customDetails: { networkName: "contoso-drill-vnet" } })], opts),
    ).toBeUndefined();
  });

  it("an item read without allowedOperations is judged by its jobs only", () => {
    expect(
      itemReadiness(
        item((p) => delete p.allowedOperations),
        [],
        opts,
      ),
    ).toBeUndefined();
  });

  it("critical health errors only (Error/Critical, not Warning), with the allowUnhealthy flag", () => {
    const sick = item(
      (p) =>
        (p.healthErrors = [
          {
            errorCode: "161003",
            errorLevel: "Error",
            errorMessage: "",
            summaryMessage: "Target network not configured",
            recommendedAction: "Configure it",
          },
          { errorCode: "1", errorLevel: "Warning", errorMessage: "lag" },
        ]),
    );
    expect(criticalHealthErrors(sick)).toEqual([
      { errorCode: "161003", errorLevel: "Error", errorMessage: "Target network not configured", recommendedAction: "Configure it" },
    ]);
    expect(itemReadiness(sick, [], { ...opts, allowUnhealthy: true })).toMatchObject({ phase: "idle", allowUnhealthy: true });
  });
});
