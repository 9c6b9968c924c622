// The twin answers as the real Site Recovery service was recorded answering (public SDK session records;
// sources per behaviour in twin/README.md), not as the drill's client might like: a client that depends
// on the old twin (following a Location host, a Retry-After on status GETs, currentScenario naming the
// job, MarkedForDeletion → None) fails these.
import type { TwinHandle } from "../../twin/index";
import {
  SUB,
  TEST_VNET,
  VAULT,
  client,
  createTestNetwork,
  firstOf,
  items,
  onTwin,
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
  t = await startContoso({ speed: 1 });
  arm = client(t);
  await createTestNetwork(arm);
});
afterEach(async () => t.stop());

const CAMEL_AFFECTED_KEYS = [
  "primaryCloudId",
  "primaryCloudName",
  "primaryFabricProviderId",
  "primaryVmId",
  "primaryVmName",
  "primaryVmmId",
  "primaryVmmName",
  "protectionProfileId",
  "recoveryCloudId",
  "recoveryCloudName",
  "recoveryFabricProviderId",
  "recoveryVmId",
  "recoveryVmName",
  "recoveryVmmId",
  "recoveryVmmName",
];

test("testFailover 202: empty body, regional Location and Azure-AsyncOperation, Retry-After 30, x-ms-request-id = the job id twice", async () => {
  const dc = (await items(arm)).DC01;
  const r = await post(arm, `${dc.id}/testFailover`, tfoBody());
  expect(r.status).toBe(202);
  expect(r.headers.get("content-length")).toBe("0");
  const twinHost = new URL(t.url).host;
  for (const h of ["location", "azure-asyncoperation"]) {
    const u = new URL(r.headers.get(h) as string);
    expect(u.host).not.toBe(twinHost);
    expect(u.hostname).toBe("westeurope.localhost");
  }
  expect(r.headers.get("retry-after")).toBe("30");
  const ids = (r.headers.get("x-ms-request-id") as string).split(",").map((s) => s.trim());
  expect(ids).toHaveLength(2);
  expect(ids[0]).toBe(ids[1]);
  expect(ids[0]).toMatch(/^\/Subscriptions\/.+\/replicationJobs\/[0-9a-f-]{36}$/);
});

test("replicationOperationStatus GETs carry no Retry-After; the operationresults 200 carries Azure-AsyncOperation and the job id twice", async () => {
  const dc = (await items(arm)).DC01;
  const r = await post(arm, `${dc.id}/testFailover`, tfoBody());
  const jobId = firstOf(r.headers.get("x-ms-request-id") as string);
  const running = await arm("GET", r.headers.get("azure-asyncoperation") as string);
  expect(running.body.status).toBe("InProgress");
  expect(running.headers.get("retry-after")).toBeNull();
  expect(running.headers.get("x-ms-request-id")).toBe(jobId);
  await waitJob(t, arm, jobId);
  const done = await arm("GET", r.headers.get("azure-asyncoperation") as string);
  expect(done.body.status).toBe("Succeeded");
  expect(done.headers.get("retry-after")).toBeNull();
  const result = await arm("GET", r.headers.get("location") as string);
  expect(result.status).toBe(200);
  expect(new URL(result.headers.get("azure-asyncoperation") as string).pathname).toMatch(/\/replicationOperationStatus\/[0-9a-f-]{36}$/);
  expect((result.headers.get("x-ms-request-id") as string).split(",").map((s) => s.trim())).toEqual([jobId, jobId]);
});

test("after a test failover: WaitingForCompletion with currentScenario None, protectionStateDescription Protected, tfoVMNetworkId null; the job records the network", async () => {
  const dc = (await items(arm)).DC01;
  const job = await runTfo(t, arm, dc.id);
  const item = (await arm("GET", dc.id)).body.properties;
  expect(item.testFailoverState).toBe("WaitingForCompletion");
  expect(item.allowedOperations).toEqual(["DisableProtection", "TestFailoverCleanup"]);
  expect(item.currentScenario).toEqual({
    scenarioName: "None",
    jobId: `${VAULT.replace("/subscriptions/", "/Subscriptions/")}/replicationJobs/None`,
    startTime: "1753-01-01T01:01:01Z",
  });
  expect(item.protectionStateDescription).toBe("Protected");
  expect(item.providerSpecificDetails.vmNics.map((n: any) => n.tfoVMNetworkId)).toEqual([null]);
  expect(item.lastSuccessfulTestFailoverTime).toBe(job.properties.startTime);
  expect(job.properties.customDetails).toMatchObject({
    instanceType: "TestFailoverJobDetails",
    networkName: "vnet-drill-test",
    networkType: "VmNetworkAsInput",
    testFailoverStatus: "Active",
  });
  expect(job.properties.customDetails.protectedItemDetails[0]).toMatchObject({ name: dc.name, testVmName: "DC01-test" });
});

test("after a cleanup: MarkedForDeletion with TestFailover allowed, for good (it never returns to None)", async () => {
  const dc = (await items(arm)).DC01;
  await runTfo(t, arm, dc.id);
  await runCleanup(t, arm, dc.id);
  for (const hours of [0, 1, 48]) {
    await t.admin.advanceClock(hours * 3600);
    const item = (await arm("GET", dc.id)).body.properties;
    expect(item.testFailoverState).toBe("MarkedForDeletion");
    expect(item.testFailoverStateDescription).toBe("Cleaning up test environment");
    expect(item.allowedOperations).toContain("TestFailover");
    expect(item.currentScenario.scenarioName).toBe("None");
  }
  // Free again: a new test failover is accepted while MarkedForDeletion.
  expect((await post(arm, `${dc.id}/testFailover`, tfoBody())).status).toBe(202);
});

test("job payloads: groupTaskCustomDetails null on VM tasks, camelCase affectedObjectDetails, protectedItemDetails empty while the job starts", async () => {
  const dc = (await items(arm)).DC01;
  const r = await post(arm, `${dc.id}/testFailover`, tfoBody());
  const jobId = firstOf(r.headers.get("x-ms-request-id") as string);
  await t.admin.advanceClock(2); // past the NotStarted skeleton, into the prerequisites check
  const starting = (await arm("GET", jobId)).body.properties;
  expect(starting.state).toBe("InProgress");
  expect(starting.endTime).toBeUndefined();
  expect(starting.customDetails.protectedItemDetails).toEqual([]);
  expect(starting.customDetails.networkName).toBe("vnet-drill-test");
  for (const task of starting.tasks) expect(task.groupTaskCustomDetails).toBeNull();
  expect(Object.keys(starting.customDetails.affectedObjectDetails).sort()).toEqual(CAMEL_AFFECTED_KEYS);
  expect(starting.customDetails.affectedObjectDetails).toMatchObject({
    primaryVmId: dc.name,
    primaryVmName: "DC01",
    primaryFabricProviderId: "VMM",
    recoveryFabricProviderId: "Azure",
    primaryCloudName: "ContosoCloud",
  });
  const done = await waitJob(t, arm, jobId);
  expect(done.properties.customDetails.protectedItemDetails).toHaveLength(1);
});

test("a recovery plan job lists no protected items while it starts", async () => {
  const rp = `${VAULT}/replicationRecoveryPlans/rp-contoso-tier1`;
  const r = await post(arm, `${rp}/testFailover`, {
    properties: {
      failoverDirection: "PrimaryToRecovery",
      networkType: "VmNetworkAsInput",
      networkId: TEST_VNET,
      providerSpecificDetails: [{ instanceType: "HyperVReplicaAzure" }],
    },
  });
  const jobId = firstOf(r.headers.get("x-ms-request-id") as string);
  await t.admin.advanceClock(2);
  const starting = (await arm("GET", jobId)).body.properties;
  expect(starting.state).toBe("InProgress");
  expect(starting.targetInstanceType).toBe("RecoveryPlan");
  expect(starting.customDetails.protectedItemDetails).toEqual([]);
  const done = await waitJob(t, arm, jobId);
  expect(done.properties.customDetails.protectedItemDetails.map((d: any) => d.friendlyName).sort()).toEqual(["APP01", "SQL01", "WEB01"]);
});

test("fabrics and containers are named as the service names them: VMM cloud = bare GUID, Hyper-V site = cloud_<GUID>", async () => {
  const fabrics = (await arm("GET", `${VAULT}/replicationFabrics`)).body.value;
  const vmm = fabrics.find((f: any) => f.properties.customDetails.instanceType === "VMM");
  const site = fabrics.find((f: any) => f.properties.customDetails.instanceType === "HyperVSite");
  expect(vmm.name).toMatch(/^[0-9a-f]{64}$/);
  expect(site.name).toBe("contoso-branch");
  expect(site.properties.customDetails.hyperVHosts.map((h: any) => h.name)).toEqual(["hv-branch01.contoso.local"]);
  const [vmmCloud] = (await arm("GET", `${vmm.id}/replicationProtectionContainers`)).body.value;
  expect(vmmCloud.name).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  expect(vmmCloud.properties).toMatchObject({ friendlyName: "ContosoCloud", fabricType: "VMM" });
  const [siteCloud] = (await arm("GET", `${site.id}/replicationProtectionContainers`)).body.value;
  expect(siteCloud.name).toBe(`cloud_${site.properties.internalIdentifier}`);
  expect(siteCloud.properties).toMatchObject({ friendlyName: "contoso-branch", fabricType: "HyperVSite" });
});

test("a Hyper-V site item: SingleHostHyperVFabric, and its job's affectedObjectDetails name the site", async () => {
  const branch = (await items(arm)).BRANCH01;
  expect(branch.id).toContain("/replicationFabrics/contoso-branch/replicationProtectionContainers/cloud_");
  expect(branch.properties).toMatchObject({
    primaryFabricProvider: "SingleHostHyperVFabric",
    primaryFabricFriendlyName: "contoso-branch",
    primaryProtectionContainerFriendlyName: "contoso-branch",
  });
  const job = await runTfo(t, arm, branch.id);
  expect(job.properties.state).toBe("Succeeded");
  expect(job.properties.customDetails.affectedObjectDetails).toMatchObject({
    primaryFabricProviderId: "HyperVSite",
    primaryVmmName: "contoso-branch",
    primaryCloudId: /replicationProtectionContainers\/([^/]+)/.exec(branch.id)![1],
  });
});

test("an agentless guest (fixture vmAgent: false): its test VM runs but its VM agent is Not Ready", async () => {
  const legacy = (await items(arm)).LEGACY01;
  await runTfo(t, arm, legacy.id);
  const iv = (
    await arm(
      "GET",
      `/subscriptions/${SUB}/resourceGroups/contoso-recovery/providers/Microsoft.Compute/virtualMachines/LEGACY01-test/instanceView`,
      undefined,
      "2024-07-01",
    )
  ).body;
  expect(iv.statuses.map((s: any) => s.code)).toContain("PowerState/running");
  expect(iv.vmAgent).toMatchObject({
    vmAgentVersion: "Unknown",
    statuses: [{ code: "ProvisioningState/Unavailable", displayStatus: "Not Ready" }],
  });
  const dcJob = await runTfo(t, arm, (await items(arm)).DC01.id);
  expect(dcJob.properties.state).toBe("Succeeded");
  const dcIv = (
    await arm(
      "GET",
      `/subscriptions/${SUB}/resourceGroups/contoso-recovery/providers/Microsoft.Compute/virtualMachines/DC01-test/instanceView`,
      undefined,
      "2024-07-01",
    )
  ).body;
  expect(dcIv.vmAgent.statuses[0].displayStatus).toBe("Ready");
});

void onTwin;
