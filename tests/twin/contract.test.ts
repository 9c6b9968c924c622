// Contract: twin ASR payloads carry the keys, JSON types and discriminators of the reference
// examples; the official JS SDK and plain HTTP both complete a test failover and its cleanup.
import * as fs from "node:fs";
import * as path from "node:path";
import { SiteRecoveryManagementClient } from "@azure/arm-recoveryservices-siterecovery";
import type { TokenCredential } from "@azure/core-auth";
import type { TwinHandle } from "../../twin/index";
import {
  TEST_VNET,
  VAULT,
  client,
  createTestNetwork,
  items,
  onTwin,
  post,
  runCleanup,
  runTfo,
  startContoso,
  tfoBody,
  waitJob,
} from "./helpers";

/** Keys the examples carry only because that vault had done a planned/unplanned failover; the drill never does one. */
const ONLY_AFTER_REAL_FAILOVER = new Set(["lastPlannedFailoverTime", "lastUnplannedFailoverTime", "lastSuccessfulFailoverTime"]);

const example = (name: string) => JSON.parse(fs.readFileSync(path.join(__dirname, "examples", name), "utf8"));

/** Every key of `expected` exists in `actual` with the same JSON type; instanceType values must match when `discriminators`. */
function shapeProblems(expected: unknown, actual: unknown, at = "$", discriminators = true): string[] {
  if (expected === null) return [];
  const kind = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v);
  if (kind(actual) !== kind(expected)) return [`${at}: expected ${kind(expected)}, got ${kind(actual)}`];
  if (Array.isArray(expected)) {
    const a = actual as unknown[];
    if (expected.length === 0 || a.length === 0) return [];
    return shapeProblems(expected[0], a[0], `${at}[0]`, discriminators);
  }
  if (typeof expected === "object") {
    const out: string[] = [];
    for (const [k, v] of Object.entries(expected as Record<string, unknown>)) {
      const av = (actual as Record<string, unknown>)[k];
      if (ONLY_AFTER_REAL_FAILOVER.has(k)) continue;
      if (!(k in (actual as object))) out.push(`${at}.${k}: missing`);
      else if (k === "instanceType" && discriminators && av !== v) out.push(`${at}.instanceType: expected ${String(v)}, got ${String(av)}`);
      else out.push(...shapeProblems(v, av, `${at}.${k}`, discriminators));
    }
    return out;
  }
  return [];
}

let t: TwinHandle;
let arm: ReturnType<typeof client>;
beforeEach(async () => {
  t = await startContoso({ speed: 1 });
  arm = client(t);
  await createTestNetwork(arm);
});
afterEach(async () => t.stop());

test("the shape check can fail (guards against a tautological contract)", () => {
  expect(shapeProblems({ a: { b: 1, instanceType: "X" } }, { a: { b: "1", instanceType: "Y" } })).toHaveLength(2);
});

test("protected item GET, idle and after a test failover, matches the examples", async () => {
  const dc = (await items(arm)).DC01;
  expect(shapeProblems(example("ReplicationProtectedItems_Get.json").responses["200"].body, dc)).toEqual([]);
  expect(shapeProblems(example("2025-08-01_ReplicationProtectedItems_Update.json").responses["200"].body, dc)).toEqual([]);
  await runTfo(t, arm, dc.id);
  const after = (await arm("GET", dc.id)).body;
  expect(shapeProblems(example("2026-01-01_ReplicationProtectedItems_TestFailover.json").responses["200"].body, after)).toEqual([]);
  await runCleanup(t, arm, dc.id);
  const cleaned = (await arm("GET", dc.id)).body;
  expect(shapeProblems(example("ReplicationProtectedItems_TestFailoverCleanup.json").responses["200"].body, cleaned)).toEqual([]);
  expect(cleaned.properties.testFailoverState).toBe("MarkedForDeletion");
});

test("recovery plan GET / after test failover / after cleanup match the examples", async () => {
  const rp = `${VAULT}/replicationRecoveryPlans/rp-contoso-tier1`;
  expect(shapeProblems(example("2026-02-01_ReplicationRecoveryPlans_Get.json").responses["200"].body, (await arm("GET", rp)).body)).toEqual(
    [],
  );
  const r = await post(arm, `${rp}/testFailover`, {
    properties: {
      failoverDirection: "PrimaryToRecovery",
      networkType: "VmNetworkAsInput",
      networkId: TEST_VNET,
      providerSpecificDetails: [{ instanceType: "HyperVReplicaAzure" }],
    },
  });
  await waitJob(t, arm, r.headers.get("x-ms-request-id") as string);
  expect(shapeProblems(example("ReplicationRecoveryPlans_TestFailover.json").responses["200"].body, (await arm("GET", rp)).body)).toEqual(
    [],
  );
  const c = await post(arm, `${rp}/testFailoverCleanup`, { properties: { comments: "x" } });
  await waitJob(t, arm, c.headers.get("x-ms-request-id") as string);
  expect(
    shapeProblems(example("ReplicationRecoveryPlans_TestFailoverCleanup.json").responses["200"].body, (await arm("GET", rp)).body),
  ).toEqual([]);
});

test("job GET has the example's keys and types; POST answers 202 with the polling headers of real traffic", async () => {
  const dc = (await items(arm)).DC01;
  const r = await post(arm, `${dc.id}/testFailover`, tfoBody());
  expect(r.status).toBe(202);
  expect(r.body).toBeUndefined();
  expect(r.headers.get("content-length")).toBe("0");
  // The job's ARM id, listed twice (.NET ASRTests/TestFailover.json).
  const [jobId, again] = (r.headers.get("x-ms-request-id") as string).split(",").map((v) => v.trim());
  expect(jobId).toMatch(/^\/Subscriptions\/.+\/replicationJobs\/[0-9a-f-]{36}$/);
  expect(again).toBe(jobId);
  const opId = jobId.split("/").pop() as string;
  expect(r.headers.get("location")).toContain(
    `${dc.id.replace("/subscriptions/", "/Subscriptions/")}/operationresults/${opId}`.replace(/^.*\/Subscriptions/, "/Subscriptions"),
  );
  expect(r.headers.get("azure-asyncoperation")).toContain(`/replicationOperationStatus/${opId}`);
  expect(r.headers.get("retry-after")).toBe("30");
  const aao = await arm("GET", r.headers.get("azure-asyncoperation") as string);
  expect(Object.keys(aao.body).sort()).toEqual(["endTime", "error", "id", "name", "percentComplete", "properties", "startTime", "status"]);
  expect(aao.body.status).toBe("InProgress");
  const job = await waitJob(t, arm, jobId);
  // Job example is a DeleteRecoveryPlan job: compare keys/types, not discriminator values.
  // affectedObjectDetails is a string map: the example's PascalCase keys ("PrimaryVmmName") differ from
  // every recorded job, which uses camelCase ("primaryVmmName"); the recording wins (realWire.test.ts).
  const jobExample = example("2026-02-01_ReplicationJobs_Get.json").responses["200"].body;
  jobExample.properties.customDetails.affectedObjectDetails = {};
  expect(shapeProblems(jobExample, job, "$", false)).toEqual([]);
  expect(job.properties.customDetails.instanceType).toBe("TestFailoverJobDetails");
  expect(job.properties.endTime).toMatch(/:\d\dZ$/);
  const done = await arm("GET", r.headers.get("azure-asyncoperation") as string);
  expect(done.body.status).toBe("Succeeded");
  const loc = await arm("GET", r.headers.get("location") as string);
  expect(loc.status).toBe(200);
  expect(loc.body.properties.testFailoverState).toBe("WaitingForCompletion");
});

test("the official SDK (api 2023-06-01) completes beginTestFailoverAndWait and beginTestFailoverCleanupAndWait", async () => {
  await t.stop();
  t = await startContoso({ speed: 3000 }); // Retry-After becomes 1 wall second
  arm = client(t);
  await createTestNetwork(arm);
  const credential: TokenCredential = { getToken: async () => ({ token: t.token, expiresOnTimestamp: Date.now() + 3_600_000 }) };
  const sdk = new SiteRecoveryManagementClient(credential, "11111111-1111-1111-1111-111111111111", {
    endpoint: t.url,
    allowInsecureConnection: true,
  });
  // core-rest-pipeline refuses bearer tokens over http; the twin is loopback http, so set the header directly.
  sdk.pipeline.removePolicy({ name: "bearerTokenAuthenticationPolicy" });
  sdk.pipeline.addPolicy({
    name: "twinBearer",
    sendRequest: (req, next) => (req.headers.set("authorization", `Bearer ${t.token}`), next(req)),
  });
  // The SDK's poller follows Location / Azure-AsyncOperation, which name a regional host as the real
  // service does; resolve it to the twin, as DNS resolves westeurope.management.azure.com to ARM.
  sdk.pipeline.addPolicy({ name: "regionalHostToTwin", sendRequest: (req, next) => ((req.url = onTwin(t, req.url)), next(req)) });
  const [fabric] = await collect(sdk.replicationFabrics.list("contoso-asr-vault", "contoso-dr"));
  const vmm = (await collect(sdk.replicationFabrics.list("contoso-asr-vault", "contoso-dr"))).find(
    (f) => f.properties?.customDetails?.instanceType === "VMM",
  );
  expect(fabric).toBeDefined();
  const [container] = await collect(
    sdk.replicationProtectionContainers.listByReplicationFabrics("contoso-asr-vault", "contoso-dr", vmm!.name!),
  );
  const rpis = await collect(
    sdk.replicationProtectedItems.listByReplicationProtectionContainers("contoso-asr-vault", "contoso-dr", vmm!.name!, container.name!),
  );
  const dc = rpis.find((i) => i.properties?.friendlyName === "DC01")!;
  const after = await sdk.replicationProtectedItems.beginTestFailoverAndWait(
    "contoso-asr-vault",
    "contoso-dr",
    vmm!.name!,
    container.name!,
    dc.name!,
    {
      properties: {
        failoverDirection: "PrimaryToRecovery",
        networkType: "VmNetworkAsInput",
        networkId: TEST_VNET,
        providerSpecificDetails: { instanceType: "HyperVReplicaAzure" },
      },
    },
  );
  expect(after.properties?.testFailoverState).toBe("WaitingForCompletion");
  const cleaned = await sdk.replicationProtectedItems.beginTestFailoverCleanupAndWait(
    "contoso-asr-vault",
    "contoso-dr",
    vmm!.name!,
    container.name!,
    dc.name!,
    { properties: { comments: "sdk drill" } },
  );
  expect(cleaned.properties?.testFailoverState).toBe("MarkedForDeletion");
  expect(cleaned.properties?.allowedOperations).toContain("TestFailover");
  const jobs = await collect(sdk.replicationJobs.list("contoso-asr-vault", "contoso-dr"));
  expect(jobs.map((j) => j.properties?.scenarioName)).toEqual(["TestFailoverCleanup", "TestFailover"]);
  const job = await sdk.replicationJobs.get("contoso-asr-vault", "contoso-dr", jobs[1].name!);
  expect(job.properties?.tasks?.map((x) => x.name)).toContain("VmTfoBootTestVm");
  const sizes = await collect(
    sdk.targetComputeSizes.listByReplicationProtectedItems("contoso-asr-vault", "contoso-dr", vmm!.name!, container.name!, dc.name!),
  );
  expect(sizes.find((s) => s.name === "Standard_D4s_v3")?.properties?.maxNicsCount).toBe(2);
}, 60_000);

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
