// In-guest checks of test VMs through Run Command: only on VMs whose Azure VM agent is Ready (vmAgent.ts),
// several VMs at once (timeouts.inGuestConcurrency, default 25), with a progress line at least every 10 s
// so a long verification is never silent. Each VM's checks end when the service says its last Run Command
// ended (the Azure-AsyncOperation status's endTime): that is the VM's verifiedAt when every check passed.
import { DEFAULT_IN_GUEST_CONCURRENCY, type ExpectedVmResult, type VmCheckResult } from "../contract";
import type { SiteRecoveryDrillClient } from "./asrClient";
import { mapWithConcurrency } from "./boundedConcurrency";
import type { VirtualMachine } from "./types";
import { isVmAgentReady, vmAgentNotReady } from "./vmAgent";

export type InGuestCheck = NonNullable<ExpectedVmResult["inGuestChecks"]>[number];

export interface InGuestOptions {
  /** How long a test VM's agent may take to report Ready before its in-guest checks fail (default 3 min). */
  vmAgentReadyTimeoutInMs?: number;
  /** Between instance-view reads while waiting for the agent (default 15 s). */
  vmAgentPollInMs?: number;
  /** Wall time between progress lines (default 10 s). */
  progressEveryInMs?: number;
}

export interface InGuestOutcome {
  results: VmCheckResult[];
  /** When the service says the VM's last Run Command ended, if every check passed and it said so. */
  endedAt?: string;
}

const RUN_COMMAND_TIMEOUT_MS = 10 * 60_000;

/** Waits (bounded) for the VM agent to report Ready; returns the last view and the seconds waited. */
async function awaitVmAgent(client: SiteRecoveryDrillClient, vm: VirtualMachine, options: InGuestOptions) {
  const bound = options.vmAgentReadyTimeoutInMs ?? 180_000;
  const every = options.vmAgentPollInMs ?? 15_000;
  const started = Date.now();
  let agent = vm.properties?.instanceView?.vmAgent;
  while (!isVmAgentReady(agent) && Date.now() - started + every <= bound) {
    await client.sleep(every);
    agent = (await client.getVirtualMachineInstanceView(vm.id))?.vmAgent;
  }
  return { ready: isVmAgentReady(agent), agent, waited: Math.round((Date.now() - started) / 1000) };
}

/** One VM's checks, one Run Command after another (a VM runs one Run Command at a time). */
export async function inGuestChecksOfVm(
  client: SiteRecoveryDrillClient,
  vm: VirtualMachine | undefined,
  checks: InGuestCheck[],
  options: InGuestOptions = {},
): Promise<InGuestOutcome> {
  const running = vm?.properties?.instanceView?.statuses?.some((x) => x.code === "PowerState/running");
  if (!vm || !running)
    return { results: checks.map((g) => ({ name: `in-guest:${g.name}`, passed: false, detail: "not run: the test VM is not running" })) };
  const agent = await awaitVmAgent(client, vm, options);
  if (!agent.ready) return { results: [vmAgentNotReady(vm.name, agent.agent, agent.waited)] };
  const results: VmCheckResult[] = [];
  const ends: string[] = [];
  for (const g of checks) {
    try {
      const { result, endedAt } = await client.runCommand(vm.id, g.commandId, g.script, RUN_COMMAND_TIMEOUT_MS);
      if (endedAt) ends.push(endedAt);
      const text = (result.value ?? []).map((v) => v.message ?? "").join("\n");
      const passed = text.includes(g.expectOutputContains);
      results.push({
        name: `in-guest:${g.name}`,
        passed,
        detail: passed
          ? `output contains ${JSON.stringify(g.expectOutputContains)}`
          : `output ${JSON.stringify(text.slice(0, 300))} does not contain ${JSON.stringify(g.expectOutputContains)}`,
      });
    } catch (e) {
      results.push({ name: `in-guest:${g.name}`, passed: false, detail: `Run Command failed: ${(e as Error).message}` });
    }
  }
  const allPassed = results.every((r) => r.passed);
  // The latest end of the VM's commands, compared as instants (the service writes 7 fractional digits).
  const endedAt = allPassed && ends.length === checks.length ? ends.reduce((a, b) => (Date.parse(b) > Date.parse(a) ? b : a)) : undefined;
  return { results, endedAt };
}

export interface InGuestJob {
  /** Lower-case test VM name: the key of the results. */
  key: string;
  vm: VirtualMachine | undefined;
  checks: InGuestCheck[];
}

/**
 * Every VM's checks, at most `concurrency` VMs at once, with a progress line ("in-guest checks: 37/101
 * done, 2 failed") when they start, at least every `progressEveryInMs` while they run, and when they end.
 */
export async function inGuestChecksOfAll(
  client: SiteRecoveryDrillClient,
  jobs: InGuestJob[],
  o: InGuestOptions & { concurrency?: number; log: (line: string) => void },
): Promise<Map<string, InGuestOutcome>> {
  const out = new Map<string, InGuestOutcome>();
  if (!jobs.length) return out;
  const concurrency = o.concurrency ?? DEFAULT_IN_GUEST_CONCURRENCY;
  let done = 0;
  let failed = 0;
  const line = () => `in-guest checks: ${done}/${jobs.length} done, ${failed} failed`;
  o.log(`in-guest checks of ${jobs.length} test VM(s), up to ${concurrency} at once`);
  const ticker = setInterval(() => o.log(line()), o.progressEveryInMs ?? 10_000);
  ticker.unref?.();
  try {
    await mapWithConcurrency(jobs, concurrency, async (j) => {
      const outcome = await inGuestChecksOfVm(client, j.vm, j.checks, o);
      out.set(j.key, outcome);
      done++;
      if (outcome.results.some((r) => !r.passed)) failed++;
    });
  } finally {
    clearInterval(ticker);
  }
  o.log(line());
  return out;
}
