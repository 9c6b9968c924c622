// create: preflight (reads only; a problem records nothing), adoption of a test failover an earlier
// killed `up` started (adoption.ts), the POST testFailover per plan or item, following the job(s) with
// one poll per interval, and verification of every test VM. Once the service accepted a test failover,
// every failure is thrown as a ResourceInitError so Pulumi records the resource and `pulumi destroy`
// runs the cleanup.
import type { TestFailoverTarget } from "./asrClient";
import { ItemDecision, decideItem } from "./adoption";
import { checkInputs } from "./checkInputs";
import { lastSegment } from "../contract";
import { recentJobs, runningJobOf, runningPlanJob } from "./itemJobs";
import { TEST_FAILOVER } from "./itemState";
import { jobFailureText } from "./jobFailure";
import { JobPoller, JobTimeoutError } from "./jobFollower";
import { checkTestNetwork, preflightTrigger } from "./preflight";
import { isDataEncrypted } from "./dataEncryption";
import { drillLog, inputsOf, makeClient, outputs, ProviderDeps, report, resourceIdOf, TestFailoverState } from "./providerState";
import { ResourceInitError } from "./resourceInitError";
import { ResolvedScope, resolveScope } from "./scope";
import { SIBLING_SLACK_MS } from "./sharedReads";
import type { SiteRecoveryDrillClient } from "./asrClient";
import type { TestFailoverInputs } from "../drillTypes";
import type { Job, ProtectedItem } from "./types";
import { verifyTestFailover } from "./verifyTestFailover";

interface Plan {
  resolved: ResolvedScope;
  jobs: Job[];
  decisions: Map<string, { item: ProtectedItem; decision: ItemDecision }>;
}

/** Decides every item; a running cleanup is followed first (the item is free once it ends). */
async function decide(client: SiteRecoveryDrillClient, inputs: TestFailoverInputs, log: (l: string) => void): Promise<Plan> {
  for (let round = 0; ; round++) {
    // The first round may join the reads of sibling plans starting with it; after waiting, read anew.
    const fresh = round === 0 ? { since: Date.now() - SIBLING_SLACK_MS, inFlightOnly: true } : {};
    const resolved = await resolveScope(client, inputs, fresh);
    await checkTestNetwork(client, inputs, resolved, fresh);
    const jobs = await recentJobs(client, fresh);
    const decisions = new Map(
      [...resolved.items].map(([k, item]) => [k, { item, decision: decideItem(inputs, item, jobs, resolved.plan) }]),
    );
    const cleanups = new Map<string, Job>();
    for (const { decision } of decisions.values()) if (decision.kind === "awaitCleanup") cleanups.set(decision.job.name, decision.job);
    if (!cleanups.size || round > 0) return { resolved, jobs, decisions };
    for (const job of cleanups.values()) {
      log(`waiting for the running test failover cleanup job ${job.name} before starting`);
      await client.followJob(client.resumeJob(job.name, "test failover cleanup (before the test failover)"), {
        timeoutInMs: inputs.timeouts.cleanupMinutes * 60_000,
      });
    }
  }
}

function refusals(plan: Plan, inputs: TestFailoverInputs): string[] {
  const out: string[] = [];
  for (const { decision } of plan.decisions.values()) {
    if (decision.kind === "refuse") out.push(decision.reason);
    else if (decision.kind === "awaitCleanup")
      out.push(`a test failover cleanup (job ${decision.job.name}) is still running; run \`pulumi up\` again when it has finished`);
  }
  const kinds = [...plan.decisions.values()].map((d) => d.decision.kind);
  if (inputs.scope.kind === "recoveryPlan" && kinds.includes("trigger") && kinds.some((k) => k.startsWith("adopt"))) {
    const idle = [...plan.decisions.values()].filter((d) => d.decision.kind === "trigger").map((d) => d.item.properties.friendlyName);
    out.push(
      `recovery plan ${plan.resolved.plan?.name} is partly in a test failover (idle: ${idle.join(", ")}); clean up the plan's test failover first`,
    );
  }
  return out;
}

export async function runTestFailover(
  rawInputs: Record<string, unknown>,
  deps: ProviderDeps = {},
): Promise<{ id: string; outs: TestFailoverState }> {
  const inputs = inputsOf(rawInputs);
  const log = drillLog(inputs, deps);
  const failuresOfInputs = checkInputs(inputs as unknown as Record<string, unknown>);
  if (failuresOfInputs.length) throw new Error(failuresOfInputs.map((f) => `${f.property}: ${f.reason}`).join("; "));
  const client = makeClient(inputs, deps);
  const id = resourceIdOf(inputs);
  const tfoTimeout = inputs.timeouts.testFailoverMinutes * 60_000;

  // ---- preflight and adoption (reads only) ----
  const plan = await decide(client, inputs, log);
  const refused = refusals(plan, inputs);
  if (refused.length) throw new Error(`preflight refused the test failover:\n  - ${refused.join("\n  - ")}`);
  const { resolved } = plan;
  const entries = [...plan.decisions.values()];
  const adoptedJobs = new Map<string, { job: Job; running: boolean }>();
  for (const { decision } of entries) {
    if (decision.kind === "adoptRunning" || decision.kind === "adoptFinished")
      adoptedJobs.set(decision.job.name, { job: decision.job, running: decision.kind === "adoptRunning" });
  }
  const adopting = adoptedJobs.size > 0;
  const toTrigger = entries.filter((e) => e.decision.kind === "trigger").map((e) => e.item);
  const recoveryPoints = await preflightTrigger(client, inputs, resolved, toTrigger, log);

  // ---- trigger (from here on, any failure records the resource so destroy cleans up) ----
  const pollers: JobPoller[] = [];
  const jobIds: string[] = [];
  const finishedAdopted: Job[] = [];
  const record = (fields: Partial<TestFailoverState>) =>
    outputs(inputs, { jobIds: [...jobIds], adopted: adopting, armRequests: client.arm.stats.total, ...fields });
  try {
    for (const { job, running } of adoptedJobs.values()) {
      log(
        `adopting the test failover job ${job.name} (${job.properties.state}, into ${job.properties.customDetails?.networkName ?? lastSegment(inputs.testNetworkId)}) started by an earlier run`,
      );
      jobIds.push(job.name);
      if (running) pollers.push(client.resumeJob(job.name, `test failover (job ${job.name}, adopted)`));
      else finishedAdopted.push(job);
    }
    if (inputs.scope.kind === "recoveryPlan" && toTrigger.length) {
      const planName = inputs.scope.recoveryPlanName;
      const target: TestFailoverTarget = {
        kind: "recoveryPlan",
        id: inputs.scope.recoveryPlanId,
        label: `test failover of recovery plan ${planName}`,
      };
      // One plan input for all its items: the KEK goes with it when any of them is data-encrypted.
      const encrypted = toTrigger.some((i) => isDataEncrypted(i.properties.providerSpecificDetails?.encryption));
      log(`starting ${target.label} into ${lastSegment(inputs.testNetworkId)} (${inputs.recoveryPointType})`);
      pollers.push(
        await client.beginTestFailover(target, {
          networkId: inputs.testNetworkId,
          failoverDirection: inputs.failoverDirection,
          recoveryPointType: inputs.recoveryPointType,
          ...(encrypted && inputs.kekCertificatePfx ? { primaryKekCertificatePfx: inputs.kekCertificatePfx } : {}),
          findAcceptedJob: async () => runningPlanJob(await client.getRecoveryPlan(planName), await recentJobs(client))?.name,
        }),
      );
    } else {
      for (const item of toTrigger) {
        const target: TestFailoverTarget = {
          kind: "protectedItem",
          id: item.id,
          label: `test failover of ${item.properties.friendlyName ?? item.name}`,
        };
        const point = recoveryPoints.get(item.id.toLowerCase());
        log(
          `starting ${target.label} into ${lastSegment(inputs.testNetworkId)} (${point ? `recovery point ${point.name} of ${point.properties?.recoveryPointTime}, ${point.properties?.recoveryPointType}` : "latest recovery point"})`,
        );
        pollers.push(
          await client.beginTestFailover(target, {
            networkId: inputs.testNetworkId,
            failoverDirection: inputs.failoverDirection,
            recoveryPointType: inputs.recoveryPointType,
            recoveryPointId: point?.id,
            // Only a data-encrypted item gets the certificate: the others never see it on the wire.
            ...(isDataEncrypted(item.properties.providerSpecificDetails?.encryption) && inputs.kekCertificatePfx
              ? { primaryKekCertificatePfx: inputs.kekCertificatePfx }
              : {}),
            findAcceptedJob: async () => {
              const now = (await client.getProtectedItem(item.id)) ?? item;
              const running = runningJobOf(now, await recentJobs(client), TEST_FAILOVER);
              if (running) return running.name;
              if (!(now.properties.allowedOperations ?? []).includes(TEST_FAILOVER)) {
                throw new Error(
                  `${item.properties.friendlyName}: the test failover was accepted (TestFailover no longer allowed, testFailoverState ${now.properties.testFailoverState}) but its job could not be found; run \`pulumi refresh\` then \`pulumi up\` to adopt it`,
                );
              }
              return undefined;
            },
          }),
        );
      }
    }
    for (const p of pollers) if (!jobIds.includes(p.state.jobName)) jobIds.push(p.state.jobName);

    // ---- follow: one job poll per interval whatever the number of items ----
    const settled = pollers.length ? await client.followJobs(pollers, { timeoutInMs: tfoTimeout }) : [];
    const jobs: Job[] = [...finishedAdopted];
    const failures: string[] = [];
    settled.forEach((s, i) => {
      if (s.status === "fulfilled") {
        jobs.push(s.value);
        if ((s.value.properties.state ?? "").toLowerCase() !== "succeeded") failures.push(jobFailureText(s.value, pollers[i].state.label));
      } else {
        const e = s.reason as Error;
        failures.push(
          e instanceof JobTimeoutError
            ? `${e.message}; the resource is recorded: \`pulumi up\` again adopts it, \`pulumi destroy\` cleans it up`
            : `${pollers[i].state.label}: ${e.message}`,
        );
        if (pollers[i].latest) jobs.push(pollers[i].latest!);
      }
    });

    // ---- verify ----
    log(
      failures.length
        ? "test failover job(s) did not succeed; checking what was created"
        : "test failover job(s) succeeded; verifying the test VMs",
    );
    const v = await verifyTestFailover(client, inputs, resolved, jobs, { runInGuest: failures.length === 0, ...deps.verify });
    const allFailures = [...failures, ...(failures.length ? [] : v.failures)];
    const state = record({
      testVms: v.testVms,
      groupTimings: v.groupTimings,
      rtoAchievedSeconds: v.rtoAchievedSeconds,
      verdict: allFailures.length ? "failed" : "passed",
      failures: allFailures,
      armRequests: client.arm.stats.total,
    });
    report(log, state);
    log(`ARM requests for this test failover: ${client.arm.stats.total} (${client.arm.stats.retries} retries)`);
    if (allFailures.length) {
      throw new ResourceInitError(
        `the drill's test failover failed (the resource is recorded; \`pulumi destroy\` runs the test failover cleanup):\n  - ${allFailures.join("\n  - ")}`,
        id,
        state as unknown as Record<string, unknown>,
        allFailures,
      );
    }
    return { id, outs: state };
  } catch (e) {
    if (e instanceof ResourceInitError) throw e;
    if (!jobIds.length && !pollers.length && !adopting) throw e; // nothing was accepted by the service: nothing to record
    const message = (e as Error).message ?? String(e);
    const state = record({ verdict: "failed", failures: [message] });
    throw new ResourceInitError(
      `the drill's test failover failed after it was started (recorded; \`pulumi destroy\` cleans up): ${message}`,
      id,
      state as unknown as Record<string, unknown>,
      [message],
    );
  }
}
