// An item's phase in its scope, from the vault's job list: itemState.ts decides one item from its own
// jobs; here a recovery plan's running job counts for every item of the plan (its protectedItemDetails
// is empty while it starts — PowerShell E2A TestTFO recording), and the latest test-failover job of an
// item is found, because the job — not the item — records the network and the test VMs
// (TestFailoverJobDetails; the item reads currentScenario None and vmNics[].tfoVMNetworkId null while
// WaitingForCompletion — .NET ASRTests/TestFailover.json).
import type { Fresh, SiteRecoveryDrillClient } from "./asrClient";
import { lastSegment, sameArmId } from "../contract";
import { isJobRunning, itemPhase, ItemPhase, jobConcernsItem, TEST_FAILOVER, TEST_FAILOVER_CLEANUP } from "./itemState";
import type { Job, ProtectedItem, RecoveryPlan } from "./types";

/** Pages of the vault's job list read to decide phases (newest first: running jobs are on the first). */
export const JOB_LIST_PAGES = 3;

const lower = (s: string | null | undefined) => (s ?? "").toLowerCase();

export function isScenario(job: Job, scenario: string): boolean {
  return lower(job.properties.scenarioName) === scenario.toLowerCase();
}

/** A job of the plan itself (target = the plan, by name or friendly name). */
export function jobConcernsPlan(job: Job, plan: Pick<RecoveryPlan, "id" | "name" | "properties">): boolean {
  const p = job.properties;
  const names = [plan.name, plan.properties.friendlyName, plan.id].map(lower).filter(Boolean);
  return [p.targetObjectId, p.targetObjectName].map(lower).some((t) => t !== "" && names.includes(t));
}

/** Newest first; a job without a start time (the NotStarted skeleton) counts as the newest. */
function byNewest(a: Job, b: Job): number {
  const t = (j: Job) => {
    const v = Date.parse(j.properties.startTime ?? "");
    return Number.isNaN(v) ? Infinity : v;
  };
  return t(b) - t(a);
}

/** The running test-failover or cleanup job of the plan, if any. */
export function runningPlanJob(plan: RecoveryPlan | undefined, jobs: Job[]): Job | undefined {
  if (!plan) return undefined;
  return jobs
    .filter((j) => isJobRunning(j) && (isScenario(j, TEST_FAILOVER) || isScenario(j, TEST_FAILOVER_CLEANUP)) && jobConcernsPlan(j, plan))
    .sort(byNewest)[0];
}

/** The item's phase, counting a running job of its recovery plan as its own. */
export function phaseInScope(item: ProtectedItem, jobs: Job[], plan?: RecoveryPlan): ItemPhase {
  const planJob = runningPlanJob(plan, jobs);
  if (planJob) return isScenario(planJob, TEST_FAILOVER_CLEANUP) ? "cleanupRunning" : "testFailoverRunning";
  return itemPhase(item, jobs);
}

/** The item's newest test-failover job (its own, else its plan's). */
export function latestTestFailoverJob(item: ProtectedItem, jobs: Job[], plan?: RecoveryPlan): Job | undefined {
  const tfo = jobs.filter((j) => isScenario(j, TEST_FAILOVER));
  return (
    tfo.filter((j) => jobConcernsItem(j, item)).sort(byNewest)[0] ??
    (plan ? tfo.filter((j) => jobConcernsPlan(j, plan)).sort(byNewest)[0] : undefined)
  );
}

/** The running job of a scenario that concerns the item (or its plan). */
export function runningJobOf(item: ProtectedItem, jobs: Job[], scenario: string, plan?: RecoveryPlan): Job | undefined {
  return jobs
    .filter((j) => isJobRunning(j) && isScenario(j, scenario) && (jobConcernsItem(j, item) || (!!plan && jobConcernsPlan(j, plan))))
    .sort(byNewest)[0];
}

/** The network a test-failover job went into, as the job names it (networkName is the VNet's name). */
export function jobNetwork(job: Job): string | undefined {
  const d = job.properties.customDetails;
  return d?.networkName ?? d?.networkFriendlyName ?? undefined;
}

/** Whether the job went into the drill's test network (by ARM id or, as the service reports it, by name). */
export function jobWentInto(job: Job, testNetworkId: string): boolean {
  const net = jobNetwork(job);
  if (!net) return false;
  return sameArmId(net, testNetworkId) || lower(net) === lower(lastSegment(testNetworkId));
}

/** The vault's recent jobs: what every phase decision reads. */
export function recentJobs(client: SiteRecoveryDrillClient, o: Fresh = {}): Promise<Job[]> {
  return client.listJobs(JOB_LIST_PAGES, o);
}
