// The janitor's pure parts: flags, what counts as left over or orphaned (itemState's definition), the note.
import type { Job, ProtectedItem } from "../../components/asr/types";
import { JANITOR_HELP, janitorComment, leftoverItems, orphanTestVms, parseJanitorArgs, type JanitorOptions } from "../../scripts/janitor";

function item(friendlyName: string, testFailoverState: string, allowedOperations: string[]): ProtectedItem {
  return {
    id: `/Subscriptions/s/resourceGroups/rg/providers/Microsoft.RecoveryServices/vaults/v/replicationFabrics/f/replicationProtectionContainers/c/replicationProtectedItems/${friendlyName.toLowerCase()}`,
    name: friendlyName.toLowerCase(),
    properties: {
      friendlyName,
      testFailoverState,
      allowedOperations,
      // As the real service shows it: the scenario reads None even while WaitingForCompletion.
      currentScenario: { scenarioName: "None", jobId: "/x/replicationJobs/None" },
      providerSpecificDetails: { recoveryAzureVmName: friendlyName },
    },
  } as ProtectedItem;
}

function job(name: string, scenarioName: string, state: string, target: string): Job {
  return { id: `/x/replicationJobs/${name}`, name, properties: { scenarioName, state, targetObjectName: target } };
}

function parse(argv: string[]): JanitorOptions {
  const o = parseJanitorArgs(argv);
  if (o === "help") throw new Error("unexpected help");
  return o;
}

describe("janitor", () => {
  it("parses flags: stack, vault, twin state, dry run, --help", () => {
    expect(parse(["--vault", "sub/rg/vault", "--dry-run"])).toMatchObject({
      vault: { subscriptionId: "sub", resourceGroup: "rg", name: "vault" },
      dryRun: true,
      stack: "test",
    });
    expect(parse(["--stack", "azure-example"])).toMatchObject({ stack: "azure-example", dryRun: false });
    expect(parse(["--twin-state", "/tmp/x"]).localState).toBe("/tmp/x");
    expect(() => parse(["--vault", "sub/rg"])).toThrow(/subscriptionId>\/<resourceGroup>\/<vault name>/);
    expect(() => parse(["--nope"])).toThrow(/Unknown option '--nope'/);
    expect(() => parse(["--azure"])).toThrow(/Unknown option '--azure'/);
    expect(parseJanitorArgs(["--help"])).toBe("help");
    for (const flag of ["--stack", "--vault", "--dry-run", "--twin-state", "--wait-minutes"]) expect(JANITOR_HELP).toContain(flag);
  });

  it("lists the items that are not idle, by itemState's phase, with their test VM", () => {
    const items = [
      item("DC01", "WaitingForCompletion", ["TestFailoverCleanup"]),
      item("SQL01", "InProgress", []),
      item("APP01", "MarkedForDeletion", []),
      // A finished cleanup as the real service leaves it: MarkedForDeletion, TestFailover allowed again.
      item("WEB01", "MarkedForDeletion", ["TestFailover", "PlannedFailover"]),
    ];
    const jobs = [
      job("j1", "TestFailover", "InProgress", "sql01"),
      job("j2", "TestFailoverCleanup", "InProgress", "app01"),
      job("j0", "TestFailover", "Succeeded", "dc01"),
    ];
    expect(leftoverItems(items, jobs).map((x) => [x.friendlyName, x.phase, x.testVmName])).toEqual([
      ["DC01", "waitingForCleanup", "DC01-test"],
      ["SQL01", "testFailoverRunning", "SQL01-test"],
      ["APP01", "cleanupRunning", "APP01-test"],
    ]);
  });

  it("calls a test VM orphaned only when it is an item's and no test failover of that item is active", () => {
    const vms = [
      { id: "/vm/DC01-test", name: "DC01-test" },
      { id: "/vm/WEB01-test", name: "WEB01-test" },
      { id: "/vm/WEB01", name: "WEB01" },
      { id: "/vm/build-test", name: "build-test" }, // someone's VM: not a test VM of any item
    ];
    const items = [item("DC01", "WaitingForCompletion", ["TestFailoverCleanup"]), item("WEB01", "None", ["TestFailover"])];
    expect(orphanTestVms(vms, items, [])).toEqual([{ id: "/vm/WEB01-test", name: "WEB01-test" }]);
  });

  it("notes its reason and time, within ASR's 1024 characters", () => {
    expect(janitorComment("test failover of DC01 left WaitingForCompletion;", new Date("2026-11-26T08:00:00Z"))).toBe(
      "failover-drill janitor: test failover of DC01 left WaitingForCompletion; 2026-11-26T08:00:00.000Z",
    );
    expect(janitorComment("x".repeat(2000)).length).toBe(1024);
  });
});
