// Whether a protected item can be test-failed-over now, decided at preview from what the program already
// reads (the item) and one read of the vault's job list, so the policy gate can refuse a doomed drill
// before anything is written. The decision of "busy" is components/asr/itemState.ts (the one idle
// definition); this module only turns it and the item's health into the plain facts the pack judges.
// The provider's preflight repeats the checks at `pulumi up` for races.
import type { HealthErrorFact, ItemJobFact, ItemReadiness } from "./contract";
import { sameArmId } from "./contract";
import { itemPhase, jobConcernsItem, runningJobsOf, TEST_FAILOVER } from "./asr/itemState";
import type { Job, ProtectedItem } from "./asr/types";

/** Health errors that stop a failover: level Error or Critical (Warnings do not). */
export function criticalHealthErrors(item: ProtectedItem): HealthErrorFact[] {
  return (item.properties.healthErrors ?? [])
    .filter((h) => /^(error|critical)$/i.test(h.errorLevel ?? ""))
    .map((h) => ({
      errorCode: h.errorCode ?? "",
      errorLevel: h.errorLevel ?? "",
      errorMessage: h.errorMessage || h.summaryMessage || "",
      ...(h.recommendedAction ? { recommendedAction: h.recommendedAction } : {}),
    }));
}

export function jobFact(job: Job): ItemJobFact {
  const p = job.properties;
  const d = p.customDetails ?? {};
  const fact: ItemJobFact = { name: job.name, scenarioName: p.scenarioName ?? "", state: p.state ?? "" };
  if (p.startTime) fact.startTime = p.startTime;
  const network = d.networkName || d.networkFriendlyName;
  if (network) fact.network = network;
  if (d.comments) fact.comments = d.comments;
  return fact;
}

/**
 * The job behind the item's phase: a running test-failover or cleanup job; for an item waiting for its
 * cleanup, the newest test-failover job of the item (it holds the network the test VMs went to).
 */
export function jobBehindPhase(item: ProtectedItem, jobs: Job[]): Job | undefined {
  const running = runningJobsOf(item, jobs);
  if (running.length > 0) return running[0];
  const started = (j: Job) => Date.parse(j.properties.startTime ?? "") || 0;
  return jobs
    .filter((j) => (j.properties.scenarioName ?? "").toLowerCase() === TEST_FAILOVER.toLowerCase() && jobConcernsItem(j, item))
    .sort((a, b) => started(b) - started(a))[0];
}

/** True when the item's active test failover goes into `testNetworkId` (vmNics[].tfoVMNetworkId, else the job's network). */
export function intoNetwork(item: ProtectedItem, job: ItemJobFact | undefined, testNetworkId: string): boolean {
  const tfo = (item.properties.providerSpecificDetails?.vmNics ?? []).map((n) => n.tfoVMNetworkId).find((x): x is string => !!x);
  if (tfo) return sameArmId(tfo, testNetworkId);
  const net = job?.network;
  if (!net) return false;
  // TestFailoverJobDetails.networkName may hold the network's ARM id or only its name.
  return net.includes("/") ? sameArmId(net, testNetworkId) : net.toLowerCase() === testNetworkId.split("/").pop()!.toLowerCase();
}

export interface ReadinessOptions {
  /** The ARM id this drill's isolated test network has (or will have). */
  testNetworkId: string;
  /** failover-drill:scope.allowUnhealthy lists the item. */
  allowUnhealthy: boolean;
}

/** The facts that stop a test failover of the item, or undefined when nothing does (see ItemReadiness). */
export function itemReadiness(item: ProtectedItem, jobs: Job[], options: ReadinessOptions): ItemReadiness | undefined {
  // An item read without allowedOperations (an older API or a trimmed invoke result) says nothing about
  // what it allows: only its jobs decide then, and the provider's preflight checks the live item.
  const known = Array.isArray(item.properties.allowedOperations);
  const judged = known ? item : { ...item, properties: { ...item.properties, allowedOperations: [TEST_FAILOVER] } };
  const phase = itemPhase(judged, jobs);
  const health = criticalHealthErrors(item);
  const job = phase === "idle" || phase === "blocked" ? undefined : jobBehindPhase(item, jobs);
  const fact = job ? jobFact(job) : undefined;
  // This drill's own test failover (a killed `up` resumed, or `up` again): the provider adopts it.
  const ours = (phase === "testFailoverRunning" || phase === "waitingForCleanup") && intoNetwork(item, fact, options.testNetworkId);
  const busy = phase !== "idle" && !ours;
  if (!busy && health.length === 0) return undefined;
  const readiness: ItemReadiness = {
    phase: busy ? phase : "idle",
    allowedOperations: [...(item.properties.allowedOperations ?? [])],
    criticalHealthErrors: health,
    allowUnhealthy: options.allowUnhealthy,
  };
  if (item.properties.testFailoverState) readiness.testFailoverState = item.properties.testFailoverState;
  if (busy && fact) readiness.job = fact;
  return readiness;
}
