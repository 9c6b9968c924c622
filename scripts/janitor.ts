// `npm run janitor [-- --stack <name>]`: for the day a pipeline died mid-drill and nobody ran
// `pulumi destroy`. Lists the vault's protected items that are not idle (components/asr/itemState.ts:
// a test failover or its cleanup running, or a test failover waiting for its cleanup) and orphaned test
// VMs (`<item's recovery VM name>-test` of an idle item), then cleans them up:
// - a test failover still running is followed to its end (its job);
// - an item waiting for cleanup gets POST testFailoverCleanup through the drill's allowlisted ASR client
//   (components/asr), with comments "failover-drill janitor: <reason> <timestamp>";
// - a cleanup still running is waited out until the item is idle;
// - an orphaned test VM (and its NICs and disks) is deleted where the stack's world allows it (a local
//   endpoint, scripts/lib/drillWorld.ts); elsewhere it is listed for a person to delete: the drill's
//   client never sends a DELETE (components/asr/allowlist.ts).
// The stack and its world are the drill runner's (same config reading, same credential). --help: flags.
//
// Exit: 0 nothing left (or --dry-run), 13 something could not be cleaned, 2 usage, 3 bad config.
import * as path from "path";
import { SiteRecoveryDrillClient, COMPUTE_API_VERSION } from "../components/asr/asrClient";
import { itemPhase, runningJobsOf, type ItemPhase } from "../components/asr/itemState";
import type { Job, ProtectedItem } from "../components/asr/types";
import type { VaultRef } from "../components/drillTypes";
import { DrillExit, main, parseFlags, parsePort, UsageError } from "./drill";
import { ROOT } from "./lib/checkout";
import { prepareWorld, type DrillWorld } from "./lib/drillWorld";
import { credentialFound, runPreflight } from "./lib/preflight";
import { readStackSettings } from "./lib/stackConfig";

export const JanitorExit = { Clean: 0, Usage: 2, BadConfig: DrillExit.BadConfig, Leftovers: 13 } as const;

export interface JanitorOptions {
  dryRun: boolean;
  stack: string;
  vault?: VaultRef;
  /** The drill's state folder. */
  stateDir: string;
  /** The local endpoint's state, when not the default of the drill's state folder. */
  localState?: string;
  port?: number;
  speed: number;
  waitMinutes: number;
}

export class JanitorUsageError extends UsageError {}

export const JANITOR_HELP = `npm run janitor -- [flags]

Cleans up what a killed drill left: test failovers still running or waiting for cleanup, and
orphaned test VMs.

  --stack NAME        the drill's stack (default test); its config gives the vault and the credential
  --vault SUB/RG/NAME another vault than the stack's
  --dry-run           list only
  --state DIR         the drill's state folder (default .state/drill)
  --twin-state DIR    a local twin stack's endpoint state (default <state>/twin)
  --port N, --speed X a local twin stack's endpoint port (default free) and clock (default 60)
  --wait-minutes N    how long to wait for running jobs (default 60)
  --help              this text

Exit codes: 0 nothing left (or --dry-run), 2 bad flags, 3 bad config/credential, 13 something left.
`;

export function parseJanitorArgs(argv: string[]): JanitorOptions | "help" {
  const { values } = parseFlags(argv, {
    "dry-run": { type: "boolean" },
    stack: { type: "string" },
    vault: { type: "string" },
    state: { type: "string" },
    "twin-state": { type: "string" },
    port: { type: "string" },
    speed: { type: "string" },
    "wait-minutes": { type: "string" },
    help: { type: "boolean" },
  });
  if (values.help) return "help";
  let vault: VaultRef | undefined;
  if (values.vault !== undefined) {
    const parts = values.vault.split("/");
    if (parts.length !== 3 || parts.some((p) => !p))
      throw new JanitorUsageError(`--vault ${values.vault}: expected <subscriptionId>/<resourceGroup>/<vault name>`);
    vault = { subscriptionId: parts[0], resourceGroup: parts[1], name: parts[2] };
  }
  const speed = values.speed === undefined ? 60 : Number(values.speed);
  if (!(speed > 0)) throw new JanitorUsageError(`--speed ${values.speed}: expected a positive number`);
  const waitMinutes = values["wait-minutes"] === undefined ? 60 : Number(values["wait-minutes"]);
  if (!(waitMinutes > 0)) throw new JanitorUsageError(`--wait-minutes ${values["wait-minutes"]}: expected a positive number`);
  return {
    dryRun: values["dry-run"] === true,
    stack: values.stack ?? "test",
    vault,
    stateDir: path.resolve(values.state ?? path.join(ROOT, ".state", "drill")),
    localState: values["twin-state"] === undefined ? undefined : path.resolve(values["twin-state"]),
    port: values.port === undefined ? undefined : parsePort(values.port),
    speed,
    waitMinutes,
  };
}

export interface LeftoverItem {
  id: string;
  friendlyName: string;
  testFailoverState: string;
  phase: ItemPhase;
  testVmName?: string;
}

export interface OrphanVm {
  id: string;
  name: string;
}

const LEFTOVER_PHASES = new Set<ItemPhase>(["testFailoverRunning", "waitingForCleanup", "cleanupRunning"]);

/** Items in a test failover or its cleanup (itemState's definition), with their test VM's name. */
export function leftoverItems(items: ProtectedItem[], jobs: Job[]): LeftoverItem[] {
  return items
    .map((i) => ({ item: i, phase: itemPhase(i, jobs) }))
    .filter(({ phase }) => LEFTOVER_PHASES.has(phase))
    .map(({ item: i, phase }) => ({
      id: i.id,
      friendlyName: i.properties.friendlyName ?? i.name,
      testFailoverState: i.properties.testFailoverState ?? "unknown",
      phase,
      testVmName: testVmNameOf(i),
    }));
}

function testVmNameOf(i: ProtectedItem): string | undefined {
  const n = i.properties.providerSpecificDetails?.recoveryAzureVmName ?? i.properties.friendlyName;
  return n ? `${n}-test` : undefined;
}

/** Test VMs of idle items: named `<item's recovery VM name>-test`, but no test failover of the item is active. */
export function orphanTestVms(vms: { id: string; name: string }[], items: ProtectedItem[], jobs: Job[]): OrphanVm[] {
  const active = new Set(leftoverItems(items, jobs).map((l) => (l.testVmName ?? "").toLowerCase()));
  const testVmNames = new Set(
    items
      .map(testVmNameOf)
      .filter((n): n is string => n !== undefined)
      .map((n) => n.toLowerCase()),
  );
  return vms
    .filter((vm) => testVmNames.has(vm.name.toLowerCase()) && !active.has(vm.name.toLowerCase()))
    .map((vm) => ({ id: vm.id, name: vm.name }));
}

export function janitorComment(reason: string, at: Date = new Date()): string {
  return `failover-drill janitor: ${reason} ${at.toISOString()}`.slice(0, 1024);
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function allJobs(client: SiteRecoveryDrillClient): Promise<Job[]> {
  const jobs: Job[] = [];
  let next: string | undefined;
  for (let page = 0; page < 50; page++) {
    const r = await client.listJobsPage(next);
    jobs.push(...r.jobs);
    next = r.nextLink;
    if (!next) break;
  }
  return jobs;
}

async function listVms(client: SiteRecoveryDrillClient, subscriptionId: string): Promise<{ id: string; name: string }[]> {
  return client.arm.listAll<{ id: string; name: string }>(`/subscriptions/${subscriptionId}/providers/Microsoft.Compute/virtualMachines`, {
    "api-version": COMPUTE_API_VERSION,
  });
}

export async function runJanitor(opts: JanitorOptions): Promise<number> {
  const settings = readStackSettings(opts.stack);
  const vault = opts.vault ?? settings.vault;
  // No fixture and resume: a local endpoint continues the state as the killed drill left it (and refuses
  // a folder that holds none).
  const world: DrillWorld = await prepareWorld(
    { ...settings, vault },
    { stateDir: opts.stateDir, localStateDir: opts.localState, speed: opts.speed, port: opts.port, resume: true, mustExist: true },
  );
  try {
    say(
      `vault ${vault.name} (${vault.resourceGroup}, subscription ${vault.subscriptionId}) on ${world.description}${opts.dryRun ? " — dry run, nothing is changed" : ""}`,
    );
    Object.assign(process.env, world.env);
    await runPreflight({ stack: opts.stack, arm: world.arm, env: process.env, plugins: world.plugins }, [credentialFound]);
    return await clean(opts, vault, world);
  } finally {
    await world.close();
  }
}

async function clean(opts: JanitorOptions, vault: VaultRef, world: DrillWorld): Promise<number> {
  const client = new SiteRecoveryDrillClient(vault, { ...world.arm, pollIntervalInMs: 5_000, log: (line) => say(`  ${line}`) });
  const deadline = Date.now() + opts.waitMinutes * 60_000;
  const items = await client.listProtectedItems();
  const jobs = await allJobs(client);
  const leftovers = leftoverItems(items, jobs);
  const orphans = orphanTestVms(await listVms(client, vault.subscriptionId), items, jobs);
  if (leftovers.length === 0 && orphans.length === 0) {
    say("nothing left: every protected item is idle and no orphaned test VM");
    return JanitorExit.Clean;
  }
  for (const l of leftovers)
    say(
      `protected item ${l.friendlyName}: testFailoverState ${l.testFailoverState} (${l.phase}${l.testVmName ? `, test VM ${l.testVmName}` : ""})`,
    );
  for (const o of orphans) say(`orphaned test VM ${o.name}: no test failover of its item is active (${o.id})`);
  if (opts.dryRun) return JanitorExit.Clean;

  const problems: string[] = [];
  // 1. Test failovers still running: follow their jobs to the end (cleanup is refused while they run).
  for (const l of leftovers.filter((x) => x.phase === "testFailoverRunning")) {
    const item = items.find((i) => i.id === l.id)!;
    const job = runningJobsOf(item, jobs)[0];
    say(`waiting for the running test failover of ${l.friendlyName}${job ? ` (job ${job.name})` : ""}`);
    try {
      if (job)
        await client
          .resumeJob(job.name, `test failover of ${l.friendlyName}`)
          .pollUntilDone({ timeoutInMs: Math.max(1, deadline - Date.now()) });
    } catch (err) {
      problems.push(`${l.friendlyName}: the running test failover did not finish: ${(err as Error).message}`);
    }
  }
  // 2. Everything waiting for its cleanup: testFailoverCleanup with the janitor's note.
  const nowJobs = await allJobs(client);
  for (const item of await client.listProtectedItems()) {
    if (itemPhase(item, nowJobs) !== "waitingForCleanup") continue;
    const name = item.properties.friendlyName ?? item.name;
    const comments = janitorComment(`test failover of ${name} left ${item.properties.testFailoverState} (no drill cleaned it up);`);
    say(`cleaning up ${name}: POST testFailoverCleanup, comments "${comments}"`);
    try {
      const poller = await client.beginTestFailoverCleanup(
        { kind: "protectedItem", id: item.id, label: `test failover cleanup of ${name}` },
        comments,
      );
      const job = await poller.pollUntilDone({ timeoutInMs: Math.max(1, deadline - Date.now()) });
      if ((job.properties?.state ?? "").toLowerCase() !== "succeeded")
        problems.push(`${name}: the test failover cleanup job ended ${job.properties?.state}`);
    } catch (err) {
      problems.push(`${name}: test failover cleanup failed: ${(err as Error).message}`);
    }
  }
  // 3. Cleanups still running (ours and earlier ones): wait until every item is idle.
  for (;;) {
    const still = leftoverItems(await client.listProtectedItems(), await allJobs(client));
    if (still.length > 0 && still.every((l) => l.phase === "cleanupRunning") && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 1000));
      continue;
    }
    for (const l of still) problems.push(`protected item ${l.friendlyName}: still ${l.phase} (testFailoverState ${l.testFailoverState})`);
    break;
  }
  // 4. Orphaned test VMs, now that the cleanups removed the test VMs ASR knew about.
  const orphansNow = orphanTestVms(await listVms(client, vault.subscriptionId), await client.listProtectedItems(), await allJobs(client));
  for (const o of orphansNow) {
    if (!world.deleteTestVm) {
      problems.push(`orphaned test VM ${o.id}: delete it yourself (the drill's client never deletes)`);
      continue;
    }
    say(`deleting orphaned test VM ${o.name} (janitor: no active test failover, ${new Date().toISOString()})`);
    try {
      for (const id of await world.deleteTestVm(o, vault.subscriptionId)) say(`  deleted ${id}`);
    } catch (err) {
      problems.push(`orphaned test VM ${o.name}: ${(err as Error).message}`);
    }
  }
  if (problems.length) {
    say(`janitor: NOT clean:\n  ${problems.join("\n  ")}`);
    return JanitorExit.Leftovers;
  }
  say("janitor: clean — every protected item is idle again, no orphaned test VM left");
  return JanitorExit.Clean;
}

if (require.main === module) main("janitor", JANITOR_HELP, () => parseJanitorArgs(process.argv.slice(2)), runJanitor);
