// Verification of a test failover's test VMs: one VM list per recovery resource group and one NIC list
// per resource group (verifier.ts holds the pure checks), then the in-guest checks through Run Command —
// only on VMs whose Azure VM agent is Ready (vmAgent.ts).
import type { TestFailoverInputs, VmCheckResult } from "../drillTypes";
import type { SiteRecoveryDrillClient } from "./asrClient";
import { idSegment } from "../contract";
import { ResolvedScope, readItems, snapshotsFor } from "./scope";
import type { Job, ProtectedItem, VirtualMachine } from "./types";
import { groupTimings, recoveryResourceGroupOf, testVmNameOf, TestVmReportEx, VerifyResult, verifyTestVms } from "./verifier";
import { isVmAgentReady, vmAgentNotReady } from "./vmAgent";

export interface VerifyOptions {
  runInGuest: boolean;
  /** Reports of the previous verification: in-guest results are kept when not re-run. */
  previous?: TestVmReportEx[];
  /** How long a test VM's agent may take to report Ready before its in-guest checks fail (default 3 min). */
  vmAgentReadyTimeoutInMs?: number;
  /** Between instance-view reads while waiting for the agent (default 15 s). */
  vmAgentPollInMs?: number;
}

const RUN_COMMAND_TIMEOUT_MS = 10 * 60_000;

/** Waits (bounded) for the VM agent to report Ready; returns the last view and the seconds waited. */
async function awaitVmAgent(client: SiteRecoveryDrillClient, vm: VirtualMachine, options: VerifyOptions): Promise<{ ready: boolean; agent: ReturnType<typeof agentOf>; waited: number }> {
  const bound = options.vmAgentReadyTimeoutInMs ?? 180_000;
  const every = options.vmAgentPollInMs ?? 15_000;
  const started = Date.now();
  let agent = agentOf(vm.properties?.instanceView);
  while (!isVmAgentReady(agent) && Date.now() - started + every <= bound) {
    await client.sleep(every);
    agent = agentOf(await client.getVirtualMachineInstanceView(vm.id));
  }
  return { ready: isVmAgentReady(agent), agent, waited: Math.round((Date.now() - started) / 1000) };
}

function agentOf(view: NonNullable<VirtualMachine["properties"]>["instanceView"] | undefined) {
  return view?.vmAgent;
}

async function inGuestChecks(client: SiteRecoveryDrillClient, inputs: TestFailoverInputs, vm: VirtualMachine | undefined, checks: NonNullable<TestFailoverInputs["expected"][number]["inGuestChecks"]>, options: VerifyOptions): Promise<VmCheckResult[]> {
  const running = vm?.properties?.instanceView?.statuses?.some((x) => x.code === "PowerState/running");
  if (!vm || !running) return checks.map((g) => ({ name: `in-guest:${g.name}`, passed: false, detail: "not run: the test VM is not running" }));
  const agent = await awaitVmAgent(client, vm, options);
  if (!agent.ready) return [vmAgentNotReady(vm.name, agent.agent, agent.waited)];
  const results: VmCheckResult[] = [];
  for (const g of checks) {
    try {
      const out = await client.runCommand(vm.id, g.commandId, g.script, RUN_COMMAND_TIMEOUT_MS);
      const text = (out.value ?? []).map((v) => v.message ?? "").join("\n");
      const passed = text.includes(g.expectOutputContains);
      results.push({ name: `in-guest:${g.name}`, passed, detail: passed ? `output contains ${JSON.stringify(g.expectOutputContains)}` : `output ${JSON.stringify(text.slice(0, 300))} does not contain ${JSON.stringify(g.expectOutputContains)}` });
    } catch (e) {
      results.push({ name: `in-guest:${g.name}`, passed: false, detail: `Run Command failed: ${(e as Error).message}` });
    }
  }
  void inputs;
  return results;
}

export async function verifyTestFailover(
  client: SiteRecoveryDrillClient,
  inputs: TestFailoverInputs,
  resolved: ResolvedScope,
  jobs: Job[],
  options: VerifyOptions,
): Promise<VerifyResult & { liveItems: Map<string, ProtectedItem> }> {
  const liveItems = await readItems(client, resolved.itemIds);
  const snaps = snapshotsFor(inputs, { ...resolved, items: liveItems });
  const sub = inputs.vault.subscriptionId;
  const rgs = new Map<string, { sub: string; rg: string }>();
  for (const s of snaps) {
    const live = liveItems.get(s.protectedItemId.toLowerCase());
    const rg = recoveryResourceGroupOf(s, live);
    const rgSub = idSegment(live?.properties.providerSpecificDetails?.recoveryAzureResourceGroupId || s.recoveryResourceGroupId, "subscriptions") ?? sub;
    if (rg) rgs.set(`${rgSub}/${rg}`.toLowerCase(), { sub: rgSub, rg });
  }
  const nicRgs = new Map(rgs);
  const netRg = idSegment(inputs.testNetworkId, "resourceGroups");
  const netSub = idSegment(inputs.testNetworkId, "subscriptions");
  if (netRg && netSub) nicRgs.set(`${netSub}/${netRg}`.toLowerCase(), { sub: netSub, rg: netRg });
  const names = snaps.map((s) => testVmNameOf(s, liveItems.get(s.protectedItemId.toLowerCase()), jobs));
  const vms = (await Promise.all([...rgs.values()].map((r) => client.virtualMachinesIn(r.sub, r.rg, names)))).flat();
  const vmNicIds = vms.flatMap((vm) => (vm.properties?.networkProfile?.networkInterfaces ?? []).map((n) => n.id));
  const nics = (await Promise.all([...nicRgs.values()].map((r) => client.networkInterfacesIn(r.sub, r.rg, vmNicIds)))).flat();

  const inGuest = new Map<string, VmCheckResult[]>();
  for (const s of snaps) {
    const expected = inputs.expected.find((e) => e.friendlyName.toLowerCase() === s.friendlyName.toLowerCase());
    const checks = expected?.inGuestChecks ?? [];
    if (!checks.length) continue;
    const name = testVmNameOf(s, liveItems.get(s.protectedItemId.toLowerCase()), jobs).toLowerCase();
    if (!options.runInGuest) {
      const prev = options.previous?.find((p) => p.testVmName.toLowerCase() === name);
      const kept = prev?.checks.filter((c) => checks.some((g) => `in-guest:${g.name}` === c.name) || c.name === "vm-agent-not-ready") ?? [];
      if (kept.length) inGuest.set(name, kept);
      continue;
    }
    inGuest.set(name, await inGuestChecks(client, inputs, vms.find((v) => v.name.toLowerCase() === name), checks, options));
  }

  const result = verifyTestVms({ inputs: { ...inputs, items: snaps }, liveItems, vms, nics, jobs, inGuest });
  result.groupTimings = groupTimings(jobs, (j) => j.properties.targetObjectName || j.properties.friendlyName || j.name);
  return { ...result, liveItems };
}
