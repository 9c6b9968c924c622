// Every twin ASR response the drill reads goes through the official SDK's models
// (@azure/arm-recoveryservices-siterecovery 5.1.0 Mappers, @azure/core-client serializer): deserialized
// as the SDK would, then serialized back with the same mapper — which checks each field's type (string,
// number, boolean, date-time, array, discriminated subtype), required fields included. A twin field of
// the wrong type (a number where the spec says string, a malformed date, an object where it wants an
// array) fails here even if our loose client would swallow it.
import * as fs from "node:fs";
import * as ts from "typescript";
import { createSerializer, type CompositeMapper, type Mapper } from "@azure/core-client";
import type { TwinHandle } from "../../twin/index";
import {
  TEST_VNET,
  VAULT,
  client,
  createTestNetwork,
  firstOf,
  items,
  post,
  runCleanup,
  runTfo,
  startContoso,
  tfoBody,
  waitJob,
} from "./helpers";

/** The SDK's generated Mappers (its CommonJS bundle does not export them; its ESM build does). */
function sdkMappers(): Record<string, unknown> {
  const file = require.resolve("@azure/arm-recoveryservices-siterecovery/dist-esm/src/models/mappers.js");
  const js = ts.transpileModule(fs.readFileSync(file, "utf8"), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020 },
  }).outputText;
  const mod = { exports: {} as Record<string, unknown> };
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- evaluates the SDK's own mappers module, transpiled above, as CommonJS
  new Function("exports", "module", js)(mod.exports, mod);
  return mod.exports;
}

/** Response models are mostly readOnly, and serialize() skips readOnly fields: check them all. */
function withoutReadOnly<T>(v: T, seen = new Map<unknown, unknown>()): T {
  if (!v || typeof v !== "object") return v;
  if (seen.has(v)) return seen.get(v) as T;
  const out: Record<string, unknown> = Array.isArray(v) ? ([] as unknown as Record<string, unknown>) : {};
  seen.set(v, out);
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) if (k !== "readOnly") out[k] = withoutReadOnly(x, seen);
  return out as T;
}

const mappers = withoutReadOnly(sdkMappers());
const serializer = createSerializer(mappers as Record<string, Mapper>, false);

function roundTrip(mapperName: string, body: unknown): void {
  const mapper = mappers[mapperName] as CompositeMapper;
  if (!mapper) throw new Error(`no SDK mapper ${mapperName}`);
  const model = serializer.deserialize(mapper, body, "body");
  serializer.serialize(mapper, model, "body");
}

let t: TwinHandle;
let arm: ReturnType<typeof client>;
beforeAll(async () => {
  t = await startContoso({ speed: 1 });
  arm = client(t);
  await createTestNetwork(arm);
});
afterAll(async () => t.stop());

test("the check fails on a field of the wrong type (guards against a check that cannot fail)", () => {
  expect(() => roundTrip("Job", { id: "j", name: "j", properties: { state: 5 } })).toThrow(/must be of type string/);
  expect(() => roundTrip("ReplicationProtectedItem", { properties: { lastSuccessfulTestFailoverTime: "not a date" } })).toThrow(
    /Invalid time value|Date/,
  );
  expect(() =>
    roundTrip("JobCollection", {
      value: [
        {
          properties: {
            tasks: [{ groupTaskCustomDetails: { instanceType: "RecoveryPlanGroupTaskDetails", childTasks: [{ state: true }] } }],
          },
        },
      ],
    }),
  ).toThrow(/must be of type string/);
});

test("vault reads: fabrics, containers, protected items, recovery plans", async () => {
  const fabrics = (await arm("GET", `${VAULT}/replicationFabrics`)).body;
  roundTrip("FabricCollection", fabrics);
  for (const f of fabrics.value)
    roundTrip("ProtectionContainerCollection", (await arm("GET", `${f.id}/replicationProtectionContainers`)).body);
  roundTrip("ReplicationProtectedItemCollection", (await arm("GET", `${VAULT}/replicationProtectedItems`)).body);
  const dc = (await items(arm)).DC01;
  roundTrip("ReplicationProtectedItem", (await arm("GET", dc.id)).body);
  roundTrip("RecoveryPointCollection", (await arm("GET", `${dc.id}/recoveryPoints`)).body);
  roundTrip("TargetComputeSizeCollection", (await arm("GET", `${dc.id}/targetComputeSizes`)).body);
  roundTrip("RecoveryPlan", (await arm("GET", `${VAULT}/replicationRecoveryPlans/rp-contoso-tier1`)).body);
});

test("an item's test failover and cleanup: item and job bodies at every step, skeleton included", async () => {
  const dc = (await items(arm)).DC01;
  const r = await post(arm, `${dc.id}/testFailover`, tfoBody());
  const jobId = firstOf(r.headers.get("x-ms-request-id") as string);
  roundTrip("Job", (await arm("GET", jobId)).body); // the NotStarted skeleton
  await t.admin.advanceClock(2);
  roundTrip("Job", (await arm("GET", jobId)).body);
  roundTrip("ReplicationProtectedItem", (await arm("GET", dc.id)).body);
  await waitJob(t, arm, jobId);
  roundTrip("Job", (await arm("GET", jobId)).body);
  roundTrip("ReplicationProtectedItem", (await arm("GET", r.headers.get("location") as string)).body); // operationresults 200
  roundTrip("ReplicationProtectedItem", (await arm("GET", dc.id)).body); // WaitingForCompletion
  await runCleanup(t, arm, dc.id);
  roundTrip("ReplicationProtectedItem", (await arm("GET", dc.id)).body); // MarkedForDeletion
  roundTrip("JobCollection", (await arm("GET", `${VAULT}/replicationJobs`)).body);
});

test("a recovery plan's test failover (group tasks with child tasks), a failed job, a Hyper-V site item", async () => {
  const rp = `${VAULT}/replicationRecoveryPlans/rp-contoso-tier1`;
  const r = await post(arm, `${rp}/testFailover`, {
    properties: {
      failoverDirection: "PrimaryToRecovery",
      networkType: "VmNetworkAsInput",
      networkId: TEST_VNET,
      providerSpecificDetails: [{ instanceType: "HyperVReplicaAzure" }],
    },
  });
  const planJob = await waitJob(t, arm, r.headers.get("x-ms-request-id") as string);
  expect(planJob.properties.tasks[0].groupTaskCustomDetails.childTasks.length).toBeGreaterThan(0);
  roundTrip("Job", planJob);
  roundTrip("RecoveryPlan", (await arm("GET", rp)).body);
  const all = await items(arm);
  const failed = await runTfo(t, arm, all.FILE01.id); // managed disks + SSE replication storage: the seed's failure
  expect(failed.properties.state).toBe("Failed");
  roundTrip("Job", failed);
  const branch = await runTfo(t, arm, all.BRANCH01.id);
  roundTrip("Job", branch);
  roundTrip("ReplicationProtectedItem", (await arm("GET", all.BRANCH01.id)).body);
});
