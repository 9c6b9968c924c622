// The janitor's pure parts: flags, vault lookup, what counts as left over or orphaned, the note.
import type { ProtectedItem } from "../../components/asr/types";
import { janitorComment, leftoverItems, orphanTestVms, parseJanitorArgs, resolveVault } from "../../scripts/janitor";

function item(friendlyName: string, testFailoverState: string, scenarioName?: string): ProtectedItem {
  return {
    id: `/Subscriptions/s/resourceGroups/rg/providers/Microsoft.RecoveryServices/vaults/v/replicationFabrics/f/replicationProtectionContainers/c/replicationProtectedItems/${friendlyName.toLowerCase()}`,
    name: friendlyName.toLowerCase(),
    properties: {
      friendlyName,
      testFailoverState,
      currentScenario: scenarioName ? { scenarioName, jobId: "/x/replicationJobs/j1" } : null,
      providerSpecificDetails: { recoveryAzureVmName: friendlyName },
    },
  };
}

describe("janitor", () => {
  it("parses flags: vault, twin state, azure mode, dry run", () => {
    expect(parseJanitorArgs(["--vault", "sub/rg/vault", "--dry-run"])).toMatchObject({
      vault: { subscriptionId: "sub", resourceGroup: "rg", name: "vault" },
      dryRun: true,
      mode: "twin",
    });
    expect(parseJanitorArgs(["--azure", "--stack", "azure-example"])).toMatchObject({ mode: "azure", stack: "azure-example", endpoint: "https://management.azure.com" });
    expect(() => parseJanitorArgs(["--vault", "sub/rg"])).toThrow(/subscriptionId>\/<resourceGroup>\/<vault name>/);
    expect(() => parseJanitorArgs(["--azure", "--twin-state", "/tmp/x"])).toThrow(/exclude each other/);
    expect(() => parseJanitorArgs(["--nope"])).toThrow(/unknown flag/);
  });

  it("reads the vault from Pulumi.<stack>.yaml", () => {
    expect(resolveVault(parseJanitorArgs([]))).toEqual({ subscriptionId: "11111111-1111-1111-1111-111111111111", resourceGroup: "contoso-dr", name: "contoso-asr-vault" });
    expect(() => resolveVault(parseJanitorArgs(["--stack", "no-such-stack"]))).toThrow(/--vault/);
  });

  it("lists items in any test-failover state, by phase, with their test VM", () => {
    const l = leftoverItems([
      item("DC01", "WaitingForCompletion", "TestFailover"),
      item("SQL01", "InProgress", "TestFailover"),
      item("APP01", "MarkedForDeletion", "TestFailoverCleanup"),
      item("WEB01", "None", "TestFailoverCleanup"), // a lingering scenario on an idle item is not a leftover
    ]);
    expect(l.map((x) => [x.friendlyName, x.phase, x.testVmName])).toEqual([
      ["DC01", "waiting", "DC01-test"],
      ["SQL01", "running", "SQL01-test"],
      ["APP01", "cleaning", "APP01-test"],
    ]);
  });

  it("calls a -test VM orphaned only when no item has an active test failover for it", () => {
    const vms = [
      { id: "/vm/DC01-test", name: "DC01-test" },
      { id: "/vm/WEB01-test", name: "WEB01-test" },
      { id: "/vm/WEB01", name: "WEB01" },
    ];
    expect(orphanTestVms(vms, [item("DC01", "WaitingForCompletion"), item("WEB01", "None")])).toEqual([{ id: "/vm/WEB01-test", name: "WEB01-test" }]);
  });

  it("notes its reason and time, within ASR's 1024 characters", () => {
    expect(janitorComment("test failover of DC01 left WaitingForCompletion;", new Date("2026-11-26T08:00:00Z"))).toBe(
      "failover-drill janitor: test failover of DC01 left WaitingForCompletion; 2026-11-26T08:00:00.000Z",
    );
    expect(janitorComment("x".repeat(2000)).length).toBe(1024);
  });
});
