// Persisted shape of an ASR job. A job is a list of stages run in order; each stage holds units
// (one per protected item) that run in parallel; a unit is a sequence of tasks whose effects
// (create the test VM, boot it, delete it…) apply when the task completes on virtual time.
import type { Json } from "../json";

export interface TaskRecord {
  taskId: string;
  name: string;
  friendlyName: string;
  state: "NotStarted" | "InProgress" | "Succeeded" | "Failed" | "Skipped";
  startMs?: number;
  endMs?: number;
  errors: Json[];
}

export interface UnitRecord {
  itemId: string;
  tasks: TaskRecord[];
  index: number;
  dueMs?: number;
  status: "waiting" | "running" | "succeeded" | "failed";
  endMs?: number;
  /** Resources this unit created (rolled back when it fails). */
  created: string[];
  testVmName?: string;
  subnet?: string;
}

export interface StageRecord {
  name: string;
  friendlyName: string;
  groupType?: "Shutdown" | "Failover" | "Boot";
  groupId?: string;
  units: UnitRecord[];
  startMs?: number;
  endMs?: number;
}

export type Scenario = "TestFailover" | "TestFailoverCleanup" | "UpdateVmProperties";

export interface JobRecord {
  name: string;
  id: string;
  vaultId: string;
  scenario: Scenario;
  friendlyName: string;
  targetKind: "item" | "plan";
  /** ARM id of the protected item or recovery plan. */
  targetId: string;
  targetObjectId: string;
  targetObjectName: string;
  createdMs: number;
  startMs: number;
  endMs?: number;
  state: "NotStarted" | "InProgress" | "Succeeded" | "Failed" | "Cancelled";
  stages: StageRecord[];
  errors: Json[];
  activityId: string;
  networkId?: string;
  networkType?: string;
  comments?: string;
  /** TestFailover: the recovery point each item fails over to (lower-case item id → point); absent = latest. */
  recoveryPoints?: Record<string, { id: string; timeMs: number }>;
  /** UpdateVmProperties: the PATCH body to apply. */
  patch?: Json;
}
