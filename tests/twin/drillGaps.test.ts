// Twin behaviours added for the drill's provider: VM lists with instance views, the `unhealthy` fixture
// flag, recovery points per item and the point a test failover used, request bodies in the request log.
import type { TwinHandle } from "../../twin/index";
import { CONTOSO_FIXTURE } from "../../twin/index";
import { readFixture } from "../../twin/fixtures/load";
import { SUB, TEST_VNET, VAULT, client, createTestNetwork, items, post, runTfo, startContoso, tfoBody, waitJob } from "./helpers";

let t: TwinHandle;
let arm: ReturnType<typeof client>;
beforeEach(async () => {
  t = await startContoso({ speed: 1 });
  arm = client(t);
});
afterEach(async () => t.stop());

const RG = `/subscriptions/${SUB}/resourceGroups/contoso-recovery`;
const powerState = (vm: any) => vm.properties.instanceView?.statuses?.find((s: any) => /^PowerState\//.test(s.code))?.code;

test("VM lists honour $expand=instanceView (resource group and subscription) and statusOnly=true", async () => {
  await createTestNetwork(arm);
  await runTfo(t, arm, (await items(arm)).DC01.id);
  const plain = (await arm("GET", `${RG}/providers/Microsoft.Compute/virtualMachines`, undefined, "2024-07-01")).body.value;
  expect(plain.map((v: any) => v.name)).toEqual(["DC01-test"]);
  expect(plain[0].properties.instanceView).toBeUndefined();
  const expanded = (await arm("GET", `${RG}/providers/Microsoft.Compute/virtualMachines?$expand=instanceView`, undefined, "2024-07-01"))
    .body.value;
  expect(powerState(expanded[0])).toBe("PowerState/running");
  const all = (
    await arm("GET", `/subscriptions/${SUB}/providers/Microsoft.Compute/virtualMachines?statusOnly=true`, undefined, "2024-07-01")
  ).body.value;
  expect(powerState(all.find((v: any) => v.name === "DC01-test"))).toBe("PowerState/running");
});

test("fixture flag `unhealthy`: 161003/8002 Error (Configuration), failoverHealth Critical; the prerequisites check fails", async () => {
  const fx = readFixture(CONTOSO_FIXTURE);
  fx.items = fx.items!.map((i) => (i.name === "APP01" ? { ...i, unhealthy: true } : i));
  await t.admin.loadFixture(fx);
  await createTestNetwork(arm);
  const app = (await items(arm)).APP01;
  expect(app.properties.failoverHealth).toBe("Critical");
  expect(app.properties.providerSpecificDetails.selectedRecoveryAzureNetworkId).toMatch(/contoso-recovery-vnet$/);
  expect(app.properties.healthErrors).toEqual([
    expect.objectContaining({
      errorCode: "161003",
      errorType: "8002",
      errorLevel: "Error",
      errorCategory: "Configuration",
      errorMessage: "Target network settings are not configured for virtual machine 'APP01'.",
    }),
  ]);
  const job = await runTfo(t, arm, app.id);
  expect(job.properties.state).toBe("Failed");
  expect(job.properties.tasks[0]).toMatchObject({ name: "VmTfoPrerequisitesCheck", state: "Failed" });
  expect(job.properties.errors[0].serviceErrorDetails.code).toBe("161003");
  expect((await items(arm)).APP01.properties.testFailoverState).toBe("None");
  // A bad flag value is a fixture error, not a silently healthy item.
  fx.items = fx.items!.map((i) => (i.name === "APP01" ? { ...i, unhealthy: "sometimes" as never } : i));
  await expect(t.admin.loadFixture(fx)).rejects.toThrow(/unhealthy/);
});

test("clearing the target network by PATCH gives the item 161003 again", async () => {
  const app = (await items(arm)).APP01;
  const r = await arm("PATCH", app.id, { properties: { selectedRecoveryAzureNetworkId: "" } });
  await waitJob(t, arm, r.headers.get("x-ms-request-id") as string);
  const now = (await items(arm)).APP01;
  expect(now.properties.failoverHealth).toBe("Critical");
  expect(now.properties.healthErrors.map((e: any) => e.errorCode)).toContain("161003");
});

test("recovery points per item: virtual timestamps, oldest first, some application-consistent; the TFO records the point it used", async () => {
  await createTestNetwork(arm);
  const dc = (await items(arm)).DC01;
  const points = (await arm("GET", `${dc.id}/recoveryPoints`)).body.value;
  expect(points.length).toBeGreaterThan(4);
  const times = points.map((p: any) => Date.parse(p.properties.recoveryPointTime));
  expect([...times].sort((a, b) => a - b)).toEqual(times);
  const now = (await t.admin.clock()).nowMs;
  expect(now - times[times.length - 1]).toBeLessThanOrEqual(16 * 60_000);
  const types = new Set(points.map((p: any) => p.properties.recoveryPointType));
  expect(types).toEqual(new Set(["ApplicationConsistent", "CrashConsistent"]));
  for (const p of points) {
    expect(p.id).toBe(`${dc.id}/recoveryPoints/${p.name}`);
    expect(p.type).toBe(
      "Microsoft.RecoveryServices/vaults/replicationFabrics/replicationProtectionContainers/replicationProtectedItems/recoveryPoints",
    );
  }
  const chosen = points.filter((p: any) => p.properties.recoveryPointType === "ApplicationConsistent")[0];
  const body = tfoBody();
  (body.properties.providerSpecificDetails as any).recoveryPointId = chosen.id;
  const r = await post(arm, `${dc.id}/testFailover`, body);
  expect(r.status).toBe(202);
  const job = await waitJob(t, arm, r.headers.get("x-ms-request-id") as string);
  expect(job.properties.customDetails.protectedItemDetails[0]).toMatchObject({
    recoveryPointId: chosen.name,
    recoveryPointTime: chosen.properties.recoveryPointTime,
  });
  expect((await items(arm)).DC01.properties.failoverRecoveryPointId).toBe(chosen.id);
});

test("a recoveryPointId the item does not have is refused (400); null means the latest point", async () => {
  await createTestNetwork(arm);
  const app = (await items(arm)).APP01;
  const body = tfoBody();
  (body.properties.providerSpecificDetails as any).recoveryPointId = `${app.id}/recoveryPoints/00000000-0000-0000-0000-000000000000`;
  const bad = await post(arm, `${app.id}/testFailover`, body);
  expect(bad.status).toBe(400);
  expect(bad.body.error.code).toBe("RecoveryPointNotFound");
  (body.properties.providerSpecificDetails as any).recoveryPointId = null;
  const ok = await post(arm, `${app.id}/testFailover`, body);
  expect(ok.status).toBe(202);
  const job = await waitJob(t, arm, ok.headers.get("x-ms-request-id") as string);
  const d = job.properties.customDetails.protectedItemDetails[0];
  // The job names the point by its GUID, not its ARM id (PowerShell B2A TestTFO recording).
  expect(d.recoveryPointId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  expect(Date.parse(job.properties.startTime) - Date.parse(d.recoveryPointTime)).toBe(4000);
});

test("a recovery plan's recoveryPointType LatestApplicationConsistent picks each item's newest app-consistent point", async () => {
  await createTestNetwork(arm);
  // Start at hh:00:30: the hh:00 application-consistent point is listed from hh:01:00 (points appear a
  // minute after their time), while the job (~70 s) runs. The job must use the newest point that was
  // listed when it was triggered, as a user reading the list then would expect.
  const { nowMs } = await t.admin.clock();
  await t.admin.advanceClock(Math.ceil((3_600_000 - (nowMs % 3_600_000)) / 1000) + 30);
  const all = await items(arm);
  const newestAppConsistent = async (id: string) =>
    (await arm("GET", `${id}/recoveryPoints`)).body.value
      .filter((p: any) => p.properties.recoveryPointType === "ApplicationConsistent")
      .pop().id as string;
  const expected: Record<string, string> = {};
  for (const name of ["SQL01", "APP01", "WEB01"]) expected[name] = await newestAppConsistent(all[name].id);
  const rp = `${VAULT}/replicationRecoveryPlans/rp-contoso-tier1`;
  const r = await post(arm, `${rp}/testFailover`, {
    properties: {
      failoverDirection: "PrimaryToRecovery",
      networkType: "VmNetworkAsInput",
      networkId: TEST_VNET,
      providerSpecificDetails: [{ instanceType: "HyperVReplicaAzure", recoveryPointType: "LatestApplicationConsistent" }],
    },
  });
  expect(r.status).toBe(202);
  const job = await waitJob(t, arm, r.headers.get("x-ms-request-id") as string);
  const used = job.properties.customDetails.protectedItemDetails as { friendlyName: string; recoveryPointId: string }[];
  expect(used.map((d) => d.friendlyName).sort()).toEqual(["APP01", "SQL01", "WEB01"]);
  for (const d of used) expect(d.recoveryPointId).toBe(expected[d.friendlyName].split("/").pop());
  // The boundary really was crossed: a newer application-consistent point is listed now.
  expect(await newestAppConsistent(all.APP01.id)).not.toBe(expected.APP01);
});

test("the request log records PUT/POST/PATCH bodies (secrets and the token never), GET without a body", async () => {
  await t.admin.clearRequests();
  await createTestNetwork(arm);
  const app = (await items(arm)).APP01;
  await post(arm, `${app.id}/testFailover`, tfoBody());
  await arm(
    "PUT",
    `${RG}/providers/Microsoft.Compute/availabilitySets/avset-x`,
    { location: "westeurope", sku: { name: "Classic" }, properties: { adminPassword: "P@ss", note: t.token } },
    "2024-07-01",
  );
  await arm("PATCH", app.id, { properties: { recoveryAzureVMSize: "Standard_D2s_v3", notes: "x".repeat(10_000) } });
  const log = await t.admin.requests();
  const tfo = log.find((e) => e.method === "POST" && /testFailover$/.test(e.path))!;
  expect(tfo.body).toEqual(tfoBody());
  const put = log.find((e) => e.method === "PUT" && /avset-x$/.test(e.path))!;
  expect(put.body).toEqual({
    location: "westeurope",
    sku: { name: "Classic" },
    properties: { adminPassword: "[redacted]", note: "[redacted]" },
  });
  const patch = log.find((e) => e.method === "PATCH")!;
  expect(patch.bodyTruncated).toBe(true);
  expect(typeof patch.body).toBe("string");
  expect((patch.body as string).length).toBe(8192);
  expect(log.filter((e) => e.method === "GET").every((e) => e.body === undefined)).toBe(true);
  expect(JSON.stringify(log)).not.toContain(t.token);
});
