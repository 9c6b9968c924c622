// Runs ASR jobs on virtual time: stages in order, units of a stage in parallel, tasks of a unit
// in sequence. Task effects live in testFailover.ts; this file only keeps time and state.
import type { Twin } from "../twin";
import type { JobRecord, StageRecord, TaskRecord, UnitRecord } from "./jobTypes";
import { TaskFailure, onJobFinished, rollbackUnit, runTaskEffect } from "./testFailover";
import { randomUUID } from "node:crypto";

/** Virtual seconds per task, from real recordings (asr-api.md §7). */
export const TASK_SECONDS: Record<string, number> = {
  VmTfoPrerequisitesCheck: 0.5,
  VmTfoInitiateFailover: 33,
  VmTfoPrepareTestVm: 37,
  VmTfoBootTestVm: 0.2,
  VmTfoCleanupPreflightsCheck: 0.2,
  VmTfoEndFailover: 0.2,
  VmTfoDeleteTestVm: 76,
  UpdateVmPropertiesTask: 10,
};

export const TASK_INFO: Record<string, [taskId: string, friendlyName: string]> = {
  VmTfoPrerequisitesCheck: ["TestFailoverPreflightChecksTask", "Prerequisites check for test failover"],
  VmTfoInitiateFailover: ["BeginTestFailoverTask", "Starting test failover"],
  VmTfoPrepareTestVm: ["PrepareTestProtectedEntitiesTask", "Creating test virtual machine"],
  VmTfoBootTestVm: ["BootTestProtectedEntitiesTask", "Start the virtual machine"],
  VmTfoCleanupPreflightsCheck: ["TestFailoverCleanupPreflightChecksTask", "Prerequisites check for test failover cleanup"],
  VmTfoEndFailover: ["EndTestFailoverTask", "Ending test failover"],
  VmTfoDeleteTestVm: ["CleanupTestProtectedEntitiesTask", "Clean up the test virtual machine"],
  UpdateVmPropertiesTask: ["UpdateVmPropertiesTask", "Update the virtual machine properties"],
};

export const TFO_TASKS = ["VmTfoPrerequisitesCheck", "VmTfoInitiateFailover", "VmTfoPrepareTestVm", "VmTfoBootTestVm"];
export const CLEANUP_TASKS = ["VmTfoCleanupPreflightsCheck", "VmTfoEndFailover", "VmTfoDeleteTestVm"];

export function newUnit(itemId: string, taskNames: string[], planChild = false): UnitRecord {
  return {
    itemId,
    index: 0,
    status: "waiting",
    created: [],
    tasks: taskNames.map((name) => ({
      taskId: planChild ? randomUUID() : TASK_INFO[name][0],
      name,
      friendlyName: TASK_INFO[name][1],
      state: "NotStarted",
      errors: [],
    })),
  };
}

export function newStage(
  name: string,
  friendlyName: string,
  units: UnitRecord[],
  groupType?: StageRecord["groupType"],
  groupId?: string,
): StageRecord {
  return { name, friendlyName, units, groupType, groupId };
}

const terminal = (j: JobRecord) => j.state === "Succeeded" || j.state === "Failed" || j.state === "Cancelled";

export function advanceJobs(twin: Twin, now: number): boolean {
  let changed = false;
  for (const job of Object.values(twin.state.jobs)) {
    if (terminal(job)) continue;
    if (job.state === "NotStarted") {
      if (now < job.startMs) continue;
      job.state = "InProgress";
      changed = true;
    }
    if (advanceJob(twin, job, now)) changed = true;
  }
  return changed;
}

function advanceJob(twin: Twin, job: JobRecord, now: number): boolean {
  let changed = false;
  let prevEnd = job.startMs;
  for (const stage of job.stages) {
    if (stage.endMs !== undefined) {
      prevEnd = stage.endMs;
      continue;
    }
    if (stage.startMs === undefined) {
      stage.startMs = prevEnd;
      changed = true;
    }
    for (const unit of stage.units) if (advanceUnit(twin, job, unit, stage.startMs, now)) changed = true;
    if (!stage.units.every((u) => u.status === "succeeded" || u.status === "failed")) return changed;
    stage.endMs = Math.max(stage.startMs, ...stage.units.map((u) => u.endMs ?? stage.startMs!));
    prevEnd = stage.endMs;
    changed = true;
    const failed = stage.units.filter((u) => u.status === "failed");
    if (failed.length > 0) {
      finish(twin, job, "Failed", stage.endMs);
      return true;
    }
  }
  finish(twin, job, "Succeeded", prevEnd);
  return true;
}

function advanceUnit(twin: Twin, job: JobRecord, unit: UnitRecord, stageStart: number, now: number): boolean {
  let changed = false;
  if (unit.status === "waiting") {
    unit.status = "running";
    startTask(unit, 0, stageStart);
    changed = true;
  }
  while (unit.status === "running" && unit.dueMs !== undefined && unit.dueMs <= now) {
    const task = unit.tasks[unit.index];
    const at = unit.dueMs;
    changed = true;
    try {
      runTaskEffect(twin, job, unit, task.name);
      task.state = "Succeeded";
      task.endMs = at;
      if (unit.index + 1 < unit.tasks.length) startTask(unit, unit.index + 1, at);
      else {
        unit.status = "succeeded";
        unit.endMs = at;
        unit.dueMs = undefined;
      }
    } catch (e) {
      const f = e instanceof TaskFailure ? e : new TaskFailure("InternalError", String(e));
      task.state = "Failed";
      task.endMs = at;
      const err = jobError(f, at, task.taskId, job.activityId);
      task.errors.push(err);
      job.errors.push(err);
      unit.status = "failed";
      unit.endMs = at;
      unit.dueMs = undefined;
      rollbackUnit(twin, job, unit);
    }
  }
  return changed;
}

function startTask(unit: UnitRecord, index: number, at: number): void {
  unit.index = index;
  const t: TaskRecord = unit.tasks[index];
  t.state = "InProgress";
  t.startMs = at;
  unit.dueMs = at + (TASK_SECONDS[t.name] ?? 1) * 1000;
}

function finish(twin: Twin, job: JobRecord, state: "Succeeded" | "Failed", at: number): void {
  job.state = state;
  job.endMs = at;
  onJobFinished(twin, job);
}

export function jobError(f: TaskFailure, at: number, taskId: string, activityId: string) {
  return {
    serviceErrorDetails: {
      code: f.code,
      message: f.message,
      possibleCauses: f.possibleCauses,
      recommendedAction: f.recommendedAction,
      activityId,
    },
    providerErrorDetails: null,
    errorLevel: "Error",
    creationTime: new Date(at).toISOString(),
    taskId,
  };
}

export function nextJobDue(twin: Twin): number | undefined {
  let min: number | undefined;
  const consider = (t: number | undefined) => {
    if (t !== undefined && (min === undefined || t < min)) min = t;
  };
  for (const job of Object.values(twin.state.jobs)) {
    if (terminal(job)) continue;
    if (job.state === "NotStarted") consider(job.startMs);
    for (const s of job.stages) {
      if (s.endMs !== undefined) continue;
      for (const u of s.units) consider(u.status === "waiting" ? (s.startMs ?? job.startMs) : u.dueMs);
      if (s.startMs === undefined) consider(job.startMs);
      break;
    }
  }
  return min;
}
