// read (refresh) and update: both re-verify the existing test VMs; neither starts a test failover.
// read: no item of the scope in a test failover any more (every item idle by itemState.ts, whatever
// testFailoverState says) → the resource is gone. update: only while a test failover waits for cleanup.
import { phaseInScope, recentJobs } from "./itemJobs";
import { drillLog, inputsOf, makeClient, outputs, ProviderDeps, report, stripProvider, TestFailoverState } from "./providerState";
import { ResourceInitError } from "./resourceInitError";
import { resolveScope } from "./scope";
import type { Job } from "./types";
import { verifyTestFailover } from "./verifyTestFailover";

export async function readTestFailover(
  id: string,
  props: Record<string, unknown>,
  deps: ProviderDeps = {},
): Promise<{ id?: string; props?: Record<string, unknown> }> {
  const old = stripProvider(props) as unknown as TestFailoverState;
  const inputs = inputsOf(props);
  const client = makeClient(inputs, deps);
  const resolved = await resolveScope(client, inputs);
  const jobs = await recentJobs(client);
  const active = [...resolved.items.values()].filter((i) => phaseInScope(i, jobs, resolved.plan) !== "idle");
  if (!active.length) {
    drillLog(inputs, deps)("refresh: no active test failover (cleaned up elsewhere); the resource is gone");
    return {};
  }
  const ours = (await Promise.all((old.jobIds ?? []).map((j) => client.getJob(j)))).filter((j): j is Job => !!j);
  const v = await verifyTestFailover(client, inputs, resolved, ours, { runInGuest: false, previous: old.testVms, ...deps.verify });
  const state = outputs(inputs, {
    ...old,
    testVms: v.testVms,
    groupTimings: v.groupTimings.length ? v.groupTimings : old.groupTimings,
    rtoAchievedSeconds: v.rtoAchievedSeconds ?? old.rtoAchievedSeconds,
    verdict: v.failures.length ? "failed" : "passed",
    failures: v.failures,
  });
  return { id, props: state as unknown as Record<string, unknown> };
}

export async function updateTestFailover(
  id: string,
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
  deps: ProviderDeps = {},
): Promise<{ outs: TestFailoverState }> {
  const old = stripProvider(olds) as unknown as TestFailoverState;
  const inputs = inputsOf(news);
  const log = drillLog(inputs, deps);
  const client = makeClient(inputs, deps);
  const resolved = await resolveScope(client, inputs);
  const jobs = await recentJobs(client);
  const phases = [...resolved.items.values()].map((i) => phaseInScope(i, jobs, resolved.plan));
  if (resolved.missing.length || !phases.includes("waitingForCleanup")) {
    throw new Error(
      `update: the test failover is no longer active (${resolved.missing.length ? `${resolved.missing.join(", ")} missing` : `phases ${phases.join(", ")}`}); ` +
        "it was cleaned up outside Pulumi: run `pulumi refresh` (the resource disappears) and `pulumi up` for a new drill",
    );
  }
  log("expectations or notes changed: re-verifying the existing test VMs (no new test failover)");
  const ours = (await Promise.all((old.jobIds ?? []).map((j) => client.getJob(j)))).filter((j): j is Job => !!j);
  const v = await verifyTestFailover(client, inputs, resolved, ours, { runInGuest: true, previous: old.testVms, ...deps.verify });
  const state = outputs(inputs, {
    jobIds: old.jobIds ?? [],
    adopted: old.adopted ?? false,
    testVms: v.testVms,
    groupTimings: v.groupTimings.length ? v.groupTimings : (old.groupTimings ?? []),
    rtoAchievedSeconds: v.rtoAchievedSeconds ?? old.rtoAchievedSeconds,
    verdict: v.failures.length ? "failed" : "passed",
    failures: v.failures,
    armRequests: client.arm.stats.total,
  });
  report(log, state);
  if (v.failures.length)
    throw new ResourceInitError(
      `re-verification failed:\n  - ${v.failures.join("\n  - ")}`,
      id,
      state as unknown as Record<string, unknown>,
      v.failures,
    );
  return { outs: state };
}
