// What create does with each item of its scope, from its phase and jobs (itemJobs.ts): start a test
// failover, adopt the one an earlier (killed) `pulumi up` started into the same network — whatever the
// item's currentScenario says — wait for a running cleanup, or refuse, naming the other network from
// the job, or giving the cleanup instructions when no job says where the test failover went.
import type { TestFailoverInputs } from "../drillTypes";
import { jobNetwork, jobWentInto, latestTestFailoverJob, phaseInScope, runningJobOf } from "./itemJobs";
import { TEST_FAILOVER, TEST_FAILOVER_CLEANUP } from "./itemState";
import type { Job, ProtectedItem, RecoveryPlan } from "./types";

export type ItemDecision =
  | { kind: "trigger" }
  /** A test-failover job into our network is still running: follow it. */
  | { kind: "adoptRunning"; job: Job }
  /** A finished test failover into our network waits for cleanup: verify its test VMs. */
  | { kind: "adoptFinished"; job: Job }
  /** A cleanup is running: follow it; the item is then free again (MarkedForDeletion + TestFailover allowed). */
  | { kind: "awaitCleanup"; job: Job }
  | { kind: "refuse"; reason: string };

function cleanupAdvice(inputs: TestFailoverInputs, name: string): string {
  return `Clean it up first: "Cleanup test failover" on ${name} in the vault ${inputs.vault.name} (or on its recovery plan), or \`pulumi destroy\` of the stack that started it.`;
}

export function decideItem(inputs: TestFailoverInputs, item: ProtectedItem, jobs: Job[], plan?: RecoveryPlan): ItemDecision {
  const name = item.properties.friendlyName ?? item.name;
  const phase = phaseInScope(item, jobs, plan);
  if (phase === "idle") return { kind: "trigger" };
  if (phase === "cleanupRunning") {
    const job = runningJobOf(item, jobs, TEST_FAILOVER_CLEANUP, plan);
    return job
      ? { kind: "awaitCleanup", job }
      : { kind: "refuse", reason: `${name}: a test failover cleanup is running; wait for it and run \`pulumi up\` again` };
  }
  if (phase === "blocked") {
    return {
      kind: "refuse",
      reason: `${name}: allowedOperations ${JSON.stringify(item.properties.allowedOperations ?? [])} does not contain TestFailover (protectionState ${item.properties.protectionState}, testFailoverState ${item.properties.testFailoverState})`,
    };
  }
  const job = phase === "testFailoverRunning" ? runningJobOf(item, jobs, TEST_FAILOVER, plan) : latestTestFailoverJob(item, jobs, plan);
  if (!job) {
    return {
      kind: "refuse",
      reason:
        `${name} has a test failover waiting for cleanup (testFailoverState ${item.properties.testFailoverState}) but no test failover job of it is in the vault's recent jobs, so the network it went into is unknown. ` +
        cleanupAdvice(inputs, name),
    };
  }
  if (!jobWentInto(job, inputs.testNetworkId)) {
    return {
      kind: "refuse",
      reason: `${name} already has a test failover (job ${job.name}, ${job.properties.state}) into the network ${jobNetwork(job) ?? "(not named by the job)"}, not ${inputs.testNetworkId}. ${cleanupAdvice(inputs, name)}`,
    };
  }
  return phase === "testFailoverRunning" ? { kind: "adoptRunning", job } : { kind: "adoptFinished", job };
}
