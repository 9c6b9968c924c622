// delete: the test failover cleanup with the drill's notes as comments. A test failover or cleanup job
// still running (destroy after a killed up) is followed first; items waiting for cleanup get the POST
// (plan-level when the plan allows it, else per item); a failed cleanup is retried up to 3 times.
// A finished cleanup leaves the item MarkedForDeletion with TestFailover allowed again, and no public
// source shows it ever returning to None (.NET ASRTests/TestFailoverCleanup.json), so nothing waits for
// that: the cleanup is done when its job succeeded and the test VMs and their NICs are gone.
import type { TestFailoverTarget } from "./asrClient";
import { idSegment } from "../contract";
import { phaseInScope, recentJobs, runningJobOf, runningPlanJob } from "./itemJobs";
import { TEST_FAILOVER, TEST_FAILOVER_CLEANUP } from "./itemState";
import { jobFailureText } from "./jobFailure";
import type { JobPoller } from "./jobFollower";
import { drillLog, inputsOf, makeClient, MAX_NOTES, ProviderDeps, stripProvider, TestFailoverState } from "./providerState";
import { ResolvedScope, resolveScope, snapshotsFor } from "./scope";
import { SIBLING_SLACK_MS } from "./sharedReads";
import { jobsSeenSince } from "./vaultJobPoller";
import type { SiteRecoveryDrillClient } from "./asrClient";
import type { TestFailoverInputs } from "../drillTypes";
import type { Job, ProtectedItem } from "./types";
import { recoveryResourceGroupOf, testVmNameOf } from "./verifier";

const MAX_ATTEMPTS = 3;

/** Running test-failover and cleanup jobs of the scope's items (or its plan), by name. */
function runningJobs(resolved: ResolvedScope, jobs: Job[]): Map<string, Job> {
  const out = new Map<string, Job>();
  for (const item of resolved.items.values()) {
    for (const scenario of [TEST_FAILOVER, TEST_FAILOVER_CLEANUP]) {
      const j = runningJobOf(item, jobs, scenario, resolved.plan);
      if (j) out.set(j.name, j);
    }
  }
  return out;
}

async function startCleanups(
  client: SiteRecoveryDrillClient,
  inputs: TestFailoverInputs,
  resolved: ResolvedScope,
  waiting: ProtectedItem[],
  comments: string,
  log: (l: string) => void,
): Promise<JobPoller[]> {
  const pollers: JobPoller[] = [];
  const plan = resolved.plan;
  if (plan && inputs.scope.kind === "recoveryPlan" && (plan.properties.allowedOperations ?? []).includes(TEST_FAILOVER_CLEANUP)) {
    const target: TestFailoverTarget = { kind: "recoveryPlan", id: plan.id, label: `test failover cleanup of recovery plan ${plan.name}` };
    log(`starting ${target.label}`);
    pollers.push(
      await client.beginTestFailoverCleanup(
        target,
        comments,
        async () => runningPlanJob(await client.getRecoveryPlan(plan.name), await recentJobs(client))?.name,
      ),
    );
    return pollers;
  }
  for (const item of waiting) {
    const target: TestFailoverTarget = {
      kind: "protectedItem",
      id: item.id,
      label: `test failover cleanup of ${item.properties.friendlyName}`,
    };
    log(`starting ${target.label}`);
    pollers.push(
      await client.beginTestFailoverCleanup(target, comments, async () => {
        const now = (await client.getProtectedItem(item.id)) ?? item;
        const running = runningJobOf(now, await recentJobs(client), TEST_FAILOVER_CLEANUP);
        if (running) return running.name;
        // Accepted and already over (or not visible yet): nothing left to follow for this item.
        return (now.properties.allowedOperations ?? []).includes(TEST_FAILOVER_CLEANUP) ? undefined : "unknown";
      }),
    );
  }
  return pollers;
}

export async function runCleanup(props: Record<string, unknown>, deps: ProviderDeps = {}): Promise<void> {
  const old = stripProvider(props) as unknown as TestFailoverState;
  const inputs = inputsOf(props);
  const log = drillLog(inputs, deps);
  const client = makeClient(inputs, deps);
  const started = Date.now();
  const remaining = () => Math.max(1, inputs.timeouts.cleanupMinutes * 60_000 - (Date.now() - started));
  const comments = (inputs.notes ?? "").slice(0, MAX_NOTES);

  // The deletes of a drill's plans start together: join a sibling's reads still under way.
  const siblings = { since: started - SIBLING_SLACK_MS, inFlightOnly: true };
  let resolved = await resolveScope(client, inputs, siblings);
  if (resolved.missing.length) log(`cleanup: ${resolved.missing.join(", ")} no longer exist(s); cleaning up what remains`);

  let ended: { since?: number };
  for (let attempt = 1; ; attempt++) {
    ended = {};
    let jobs = await recentJobs(client, attempt === 1 ? siblings : {});
    const running = runningJobs(resolved, jobs);
    for (const j of running.values()) {
      log(`waiting for the running ${j.properties.scenarioName ?? "ASR"} job ${j.name} before cleaning up`);
      await client.followJob(client.resumeJob(j.name, `${j.properties.friendlyName ?? "job"} (before cleanup)`), {
        timeoutInMs: remaining(),
      });
    }
    if (running.size) {
      resolved = await resolveScope(client, inputs);
      jobs = await recentJobs(client);
    }
    const waiting = [...resolved.items.values()].filter((i) => phaseInScope(i, jobs, resolved.plan) === "waitingForCleanup");
    if (!waiting.length) break;
    const pollers = await startCleanups(client, inputs, resolved, waiting, comments, log);
    const following = pollers.filter((p) => p.state.jobName !== "unknown");
    const done = await client.followJobs(following, { timeoutInMs: remaining() });
    const failed: string[] = [];
    done.forEach((d, i) => {
      if (d.status === "rejected") throw d.reason;
      if ((d.value.properties.state ?? "").toLowerCase() !== "succeeded") failed.push(jobFailureText(d.value, following[i].state.label));
    });
    // Reads that started after the poll that saw the cleanups end: shared with the sibling plans' cleanups.
    ended = { since: jobsSeenSince(done.map((d) => (d as PromiseFulfilledResult<Job>).value)) };
    resolved = await resolveScope(client, inputs, ended);
    if (!failed.length) break;
    const after = await recentJobs(client);
    if (![...resolved.items.values()].some((i) => phaseInScope(i, after, resolved.plan) === "waitingForCleanup")) break;
    if (attempt >= MAX_ATTEMPTS)
      throw new Error(
        `test failover cleanup failed ${attempt} times:\n  - ${failed.join("\n  - ")}\nThe resource stays in state; \`pulumi destroy\` again retries the cleanup.`,
      );
    log(`cleanup did not succeed (${failed.join(" | ")}); retrying (attempt ${attempt + 1} of ${MAX_ATTEMPTS})`);
  }

  await checkNothingLeft(client, inputs, resolved, old, ended);
  log(
    `test failover cleaned up (comments: ${JSON.stringify(comments.slice(0, 80))}${comments.length > 80 ? "…" : ""}); ARM requests: ${client.arm.stats.total}`,
  );
}

/** The test VMs and their NICs must be gone; else the error lists them. */
async function checkNothingLeft(
  client: SiteRecoveryDrillClient,
  inputs: TestFailoverInputs,
  resolved: ResolvedScope,
  old: TestFailoverState,
  fresh: { since?: number },
): Promise<void> {
  const rgs = new Map<string, { sub: string; rg: string }>();
  for (const vm of old.testVms ?? []) {
    const rg = vm.resourceGroup ?? idSegment(vm.testVmId, "resourceGroups");
    const sub = idSegment(vm.testVmId, "subscriptions") ?? inputs.vault.subscriptionId;
    if (rg) rgs.set(`${sub}/${rg}`.toLowerCase(), { sub, rg });
  }
  const snaps = snapshotsFor(inputs, resolved);
  for (const s of snaps) {
    const live = resolved.items.get(s.protectedItemId.toLowerCase());
    const rg = recoveryResourceGroupOf(s, live);
    const sub =
      idSegment(live?.properties.providerSpecificDetails?.recoveryAzureResourceGroupId || s.recoveryResourceGroupId, "subscriptions") ??
      inputs.vault.subscriptionId;
    if (rg) rgs.set(`${sub}/${rg}`.toLowerCase(), { sub, rg });
  }
  const names = new Set([
    ...(old.testVms ?? []).map((v) => v.testVmName.toLowerCase()).filter(Boolean),
    ...snaps.map((s) => testVmNameOf(s, resolved.items.get(s.protectedItemId.toLowerCase()), []).toLowerCase()),
  ]);
  const nicIds = new Set((old.testVms ?? []).flatMap((v) => v.nicIds ?? []).map((n) => n.toLowerCase()));
  const leftovers: string[] = [];
  for (const r of rgs.values()) {
    const [vms, nics] = await Promise.all([
      client.virtualMachinesIn(r.sub, r.rg, [...names], fresh),
      client.networkInterfacesIn(r.sub, r.rg, [...nicIds], fresh),
    ]);
    for (const vm of vms) if (names.has(vm.name.toLowerCase())) leftovers.push(`VM ${vm.id}`);
    for (const nic of nics) {
      const attachedTo = nic.properties?.virtualMachine?.id?.split("/").pop()?.toLowerCase();
      if (nicIds.has(nic.id.toLowerCase()) || (attachedTo && names.has(attachedTo))) leftovers.push(`NIC ${nic.id}`);
    }
  }
  if (leftovers.length) {
    throw new Error(
      `test failover cleanup finished but left test resources behind:\n  - ${leftovers.join("\n  - ")}\nDelete them in the portal, then \`pulumi destroy\` again.`,
    );
  }
}
