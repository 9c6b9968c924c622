// Verification of a test failover's test VMs: one VM list per recovery resource group and one NIC list
// per resource group (verifier.ts holds the pure checks), then the in-guest checks through Run Command,
// several VMs at once (inGuestChecks.ts).
import type { TestFailoverInputs, VmCheckResult } from "../drillTypes";
import type { SiteRecoveryDrillClient } from "./asrClient";
import { idSegment } from "../contract";
import { ResolvedScope, readItems, snapshotsFor } from "./scope";
import type { Job, ProtectedItem } from "./types";
import { groupTimings, recoveryResourceGroupOf, testVmNameOf, TestVmReportEx, VerifyResult, verifyTestVms } from "./verifier";
import { jobsSeenSince } from "./vaultJobPoller";
import { inGuestChecksOfAll, type InGuestJob, type InGuestOptions } from "./inGuestChecks";

export interface VerifyOptions extends InGuestOptions {
  runInGuest: boolean;
  /** Reports of the previous verification: in-guest results (and their verifiedAt) are kept when not re-run. */
  previous?: TestVmReportEx[];
  /** Where progress lines go (default: the client's log). */
  log?: (line: string) => void;
}

export async function verifyTestFailover(
  client: SiteRecoveryDrillClient,
  inputs: TestFailoverInputs,
  resolved: ResolvedScope,
  jobs: Job[],
  options: VerifyOptions,
): Promise<VerifyResult & { liveItems: Map<string, ProtectedItem> }> {
  // Reads that started after the poll that saw the jobs end see their test VMs: shared with sibling plans.
  const fresh = { since: jobsSeenSince(jobs) };
  const liveItems = await readItems(client, resolved.itemIds, fresh);
  const snaps = snapshotsFor(inputs, { ...resolved, items: liveItems });
  const sub = inputs.vault.subscriptionId;
  const rgs = new Map<string, { sub: string; rg: string }>();
  for (const s of snaps) {
    const live = liveItems.get(s.protectedItemId.toLowerCase());
    const rg = recoveryResourceGroupOf(s, live);
    const rgSub =
      idSegment(live?.properties.providerSpecificDetails?.recoveryAzureResourceGroupId || s.recoveryResourceGroupId, "subscriptions") ??
      sub;
    if (rg) rgs.set(`${rgSub}/${rg}`.toLowerCase(), { sub: rgSub, rg });
  }
  const nicRgs = new Map(rgs);
  const netRg = idSegment(inputs.testNetworkId, "resourceGroups");
  const netSub = idSegment(inputs.testNetworkId, "subscriptions");
  if (netRg && netSub) nicRgs.set(`${netSub}/${netRg}`.toLowerCase(), { sub: netSub, rg: netRg });
  const names = snaps.map((s) => testVmNameOf(s, liveItems.get(s.protectedItemId.toLowerCase()), jobs));
  const vms = (await Promise.all([...rgs.values()].map((r) => client.virtualMachinesIn(r.sub, r.rg, names, fresh)))).flat();
  const vmNicIds = vms.flatMap((vm) => (vm.properties?.networkProfile?.networkInterfaces ?? []).map((n) => n.id));
  const nics = (await Promise.all([...nicRgs.values()].map((r) => client.networkInterfacesIn(r.sub, r.rg, vmNicIds, fresh)))).flat();

  const inGuest = new Map<string, VmCheckResult[]>();
  const inGuestEndedAt = new Map<string, string>();
  const toRun: InGuestJob[] = [];
  for (const s of snaps) {
    const expected = inputs.expected.find((e) => e.friendlyName.toLowerCase() === s.friendlyName.toLowerCase());
    const checks = expected?.inGuestChecks ?? [];
    if (!checks.length) continue;
    const name = testVmNameOf(s, liveItems.get(s.protectedItemId.toLowerCase()), jobs).toLowerCase();
    if (!options.runInGuest) {
      const prev = options.previous?.find((p) => p.testVmName.toLowerCase() === name);
      const kept = prev?.checks.filter((c) => checks.some((g) => `in-guest:${g.name}` === c.name) || c.name === "vm-agent-not-ready") ?? [];
      if (kept.length) inGuest.set(name, kept);
      if (kept.length && prev?.verifiedAt) inGuestEndedAt.set(name, prev.verifiedAt);
      continue;
    }
    toRun.push({ key: name, vm: vms.find((v) => v.name.toLowerCase() === name), checks });
  }
  const outcomes = await inGuestChecksOfAll(client, toRun, {
    ...options,
    concurrency: inputs.timeouts?.inGuestConcurrency,
    log: options.log ?? client.log,
  });
  for (const [name, o] of outcomes) {
    inGuest.set(name, o.results);
    if (o.endedAt) inGuestEndedAt.set(name, o.endedAt);
  }

  const result = verifyTestVms({ inputs: { ...inputs, items: snaps }, liveItems, vms, nics, jobs, inGuest, inGuestEndedAt });
  result.groupTimings = groupTimings(jobs, (j) => j.properties.targetObjectName || j.properties.friendlyName || j.name);
  return { ...result, liveItems };
}
