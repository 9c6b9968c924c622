// Each fault kind of the admin API, and the request log.
import type { TwinHandle } from "../../twin/index";
import { VAULT, client, createTestNetwork, items, runCleanup, runTfo, startContoso, listVms } from "./helpers";

let t: TwinHandle;
let arm: ReturnType<typeof client>;
beforeEach(async () => {
  t = await startContoso({ speed: 1 });
  arm = client(t);
});
afterEach(async () => t.stop());

const ITEMS = `${VAULT}/replicationProtectedItems`;

test("429 with Retry-After, then normal service once the count is used", async () => {
  await t.admin.addFault({ kind: "429", method: "GET", path: "replicationProtectedItems$", count: 1, retryAfter: 7 });
  const a = await arm("GET", ITEMS);
  expect(a.status).toBe(429);
  expect(a.headers.get("retry-after")).toBe("7");
  expect(a.body.error.code).toBe("TooManyRequests");
  expect((await arm("GET", ITEMS)).status).toBe(200);
});

test("500 and 503 with ARM error bodies; probability 0 never fires", async () => {
  await t.admin.addFault({ kind: "500", path: "replicationProtectedItems$", count: 1 });
  await t.admin.addFault({ kind: "503", path: "replicationProtectedItems$", count: 1 });
  await t.admin.addFault({ kind: "500", path: "replicationRecoveryPlans", probability: 0 });
  expect((await arm("GET", ITEMS)).status).toBe(500);
  const b = await arm("GET", ITEMS);
  expect(b.status).toBe(503);
  expect(b.body.error.code).toBe("ServiceUnavailable");
  expect((await arm("GET", `${VAULT}/replicationRecoveryPlans`)).status).toBe(200);
});

test("reset destroys the connection", async () => {
  await t.admin.addFault({ kind: "reset", path: "replicationProtectedItems$", count: 1 });
  await expect(arm("GET", ITEMS)).rejects.toThrow();
  expect((await arm("GET", ITEMS)).status).toBe(200);
});

test("latency delays the answer (logged) without changing it", async () => {
  await t.admin.addFault({ kind: "latency", path: "replicationProtectedItems$", count: 1, ms: 150 });
  const r = await arm("GET", ITEMS);
  expect(r.status).toBe(200);
  const log = await t.admin.requests();
  const entry = log.find((e) => e.path.endsWith("replicationProtectedItems"));
  expect(entry?.durationMs).toBeGreaterThanOrEqual(150);
});

test("jobFailsAtTask fails the named item's job at the named task and rolls back", async () => {
  await createTestNetwork(arm);
  await t.admin.addFault({ kind: "jobFailsAtTask", item: "APP01", task: "VmTfoBootTestVm" });
  const app = (await items(arm)).APP01;
  const job = await runTfo(t, arm, app.id);
  expect(job.properties.state).toBe("Failed");
  expect(job.properties.tasks.find((x: any) => x.name === "VmTfoBootTestVm").state).toBe("Failed");
  expect(job.properties.errors[0].serviceErrorDetails.code).toBe("TwinInjectedTaskFailure");
  expect((await runTfo(t, arm, app.id)).properties.state).toBe("Succeeded");
});

test("cleanupFailsOnce fails the first cleanup only; the retry removes the test VM", async () => {
  await createTestNetwork(arm);
  await t.admin.addFault({ kind: "cleanupFailsOnce", item: "DC01" });
  const dc = (await items(arm)).DC01;
  await runTfo(t, arm, dc.id);
  const first = await runCleanup(t, arm, dc.id);
  expect(first.properties.state).toBe("Failed");
  expect((await arm("GET", dc.id)).body.properties.allowedOperations).toContain("TestFailoverCleanup");
  expect((await listVms(arm)).map((v) => v.name)).toEqual(["DC01-test"]);
  expect((await runCleanup(t, arm, dc.id)).properties.state).toBe("Succeeded");
  expect(await listVms(arm)).toEqual([]);
});

test("request log: method, path, query, status, virtual and wall time; since and clear", async () => {
  await t.admin.clearRequests();
  await arm("GET", ITEMS);
  await fetch(`${t.url}${ITEMS}?api-version=2026-05-01`);
  const log = await t.admin.requests();
  expect(log.map((e) => [e.method, e.status])).toEqual([
    ["GET", 200],
    ["GET", 401],
  ]);
  expect(log[0].query).toContain("api-version=2026-05-01");
  expect(Date.parse(log[0].virtualTime)).not.toBeNaN();
  expect(Date.parse(log[0].wallTime)).not.toBeNaN();
  expect(await t.admin.requests(log[0].seq)).toHaveLength(1);
  expect(await t.admin.faults()).toEqual([]);
});

test("invalid faults are rejected by the admin API", async () => {
  await expect(t.admin.addFault({ kind: "jobFailsAtTask" })).rejects.toThrow(/needs item and task/);
  await expect(t.admin.addFault({ kind: "418" as never })).rejects.toThrow(/fault kind/);
});
