// Job payloads (asr-api.md §5.4, §6): the NotStarted skeleton, tasks with ASR's sentinel dates,
// group tasks with child tasks for plans, TestFailoverJobDetails, and the operation-status body.
import type { Twin } from "../twin";
import type { Json } from "../store";
import type { JobRecord, StageRecord, TaskRecord, UnitRecord } from "./jobTypes";
import { NOT_SET_TIME, iso, isoSeconds } from "../clock";
import { lookup, sameId } from "../arm/lookup";
import { guidFrom } from "../fixtures/guid";

const STATE_DESCRIPTION: Record<string, string> = {
  NotStarted: "NotStarted",
  InProgress: "InProgress",
  Succeeded: "Completed",
  Failed: "Failed",
  Cancelled: "Cancelled",
  Skipped: "Skipped",
};

function renderTask(t: TaskRecord, prefix = ""): Json {
  return {
    taskId: t.taskId,
    name: t.name,
    startTime: t.startMs !== undefined ? iso(t.startMs) : NOT_SET_TIME,
    endTime: t.endMs !== undefined ? iso(t.endMs) : NOT_SET_TIME,
    allowedActions: [],
    friendlyName: prefix + t.friendlyName,
    state: t.state,
    stateDescription: STATE_DESCRIPTION[t.state],
    taskType: "TaskDetails",
    customDetails: { instanceType: "TaskDetails" },
    // null, not absent, on a VM job's tasks (PowerShell E2A/B2A TestTFO recordings).
    groupTaskCustomDetails: null,
    errors: t.errors,
  };
}

function stageState(s: StageRecord): TaskRecord["state"] {
  if (s.startMs === undefined) return "NotStarted";
  if (s.endMs === undefined) return "InProgress";
  return s.units.some((u) => u.status === "failed") ? "Failed" : "Succeeded";
}

function renderStage(twin: Twin, s: StageRecord): Json {
  const st = stageState(s);
  const friendly = (u: UnitRecord) => `${twin.get(u.itemId)?.properties?.friendlyName ?? ""}: `;
  return {
    taskId: s.name,
    name: s.name,
    startTime: s.startMs !== undefined ? iso(s.startMs) : NOT_SET_TIME,
    endTime: s.endMs !== undefined ? iso(s.endMs) : NOT_SET_TIME,
    allowedActions: [],
    friendlyName: s.friendlyName,
    state: st,
    stateDescription: STATE_DESCRIPTION[st],
    taskType: "GroupTaskDetails",
    customDetails: { instanceType: "TaskDetails" },
    groupTaskCustomDetails: {
      instanceType: "RecoveryPlanGroupTaskDetails",
      name: s.friendlyName,
      groupId: s.groupId ?? s.name,
      rpGroupType: s.groupType ?? "Failover",
      childTasks: s.units.flatMap((u) => u.tasks.map((t) => renderTask(t, friendly(u)))),
    },
    errors: s.units.flatMap((u) => u.tasks.flatMap((t) => t.errors)),
  };
}

export function renderJob(twin: Twin, job: JobRecord): Json {
  const base = { id: job.id, name: job.name, type: "Microsoft.RecoveryServices/vaults/replicationJobs", location: null };
  if (job.state === "NotStarted") {
    // The first GET right after the 202, exactly as recorded (PowerShell B2A TestTFO, cleanup job
    // f21f8bf1…): no scenario, no tasks, allowedActions [], targetInstanceType already set, no startTime.
    return {
      ...base,
      properties: {
        activityId: job.activityId,
        scenarioName: null,
        friendlyName: null,
        state: "NotStarted",
        stateDescription: "NotStarted",
        tasks: [],
        errors: [],
        allowedActions: [],
        targetObjectId: null,
        targetObjectName: null,
        targetInstanceType: job.targetKind === "item" ? "ProtectionEntity" : "RecoveryPlan",
        customDetails: { instanceType: "AsrJobDetails", affectedObjectDetails: {} },
      },
    };
  }
  const tasks =
    job.targetKind === "plan"
      ? job.stages.map((s) => renderStage(twin, s))
      : job.stages.flatMap((s) => s.units.flatMap((u) => u.tasks.map((t) => renderTask(t))));
  const props: Json = {
    activityId: job.activityId,
    scenarioName: job.scenario,
    friendlyName: job.friendlyName,
    state: job.state,
    stateDescription: STATE_DESCRIPTION[job.state],
    tasks,
    errors: job.errors,
    startTime: iso(job.startMs),
    allowedActions: job.state === "InProgress" ? ["Cancel"] : [],
    targetObjectId: job.targetObjectId,
    targetObjectName: job.targetObjectName,
    targetInstanceType: job.targetKind === "item" ? "ProtectionEntity" : "RecoveryPlan",
    customDetails: customDetails(twin, job),
  };
  if (job.endMs !== undefined && job.state !== "InProgress") props.endTime = isoSeconds(job.endMs);
  return { ...base, properties: props };
}

/**
 * affectedObjectDetails as recorded (camelCase keys; PowerShell E2A TestTFO for VMM, B2A TestTFO for a
 * Hyper-V site): the item's VM, its cloud (VMM: the bare cloud GUID; site: cloud_<site GUID>) and fabric.
 */
function affectedObjects(twin: Twin, job: JobRecord): Record<string, string> {
  const target = twin.get(job.targetId);
  const item = job.targetKind === "item" ? target : undefined;
  const container = item ? twin.get(item.id.split("/replicationProtectedItems/")[0]) : undefined;
  const fabric = container ? twin.get(container.id.split("/replicationProtectionContainers/")[0]) : undefined;
  const site = fabric?.properties?.customDetails?.instanceType === "HyperVSite";
  const recoveryContainer = item?.properties?.recoveryContainerId ? twin.get(item.properties.recoveryContainerId) : undefined;
  const out: Record<string, string> = {};
  if (item) {
    out.primaryVmId = item.name;
    out.primaryVmName = item.properties.friendlyName ?? item.name;
    out.recoveryVmId = "";
    out.recoveryVmName = item.properties.providerSpecificDetails?.recoveryAzureVmName ?? item.properties.friendlyName ?? "";
    out.protectionProfileId = guidFrom(item.properties.policyId ?? "");
    out.primaryCloudId = container?.name ?? "";
    out.primaryCloudName = container?.properties?.friendlyName ?? "";
    out.recoveryCloudId = recoveryContainer?.name ?? "";
    out.recoveryCloudName = "Microsoft Azure";
    out.primaryVmmId = fabric?.properties?.internalIdentifier ?? "";
    out.primaryVmmName = fabric?.properties?.friendlyName ?? "";
    out.recoveryVmmId = guidFrom(`${twin.state.settings.cloudName ?? ""}-azure-vmm`);
    out.recoveryVmmName = "Microsoft Azure";
    out.primaryFabricProviderId = site ? "HyperVSite" : "VMM";
    out.recoveryFabricProviderId = "Azure";
  }
  return out;
}

function customDetails(twin: Twin, job: JobRecord): Json {
  const affected = affectedObjects(twin, job);
  if (job.scenario === "UpdateVmProperties") return { instanceType: "AsrJobDetails", affectedObjectDetails: affected };
  const network = job.networkId ? lookup(twin, job.networkId) : undefined;
  const units = job.stages[0]?.units ?? [];
  const done = job.endMs !== undefined && job.state !== "InProgress";
  // Empty while the job starts (PowerShell E2A TestTFO: [] at InProgress), filled per item once its test
  // VM exists (B2A TestTFO final body); the cleanup job's stays empty (B2A TestTFO, cleanup f21f8bf1…).
  const listed = job.scenario === "TestFailover" ? units.filter((u) => u.testVmName || (done && u.status === "succeeded")) : [];
  return {
    instanceType: "TestFailoverJobDetails",
    testFailoverStatus: job.scenario === "TestFailover" ? "Active" : null,
    comments: job.scenario === "TestFailoverCleanup" ? (job.comments ?? "") : null,
    networkName: network?.name ?? null,
    networkFriendlyName: network?.name ?? null,
    networkType: job.scenario === "TestFailover" ? (job.networkType ?? "VmNetworkAsInput") : null,
    protectedItemDetails: listed.map((u) => {
      const item = twin.get(u.itemId);
      const vmName = u.testVmName ?? (item ? `${item.properties.providerSpecificDetails.recoveryAzureVmName}-test` : null);
      // The point the job used (recorded at the POST), else the latest: R3 saw recoveryPointTime
      // about 4 s before the job started when no recoveryPointId was sent.
      const chosen = item ? job.recoveryPoints?.[item.id.toLowerCase()] : undefined;
      const t = chosen?.timeMs ?? job.startMs - 4000;
      const pointId = chosen?.id ?? (item ? latestPointId(item.id, job) : null);
      return {
        name: item?.name ?? null,
        friendlyName: item?.properties?.friendlyName ?? null,
        testVmName: vmName,
        testVmFriendlyName: vmName,
        networkConnectionStatus: u.status === "succeeded" ? "Connected" : null,
        networkFriendlyName: network?.name ?? null,
        subnet: u.subnet ?? null,
        // The recording shows the point's name (a bare GUID), not its ARM id.
        recoveryPointId: pointId ? (pointId.split("/").pop() ?? pointId) : null,
        recoveryPointTime: iso(t),
      };
    }),
    affectedObjectDetails: affected,
  };
}

/** Id of the "latest" point a job without a chosen point used (stable per job). */
export function latestPointId(itemId: string, job: JobRecord): string {
  return `${itemId}/recoveryPoints/${guidFrom(`${itemId.toLowerCase()}/latest/${job.name}`)}`;
}

/** Body of GET {VAULT}/replicationOperationStatus/{opId} (exact shape seen, asr-api.md §3.2). */
export function renderOperationStatus(job: JobRecord): Json {
  const done = job.endMs !== undefined && job.state !== "InProgress";
  const status = !done ? "InProgress" : job.state;
  const e = job.errors[0]?.serviceErrorDetails;
  return {
    error: status === "Failed" ? { code: e?.code ?? "JobFailed", message: e?.message ?? "The job failed." } : null,
    id: null,
    name: job.name,
    properties: null,
    status,
    startTime: iso(job.createdMs),
    endTime: done ? isoSeconds(job.endMs as number) : null,
    percentComplete: null,
  };
}

export { sameId };
