// One definition of where a protected item stands in its test-failover life, shared by the provider
// (create's preflight, read, delete), the janitor, the policy gate and the cleanup confirmation.
//
// Real semantics (public SDK session records, reference/asr-api.md §6): after a finished cleanup the item
// may stay `testFailoverState: "MarkedForDeletion"` indefinitely while `allowedOperations` already holds
// `TestFailover` again, and `currentScenario` reads `None` even while `WaitingForCompletion`. So the
// phase is decided from `allowedOperations` and the vault's jobs, never by waiting for `None`.
// No top-level side effects: scripts import this module directly.
import type { Job, ProtectedItem } from "./types";

export type ItemPhase =
  /** Free for a new test failover: `TestFailover` allowed and no test-failover or cleanup job of it running. */
  | "idle"
  /** A test-failover job of the item is running. */
  | "testFailoverRunning"
  /** A test failover finished and waits for its cleanup (`TestFailoverCleanup` allowed). */
  | "waitingForCleanup"
  /** A test-failover cleanup job of the item is running. */
  | "cleanupRunning"
  /** Neither a test failover nor a cleanup may start (another operation, failed-over, not protected). */
  | "blocked";

export const TEST_FAILOVER = "TestFailover";
export const TEST_FAILOVER_CLEANUP = "TestFailoverCleanup";

const FINISHED_JOB_STATES = new Set(["succeeded", "failed", "cancelled", "completedwithinformation", "skipped"]);

export function isJobRunning(job: Job): boolean {
  return !FINISHED_JOB_STATES.has((job.properties.state ?? "").toLowerCase());
}

function allows(item: ProtectedItem, operation: string): boolean {
  return (item.properties.allowedOperations ?? []).some((o) => o.toLowerCase() === operation.toLowerCase());
}

function lower(s: string | null | undefined): string {
  return (s ?? "").toLowerCase();
}

/**
 * Whether a job concerns the item: its target is the item (by ARM id or name), or it lists the item among
 * its protected items (a recovery-plan job), by name or ARM id.
 */
export function jobConcernsItem(job: Job, item: Pick<ProtectedItem, "id" | "name">): boolean {
  const id = lower(item.id);
  const name = lower(item.name);
  const p = job.properties;
  const candidates = [p.targetObjectId, p.targetObjectName, ...(p.customDetails?.protectedItemDetails ?? []).map((d) => d.name)].map(lower);
  return candidates.some((c) => c !== "" && (c === id || c === name || c.endsWith(`/${name}`)));
}

function isScenario(job: Job, scenario: string): boolean {
  return lower(job.properties.scenarioName) === scenario.toLowerCase();
}

/** The running test-failover or cleanup jobs of the item among `jobs` (the vault's job list). */
export function runningJobsOf(item: Pick<ProtectedItem, "id" | "name">, jobs: Job[]): Job[] {
  return jobs.filter(
    (j) => isJobRunning(j) && (isScenario(j, TEST_FAILOVER) || isScenario(j, TEST_FAILOVER_CLEANUP)) && jobConcernsItem(j, item),
  );
}

/** The item's phase from its `allowedOperations` and the vault's jobs. */
export function itemPhase(item: ProtectedItem, jobs: Job[]): ItemPhase {
  const running = runningJobsOf(item, jobs);
  if (running.some((j) => isScenario(j, TEST_FAILOVER_CLEANUP))) return "cleanupRunning";
  if (running.some((j) => isScenario(j, TEST_FAILOVER))) return "testFailoverRunning";
  if (allows(item, TEST_FAILOVER)) return "idle";
  if (allows(item, TEST_FAILOVER_CLEANUP) || lower(item.properties.testFailoverState) === "waitingforcompletion")
    return "waitingForCleanup";
  return "blocked";
}

/** Free for a new test failover (the definition above). `MarkedForDeletion` with `TestFailover` allowed is idle. */
export function isIdleForTestFailover(item: ProtectedItem, jobs: Job[]): boolean {
  return itemPhase(item, jobs) === "idle";
}
