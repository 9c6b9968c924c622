// One test per test-failover rule the twin enforces (issue 3 §3, DESIGN.md seed rules).
import { TwinHandle, startTwin } from "../../twin/index";
import { readFixture } from "../../twin/fixtures/load";
import { CONTOSO_FIXTURE } from "../../twin/index";
import {
  ASR_API,
  NET_API,
  SUB,
  TEST_VNET,
  VAULT,
  client,
  createTestNetwork,
  firstOf,
  items,
  listVms,
  post,
  runCleanup,
  runTfo,
  startContoso,
  tfoBody,
  waitJob,
} from "./helpers";

let t: TwinHandle;
let arm: ReturnType<typeof client>;

beforeEach(async () => {
  // Speed 1: jobs advance only when a test moves the virtual clock, so nothing here depends on wall time.
  t = await startContoso({ speed: 1 });
  arm = client(t);
});
afterEach(async () => {
  await t.stop();
});

const RG = `/subscriptions/${SUB}/resourceGroups/contoso-recovery`;

async function nicsOf(vm: any): Promise<any[]> {
  return Promise.all(
    vm.properties.networkProfile.networkInterfaces.map(async (n: any) => (await arm("GET", n.id, undefined, NET_API)).body),
  );
}

async function runCommand(vmId: string, script: string[]): Promise<string> {
  const r = await arm("POST", `${vmId}/runCommand`, { commandId: "RunPowerShellScript", script }, "2024-07-01");
  expect(r.status).toBe(202);
  const aao = r.headers.get("azure-asyncoperation") as string;
  for (let i = 0; i < 50; i++) {
    const s = await arm("GET", aao);
    if (s.body.status === "Succeeded") return s.body.properties.output.value.map((v: any) => v.message).join("\n");
    await t.admin.advanceClock(10);
  }
  throw new Error("run command did not finish");
}

test("test failover creates <recoveryAzureVmName>-test in the recovery resource group, running, with the configured IP", async () => {
  await createTestNetwork(arm);
  const dc = (await items(arm)).DC01;
  const job = await runTfo(t, arm, dc.id);
  expect(job.properties.state).toBe("Succeeded");
  expect(job.properties.tasks.map((x: any) => x.name)).toEqual([
    "VmTfoPrerequisitesCheck",
    "VmTfoInitiateFailover",
    "VmTfoPrepareTestVm",
    "VmTfoBootTestVm",
  ]);
  const vm = (await arm("GET", `${RG}/providers/Microsoft.Compute/virtualMachines/DC01-test`, undefined, "2024-07-01")).body;
  expect(vm.properties.hardwareProfile.vmSize).toBe("Standard_D2s_v3");
  const [nic] = await nicsOf(vm);
  expect(nic.properties.ipConfigurations[0].properties.privateIPAddress).toBe("10.10.1.4");
  expect(nic.properties.ipConfigurations[0].properties.subnet.id).toBe(`${TEST_VNET}/subnets/snet-identity`);
  const iv = (await arm("GET", `${vm.id}/instanceView`, undefined, "2024-07-01")).body;
  expect(iv.statuses.map((s: any) => s.code)).toContain("PowerState/running");
  const item = (await arm("GET", dc.id)).body;
  expect(item.properties.testFailoverState).toBe("WaitingForCompletion");
  expect(item.properties.allowedOperations).toEqual(["DisableProtection", "TestFailoverCleanup"]);
});

test("a second test failover is rejected while one is running and while one waits for cleanup", async () => {
  await createTestNetwork(arm);
  const dc = (await items(arm)).DC01;
  const first = await post(arm, `${dc.id}/testFailover`, tfoBody());
  expect(first.status).toBe(202);
  const running = await post(arm, `${dc.id}/testFailover`, tfoBody());
  expect(running.status).toBe(409);
  expect(running.body.error.code).toBe("AnotherOperationInProgress");
  await waitJob(t, arm, first.headers.get("x-ms-request-id") as string);
  const waiting = await post(arm, `${dc.id}/testFailover`, tfoBody());
  expect(waiting.status).toBe(400);
  expect(waiting.body.error.code).toBe("OperationNotAllowedInCurrentState");
});

test("cleanup deletes the test VM, NICs and disks, records the comments; the item stays MarkedForDeletion with TestFailover allowed", async () => {
  await createTestNetwork(arm);
  const dc = (await items(arm)).DC01;
  await runTfo(t, arm, dc.id);
  expect((await arm("GET", `${RG}/providers/Microsoft.Compute/disks/DC01-test-osdisk`, undefined, "2024-03-02")).status).toBe(200);
  const job = await runCleanup(t, arm, dc.id, "DR drill 2026-Q4: all checks passed");
  expect(job.properties.state).toBe("Succeeded");
  expect(job.properties.tasks.map((x: any) => x.name)).toEqual(["VmTfoCleanupPreflightsCheck", "VmTfoEndFailover", "VmTfoDeleteTestVm"]);
  expect(job.properties.customDetails.comments).toBe("DR drill 2026-Q4: all checks passed");
  expect(await listVms(arm)).toEqual([]);
  expect((await arm("GET", `${RG}/providers/Microsoft.Network/networkInterfaces`, undefined, NET_API)).body.value).toEqual([]);
  expect((await arm("GET", `${RG}/providers/Microsoft.Compute/disks`, undefined, "2024-03-02")).body.value).toEqual([]);
  let item = (await arm("GET", dc.id)).body;
  expect(item.properties.testFailoverState).toBe("MarkedForDeletion");
  expect(item.properties.allowedOperations).toContain("TestFailover");
  // No public source shows MarkedForDeletion returning to None (.NET ASRTests/TestFailoverCleanup.json).
  await t.admin.advanceClock(24 * 3600);
  item = (await arm("GET", dc.id)).body;
  expect(item.properties.testFailoverState).toBe("MarkedForDeletion");
  expect(item.properties.allowedOperations).toContain("TestFailover");
});

test("cleanup comments over 1024 characters are rejected", async () => {
  await createTestNetwork(arm);
  const dc = (await items(arm)).DC01;
  await runTfo(t, arm, dc.id);
  const r = await post(arm, `${dc.id}/testFailoverCleanup`, { properties: { comments: "x".repeat(1025) } });
  expect(r.status).toBe(400);
});

test("a taken target IP makes the test VM take the next free address in the subnet", async () => {
  await createTestNetwork(arm);
  const squat = await arm(
    "PUT",
    `${RG}/providers/Microsoft.Network/networkInterfaces/squatter`,
    {
      location: "westeurope",
      properties: {
        ipConfigurations: [
          {
            name: "ipconfig1",
            properties: {
              subnet: { id: `${TEST_VNET}/subnets/snet-app` },
              privateIPAllocationMethod: "Static",
              privateIPAddress: "10.10.3.10",
            },
          },
        ],
      },
    },
    NET_API,
  );
  expect(squat.status).toBe(201);
  const app = (await items(arm)).APP01;
  expect((await runTfo(t, arm, app.id)).properties.state).toBe("Succeeded");
  const vm = (await arm("GET", `${RG}/providers/Microsoft.Compute/virtualMachines/APP01-test`, undefined, "2024-07-01")).body;
  const [nic] = await nicsOf(vm);
  expect(nic.properties.ipConfigurations[0].properties.privateIPAddress).toBe("10.10.3.4");
});

test("without a subnet of the configured name the NIC lands in the first subnet alphabetically", async () => {
  const r = await arm(
    "PUT",
    TEST_VNET,
    {
      location: "westeurope",
      properties: {
        addressSpace: { addressPrefixes: ["10.10.0.0/16"] },
        subnets: [
          { name: "snet-zeta", properties: { addressPrefix: "10.10.9.0/24" } },
          { name: "snet-beta", properties: { addressPrefix: "10.10.8.0/24" } },
        ],
      },
    },
    NET_API,
  );
  expect(r.status).toBe(201);
  const web = (await items(arm)).WEB01;
  expect((await runTfo(t, arm, web.id)).properties.state).toBe("Succeeded");
  const vm = (await arm("GET", `${RG}/providers/Microsoft.Compute/virtualMachines/WEB01-test`, undefined, "2024-07-01")).body;
  const [nic] = await nicsOf(vm);
  expect(nic.properties.ipConfigurations[0].properties.subnet.id).toBe(`${TEST_VNET}/subnets/snet-beta`);
  expect(nic.properties.ipConfigurations[0].properties.privateIPAddress).toBe("10.10.8.4");
});

test("NIC count on the target = min(source NICs, max NICs of the size)", async () => {
  await createTestNetwork(arm);
  const sql = (await items(arm)).SQL01;
  expect((await runTfo(t, arm, sql.id)).properties.state).toBe("Succeeded");
  let vm = (await arm("GET", `${RG}/providers/Microsoft.Compute/virtualMachines/SQL01-test`, undefined, "2024-07-01")).body;
  expect(vm.properties.networkProfile.networkInterfaces).toHaveLength(2);
  await runCleanup(t, arm, sql.id);
  await t.admin.advanceClock(120);
  const patch = await arm("PATCH", sql.id, { properties: { recoveryAzureVMSize: "Basic_A0" } });
  expect(patch.status).toBe(202);
  await waitJob(t, arm, patch.headers.get("x-ms-request-id") as string);
  expect((await runTfo(t, arm, sql.id)).properties.state).toBe("Succeeded");
  vm = (await arm("GET", `${RG}/providers/Microsoft.Compute/virtualMachines/SQL01-test`, undefined, "2024-07-01")).body;
  expect(vm.properties.networkProfile.networkInterfaces).toHaveLength(1);
  const sizes = (await arm("GET", `${sql.id}/targetComputeSizes`)).body.value;
  expect(sizes.find((s: any) => s.name === "Basic_A0").properties.maxNicsCount).toBe(1);
});

test('managed disks are created only when useManagedDisks is "true"', async () => {
  await createTestNetwork(arm);
  const all = await items(arm);
  await runTfo(t, arm, all.DC01.id);
  await runTfo(t, arm, all.WEB01.id);
  const disks = (await arm("GET", `${RG}/providers/Microsoft.Compute/disks`, undefined, "2024-03-02")).body.value.map((d: any) => d.name);
  expect(disks).toContain("DC01-test-osdisk");
  expect(disks.some((n: string) => n.startsWith("WEB01"))).toBe(false);
});

async function expectFailedAndClean(job: any, code: string, itemId: string) {
  expect(job.properties.state).toBe("Failed");
  expect(job.properties.errors[0].serviceErrorDetails.code).toBe(code);
  expect(await listVms(arm)).toEqual([]);
  expect((await arm("GET", `${RG}/providers/Microsoft.Network/networkInterfaces`, undefined, NET_API)).body.value).toEqual([]);
  const item = (await arm("GET", itemId)).body;
  expect(item.properties.testFailoverState).toBe("None");
  expect(item.properties.allowedOperations).toContain("TestFailover");
}

test("managed disks + SSE-encrypted replication storage account: the job fails and partial resources are removed", async () => {
  await createTestNetwork(arm);
  const file = (await items(arm)).FILE01;
  const job = await runTfo(t, arm, file.id);
  await expectFailedAndClean(job, "ManagedDiskCreationNotSupportedWithSse", file.id);
  expect(job.properties.tasks.find((x: any) => x.name === "VmTfoPrepareTestVm").state).toBe("Failed");
});

test("managed disks in a Classic availability set fail the test failover", async () => {
  await createTestNetwork(arm);
  const web = (await items(arm)).WEB01;
  const patch = await arm("PATCH", web.id, {
    properties: { providerSpecificDetails: { instanceType: "HyperVReplicaAzure", useManagedDisks: "true" } },
  });
  await waitJob(t, arm, patch.headers.get("x-ms-request-id") as string);
  await expectFailedAndClean(await runTfo(t, arm, web.id), "ManagedDisksRequireAlignedAvailabilitySet", web.id);
});

test("a test network in another subscription than the recovery resource group fails the test failover (NIC and VNet share a subscription)", async () => {
  const otherSub = "/subscriptions/33333333-3333-4333-8333-333333333333";
  expect((await arm("PUT", `${otherSub}/resourceGroups/drill-rg`, { location: "westeurope" }, "2021-04-01")).status).toBeLessThan(300);
  const otherVnet = `${otherSub}/resourceGroups/drill-rg/providers/Microsoft.Network/virtualNetworks/drill-vnet`;
  await createTestNetwork(arm, ["10.10.1.4"], otherVnet);
  const web = (await items(arm)).WEB01;
  await expectFailedAndClean(await runTfo(t, arm, web.id, otherVnet), "TestFailoverNetworkInAnotherSubscription", web.id);
});

test("no managed disks in an Aligned availability set fail the test failover", async () => {
  await createTestNetwork(arm);
  const sql = (await items(arm)).SQL01;
  const patch = await arm("PATCH", sql.id, {
    properties: { providerSpecificDetails: { instanceType: "HyperVReplicaAzure", useManagedDisks: "false" } },
  });
  await waitJob(t, arm, patch.headers.get("x-ms-request-id") as string);
  await expectFailedAndClean(await runTfo(t, arm, sql.id), "UnmanagedDisksRequireClassicAvailabilitySet", sql.id);
});

test("an item that is not Protected fails the prerequisites check", async () => {
  const fx = readFixture(CONTOSO_FIXTURE);
  fx.items = fx.items!.map((i) => (i.name === "APP01" ? { ...i, protectionState: "InitialReplicationInProgress" } : i));
  await t.admin.loadFixture(fx);
  await createTestNetwork(arm);
  const app = (await items(arm)).APP01;
  const job = await runTfo(t, arm, app.id);
  await expectFailedAndClean(job, "ProtectedItemNotProtected", app.id);
  expect(job.properties.tasks[0].state).toBe("Failed");
});

test("a Critical health error (161003, target network not configured) fails the test failover until configured", async () => {
  const fx = readFixture(CONTOSO_FIXTURE);
  fx.items = fx.items!.map((i) => (i.name === "APP01" ? { ...i, recoveryNetwork: null } : i));
  await t.admin.loadFixture(fx);
  await createTestNetwork(arm);
  const app = (await items(arm)).APP01;
  expect(app.properties.failoverHealth).toBe("Critical");
  await expectFailedAndClean(await runTfo(t, arm, app.id), "161003", app.id);
  const patch = await arm("PATCH", app.id, {
    properties: {
      selectedRecoveryAzureNetworkId: `/subscriptions/${SUB}/resourceGroups/contoso-network/providers/Microsoft.Network/virtualNetworks/contoso-recovery-vnet`,
    },
  });
  await waitJob(t, arm, patch.headers.get("x-ms-request-id") as string);
  expect((await runTfo(t, arm, app.id)).properties.state).toBe("Succeeded");
});

test("a test network that does not exist fails the job", async () => {
  const dc = (await items(arm)).DC01;
  await expectFailedAndClean(
    await runTfo(t, arm, dc.id, `${RG}/providers/Microsoft.Network/virtualNetworks/nope`),
    "TestFailoverNetworkNotFound",
    dc.id,
  );
});

test("a recovery plan runs Boot groups in order, items of a group in parallel", async () => {
  await createTestNetwork(arm);
  const rp = `${VAULT}/replicationRecoveryPlans/rp-contoso-tier1`;
  const r = await post(arm, `${rp}/testFailover`, {
    properties: {
      failoverDirection: "PrimaryToRecovery",
      networkType: "VmNetworkAsInput",
      networkId: TEST_VNET,
      providerSpecificDetails: [{ instanceType: "HyperVReplicaAzure" }],
    },
  });
  expect(r.status).toBe(202);
  const job = await waitJob(t, arm, r.headers.get("x-ms-request-id") as string);
  expect(job.properties.state).toBe("Succeeded");
  const groups = job.properties.tasks;
  expect(groups.map((g: any) => g.groupTaskCustomDetails.rpGroupType)).toEqual(["Failover", "Boot", "Boot"]);
  const [, g1, g2] = groups;
  expect(g1.groupTaskCustomDetails.childTasks.map((c: any) => c.friendlyName)).toEqual(["SQL01: Start the virtual machine"]);
  expect(new Date(g2.startTime).getTime()).toBeGreaterThanOrEqual(new Date(g1.endTime).getTime());
  const [a, w] = g2.groupTaskCustomDetails.childTasks;
  expect(a.startTime).toBe(w.startTime);
  expect((await listVms(arm)).map((v) => v.name).sort()).toEqual(["APP01-test", "SQL01-test", "WEB01-test"]);
  const plan = (await arm("GET", rp)).body;
  expect(plan.properties.allowedOperations).toEqual(["TestFailoverCleanup"]);
  expect(plan.properties.currentScenarioStatusDescription).toBe("WaitingForStopTestFailover");
  const c = await post(arm, `${rp}/testFailoverCleanup`, { properties: { comments: "plan drill" } });
  expect((await waitJob(t, arm, c.headers.get("x-ms-request-id") as string)).properties.state).toBe("Succeeded");
  expect(await listVms(arm)).toEqual([]);
});

test("the AD/DNS copy matters: resolve-domain succeeds only with VNet DNS on a running DC test VM in the same VNet", async () => {
  await createTestNetwork(arm);
  const all = await items(arm);
  await runTfo(t, arm, all.APP01.id);
  const appVm = `${RG}/providers/Microsoft.Compute/virtualMachines/APP01-test`;
  const script = ["Resolve-DnsName contoso.local"];
  expect(await runCommand(appVm, script)).toContain("DNS name does not exist");
  await runTfo(t, arm, all.DC01.id);
  expect(await runCommand(appVm, script)).toContain("Resolved by 10.10.1.4");
  // DNS servers pointing elsewhere: the copy is not reachable.
  const vnet = (await arm("GET", TEST_VNET, undefined, NET_API)).body;
  vnet.properties.dhcpOptions.dnsServers = ["10.10.1.99"];
  expect((await arm("PUT", TEST_VNET, { location: vnet.location, properties: vnet.properties }, NET_API)).status).toBe(200);
  await t.admin.advanceClock(10);
  expect(await runCommand(appVm, script)).toContain("DNS name does not exist");
  expect(await runCommand(appVm, ["hostname"])).toContain("APP01");
});

test("the first job GET right after the 202 is the NotStarted skeleton", async () => {
  const slow = await startTwin({ fixture: CONTOSO_FIXTURE, speed: 0.01, quiet: true });
  try {
    const a = client(slow);
    await createTestNetwork(a);
    const dc = (await items(a)).DC01;
    const r = await post(a, `${dc.id}/testFailover`, tfoBody());
    const job = (await a("GET", firstOf(r.headers.get("x-ms-request-id") as string))).body;
    // As recorded (PowerShell B2A TestTFO, cleanup job f21f8bf1…): no scenario, no tasks, no startTime,
    // allowedActions [], targetInstanceType already "ProtectionEntity".
    expect(job.properties).toEqual({
      activityId: expect.any(String),
      scenarioName: null,
      friendlyName: null,
      state: "NotStarted",
      stateDescription: "NotStarted",
      tasks: [],
      errors: [],
      allowedActions: [],
      targetObjectId: null,
      targetObjectName: null,
      targetInstanceType: "ProtectionEntity",
      customDetails: { instanceType: "AsrJobDetails", affectedObjectDetails: {} },
    });
  } finally {
    await slow.stop();
  }
});

void ASR_API;
