// The cleanup confirmation on the twin: only what THIS drill's jobs made counts. Someone else's test
// failover in the same recovery resource group is listed as "not ours, left alone", never as a leftover;
// the drill's own item still waiting for cleanup, and its test VM, NIC and disk, are leftovers.
import { SiteRecoveryDrillClient } from "../../../components/asr/asrClient";
import { TEST_FAILOVER_TYPE } from "../../../components/drillTypes";
import { confirmCleanup, drillRecordOf, type DrillRecord } from "../../../scripts/lib/cleanupCheck";
import {
  createTestNetwork,
  item,
  listItems,
  requestLog,
  sleep,
  startContosoTwin,
  VAULT,
  type RunningTwin,
} from "../../components/asr/twinHarness";

jest.setTimeout(120_000);

describe("confirmCleanup", () => {
  let twin: RunningTwin;
  let client: SiteRecoveryDrillClient;
  let app01: any;
  let jobName: string;

  beforeAll(async () => {
    twin = await startContosoTwin(600);
    process.env.CLEANUP_CHECK_TEST_TOKEN = twin.token;
    client = new SiteRecoveryDrillClient(VAULT, {
      endpoint: twin.url,
      credentialMode: "staticToken",
      tokenVariable: "CLEANUP_CHECK_TEST_TOKEN",
      pollIntervalInMs: 200,
    });
    // Another person's test failover of APP01, finished and waiting for its cleanup.
    const net = await createTestNetwork(twin, "someone-elses-vnet");
    app01 = await item(twin, "APP01");
    const poller = await client.beginTestFailover(
      { kind: "protectedItem", id: app01.id, label: "APP01" },
      { networkId: net.id, failoverDirection: "PrimaryToRecovery", recoveryPointType: "LatestProcessed" },
    );
    const job = await poller.pollUntilDone({ timeoutInMs: 60_000 });
    jobName = job.name;
    await sleep(100);
  });

  afterAll(async () => {
    await twin?.stop();
  });

  it("counts nothing of someone else's test failover as ours, and lists it as left alone", async () => {
    const dc01 = await item(twin, "DC01");
    const ours: DrillRecord = {
      items: [
        {
          id: dc01.id,
          friendlyName: "DC01",
          recoveryResourceGroupId: dc01.properties.providerSpecificDetails.recoveryAzureResourceGroupId,
        },
      ],
      jobIds: [],
      testVmNames: [],
      testVmResourceGroups: [],
    };
    const c = await confirmCleanup(client, VAULT, ours, { destroySucceeded: true, stackResources: [] });
    expect(c.leftovers).toEqual([]);
    expect(c.clean).toBe(true);
    expect(c.notOurs?.some((t) => /^VM .*\/virtualMachines\/APP01-test$/i.test(t))).toBe(true);
    expect(c.notOurs?.some((t) => /^NIC .*APP01-test/i.test(t))).toBe(true);
    expect(c.notOurs?.some((t) => /^disk .*APP01-test/i.test(t))).toBe(true);
  });

  it("lists the drill's own item, its job's test VM, NIC and disk, and what the stack still holds", async () => {
    const ours: DrillRecord = {
      items: [
        {
          id: app01.id,
          friendlyName: "APP01",
          recoveryResourceGroupId: app01.properties.providerSpecificDetails.recoveryAzureResourceGroupId,
        },
      ],
      // The test VM's name comes from the job (TestFailoverJobDetails.protectedItemDetails[].testVmName).
      jobIds: [`${client.vaultPath}/replicationJobs/${jobName}`],
      testVmNames: [],
      testVmResourceGroups: [],
    };
    const c = await confirmCleanup(client, VAULT, ours, {
      destroySucceeded: true,
      stackResources: [{ type: TEST_FAILOVER_TYPE, urn: "urn:pulumi:test::failover-drill::x::application" }],
    });
    expect(c.clean).toBe(false);
    expect(c.leftovers[0]).toMatch(/^protected item APP01: waitingForCleanup/);
    expect(c.leftovers.filter((l) => /^test VM .*APP01-test$/i.test(l))).toHaveLength(1);
    expect(c.leftovers.some((l) => /^test NIC .*APP01-test/i.test(l))).toBe(true);
    expect(c.leftovers.some((l) => /^test disk .*APP01-test/i.test(l))).toBe(true);
    expect(c.leftovers).toContain("stack still holds urn:pulumi:test::failover-drill::x::application");
  });

  it("reads the items of the drill with the vault's item list, not one GET per item", async () => {
    const all = await listItems(twin);
    const ours: DrillRecord = {
      items: all.map((i) => ({ id: i.id, friendlyName: i.properties.friendlyName })),
      jobIds: [],
      testVmNames: [],
      testVmResourceGroups: [],
    };
    const before = (await requestLog(twin)).length;
    const c = await confirmCleanup(client, VAULT, ours, { destroySucceeded: true, stackResources: [] });
    expect(c.leftovers).toEqual([expect.stringMatching(/^protected item APP01: waitingForCleanup/)]);
    const reads = (await requestLog(twin)).slice(before).filter((r) => /replicationProtectedItems/i.test(r.path));
    expect(all.length).toBeGreaterThan(3);
    expect(reads.every((r) => /\/replicationProtectedItems(\?|$)/i.test(r.path))).toBe(true);
    expect(reads.length).toBeGreaterThan(0);
  });

  it("reads the drill's record from the TestFailover outputs in state", () => {
    const r = drillRecordOf([
      { type: "pulumi:pulumi:Stack", urn: "s" },
      {
        type: TEST_FAILOVER_TYPE,
        urn: "t",
        outputs: {
          items: [
            {
              protectedItemId: "/x/replicationProtectedItems/a",
              friendlyName: "A",
              recoveryResourceGroupId: "/subscriptions/s/resourceGroups/rec",
            },
          ],
          jobIds: ["/x/replicationJobs/j1"],
          testVms: [
            { testVmName: "A-test", testVmId: "/subscriptions/s/resourceGroups/rec2/providers/Microsoft.Compute/virtualMachines/A-test" },
          ],
        },
      },
    ]);
    expect(r).toEqual({
      items: [{ id: "/x/replicationProtectedItems/a", friendlyName: "A", recoveryResourceGroupId: "/subscriptions/s/resourceGroups/rec" }],
      jobIds: ["/x/replicationJobs/j1"],
      testVmNames: ["A-test"],
      testVmResourceGroups: ["/subscriptions/s/resourceGroups/rec2"],
    });
  });
});
