// `npm run janitor`: for the day a pipeline died mid-drill and nobody ran `pulumi destroy`. Lists the
// vault's protected items left in a test-failover state and, in twin mode, orphaned test VMs (`*-test`
// with no active test failover), then cleans them up:
// - an item whose test failover still runs (InProgress) is waited for (its job is followed);
// - an item WaitingForCompletion gets POST testFailoverCleanup through the drill's allowlisted ASR client
//   (components/asr), with comments "failover-drill janitor: <reason> <timestamp>";
// - an item already cleaning up (CleanupInProgress / MarkedForDeletion) is waited out to None;
// - twin mode only: an orphaned test VM (and its NICs and disks) is deleted on the twin. Against Azure
//   it is listed for a person to delete: the drill's client can never DELETE (components/asr/allowlist.ts).
//
//   npm run janitor -- [--dry-run] [--stack NAME | --vault sub/rg/name]
//                      [--twin-state DIR] [--port N] [--speed X]     twin mode (default: .state/drill/twin)
//                      [--azure [--endpoint URL]]                    real Azure, DefaultAzureCredential
//                      [--wait-minutes N]
//
// Exit: 0 nothing left (or --dry-run), 13 something could not be cleaned, 2 usage.
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { SiteRecoveryDrillClient, COMPUTE_API_VERSION, NETWORK_API_VERSION } from "../components/asr/asrClient";
import { itemPhase } from "../components/asr/provider";
import type { ProtectedItem } from "../components/asr/types";
import type { VaultRef } from "./lib/cleanupCheck";
import { ROOT } from "./lib/pulumiCli";
import { startTwinProcess, type TwinProcess } from "./lib/twinProcess";

export const JanitorExit = { Clean: 0, Usage: 2, Leftovers: 13 } as const;
const TWIN_TOKEN = "failover-drill-twin";
const DISKS_API_VERSION = "2024-03-02";

export interface JanitorOptions {
  dryRun: boolean;
  stack: string;
  vault?: VaultRef;
  mode: "twin" | "azure";
  twinState: string;
  port: number;
  speed: number;
  endpoint: string;
  waitMinutes: number;
}

export class JanitorUsageError extends Error {}

export function parseJanitorArgs(argv: string[]): JanitorOptions {
  const opts: JanitorOptions = {
    dryRun: false,
    stack: "test",
    mode: "twin",
    twinState: path.join(ROOT, ".state", "drill", "twin"),
    port: 0,
    speed: 60,
    endpoint: "https://management.azure.com",
    waitMinutes: 60,
  };
  let sawTwinState = false;
  let sawAzure = false;
  const value = (i: number, flag: string): string => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith("--")) throw new JanitorUsageError(`${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    switch (a) {
      case "--dry-run":
        opts.dryRun = true;
        break;
      case "--stack":
        opts.stack = value(i++, a);
        break;
      case "--vault": {
        const v = value(i++, a);
        const parts = v.split("/");
        if (parts.length !== 3 || parts.some((p) => !p)) throw new JanitorUsageError(`--vault ${v}: expected <subscriptionId>/<resourceGroup>/<vault name>`);
        opts.vault = { subscriptionId: parts[0], resourceGroup: parts[1], name: parts[2] };
        break;
      }
      case "--twin-state":
        opts.twinState = path.resolve(value(i++, a));
        sawTwinState = true;
        break;
      case "--port": {
        const p = Number(value(i++, a));
        if (!Number.isInteger(p) || p < 0 || p > 65535) throw new JanitorUsageError(`--port ${argv[i]}: expected a TCP port`);
        opts.port = p;
        break;
      }
      case "--speed": {
        const s = Number(value(i++, a));
        if (!(s > 0)) throw new JanitorUsageError(`--speed ${argv[i]}: expected a positive number`);
        opts.speed = s;
        break;
      }
      case "--azure":
        sawAzure = true;
        opts.mode = "azure";
        break;
      case "--endpoint":
        opts.endpoint = value(i++, a);
        break;
      case "--wait-minutes": {
        const m = Number(value(i++, a));
        if (!(m > 0)) throw new JanitorUsageError(`--wait-minutes ${argv[i]}: expected a positive number`);
        opts.waitMinutes = m;
        break;
      }
      default:
        throw new JanitorUsageError(`unknown flag ${a}; see the header of scripts/janitor.ts`);
    }
  }
  if (sawAzure && sawTwinState) throw new JanitorUsageError("--azure and --twin-state exclude each other");
  return opts;
}

/** The vault from --vault, else from Pulumi.<stack>.yaml (failover-drill:vault). */
export function resolveVault(opts: JanitorOptions): VaultRef {
  if (opts.vault) return opts.vault;
  const file = path.join(ROOT, `Pulumi.${opts.stack}.yaml`);
  if (!fs.existsSync(file)) throw new JanitorUsageError(`no ${path.relative(ROOT, file)}: pass --vault <subscriptionId>/<resourceGroup>/<vault name> or --stack NAME`);
  const config = (YAML.parse(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> }).config ?? {};
  const vault = config["failover-drill:vault"] as VaultRef | undefined;
  if (!vault?.subscriptionId || !vault.resourceGroup || !vault.name) {
    throw new JanitorUsageError(`${path.relative(ROOT, file)}: failover-drill:vault needs subscriptionId, resourceGroup and name (or pass --vault)`);
  }
  return vault;
}

export interface LeftoverItem {
  id: string;
  friendlyName: string;
  testFailoverState: string;
  phase: ReturnType<typeof itemPhase>;
  testVmName?: string;
}

export interface OrphanVm {
  id: string;
  name: string;
}

/** Protected items not idle (testFailoverState other than None). */
export function leftoverItems(items: ProtectedItem[]): LeftoverItem[] {
  return items
    .filter((i) => itemPhase(i) !== "idle")
    .map((i) => ({
      id: i.id,
      friendlyName: i.properties.friendlyName ?? i.name,
      testFailoverState: i.properties.testFailoverState ?? "unknown",
      phase: itemPhase(i),
      testVmName: testVmNameOf(i),
    }));
}

function testVmNameOf(i: ProtectedItem): string | undefined {
  const n = i.properties.providerSpecificDetails?.recoveryAzureVmName ?? i.properties.friendlyName;
  return n ? `${n}-test` : undefined;
}

/** `*-test` VMs that belong to no item with an active test failover. */
export function orphanTestVms(vms: { id: string; name: string }[], items: ProtectedItem[]): OrphanVm[] {
  const active = new Set(leftoverItems(items).map((l) => (l.testVmName ?? "").toLowerCase()));
  return vms.filter((vm) => /-test$/i.test(vm.name) && !active.has(vm.name.toLowerCase())).map((vm) => ({ id: vm.id, name: vm.name }));
}

export function janitorComment(reason: string, at: Date = new Date()): string {
  return `failover-drill janitor: ${reason} ${at.toISOString()}`.slice(0, 1024);
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function listTestVms(client: SiteRecoveryDrillClient, subscriptionId: string): Promise<{ id: string; name: string }[]> {
  return client.arm.listAll<{ id: string; name: string }>(`/subscriptions/${subscriptionId}/providers/Microsoft.Compute/virtualMachines`, { "api-version": COMPUTE_API_VERSION });
}

/** Twin only: the orphan and what hangs off it, deleted with plain ARM DELETEs on the twin (outside the allowlist). */
async function deleteOrphanOnTwin(twinUrl: string, subscriptionId: string, vm: OrphanVm): Promise<string[]> {
  const headers = { Authorization: `Bearer ${TWIN_TOKEN}` };
  const removed: string[] = [];
  const del = async (id: string, apiVersion: string) => {
    const res = await fetch(`${twinUrl}${id}?api-version=${apiVersion}`, { method: "DELETE", headers });
    if (!res.ok && res.status !== 404) throw new Error(`DELETE ${id} answered ${res.status}: ${await res.text()}`);
    // Async deletes (202) finish on the twin's clock; wait until the resource is gone.
    for (let i = 0; i < 600; i++) {
      const r = await fetch(`${twinUrl}${id}?api-version=${apiVersion}`, { headers });
      if (r.status === 404) break;
      await new Promise((res2) => setTimeout(res2, 100));
    }
    removed.push(id);
  };
  const list = async (p: string, apiVersion: string) =>
    (((await (await fetch(`${twinUrl}${p}?api-version=${apiVersion}`, { headers })).json()) as { value?: { id: string; name: string }[] }).value ?? []);
  await del(vm.id, COMPUTE_API_VERSION);
  const prefix = vm.name.toLowerCase();
  for (const nic of await list(`/subscriptions/${subscriptionId}/providers/Microsoft.Network/networkInterfaces`, NETWORK_API_VERSION)) {
    if (nic.name.toLowerCase().startsWith(prefix)) await del(nic.id, NETWORK_API_VERSION);
  }
  for (const disk of await list(`/subscriptions/${subscriptionId}/providers/Microsoft.Compute/disks`, DISKS_API_VERSION)) {
    if (disk.name.toLowerCase().startsWith(prefix)) await del(disk.id, DISKS_API_VERSION);
  }
  return removed;
}

export async function runJanitor(opts: JanitorOptions): Promise<number> {
  const vault = resolveVault(opts);
  let twin: TwinProcess | undefined;
  if (opts.mode === "twin") {
    if (!fs.existsSync(path.join(opts.twinState, "twin-state.json"))) {
      throw new JanitorUsageError(`no twin state in ${opts.twinState} (twin-state.json): nothing a drill could have left there; pass --twin-state DIR`);
    }
    // No fixture: the twin resumes the state as the killed drill left it (running jobs continue).
    twin = await startTwinProcess({ port: opts.port, stateDir: opts.twinState, speed: opts.speed });
    say(`twin at ${twin.url} on ${path.relative(process.cwd(), opts.twinState) || opts.twinState}`);
  }
  const endpoint = twin ? twin.url : opts.endpoint;
  const env = process.env.FAILOVER_DRILL_TWIN_TOKEN;
  if (twin) process.env.FAILOVER_DRILL_TWIN_TOKEN = TWIN_TOKEN;
  const client = new SiteRecoveryDrillClient(vault, {
    endpoint,
    credentialMode: twin ? "twin" : "default",
    pollIntervalInMs: 5_000,
    log: (line) => say(`  ${line}`),
  });
  const deadline = Date.now() + opts.waitMinutes * 60_000;
  try {
    say(`vault ${vault.name} (${vault.resourceGroup}, subscription ${vault.subscriptionId})${opts.dryRun ? " — dry run, nothing is changed" : ""}`);
    const items = await client.listProtectedItems();
    const leftovers = leftoverItems(items);
    const orphans = twin ? orphanTestVms(await listTestVms(client, vault.subscriptionId), items) : [];
    if (leftovers.length === 0 && orphans.length === 0) {
      say("nothing left: every protected item is in testFailoverState None" + (twin ? " and no orphaned test VM" : ""));
      return JanitorExit.Clean;
    }
    for (const l of leftovers) say(`protected item ${l.friendlyName}: testFailoverState ${l.testFailoverState}${l.testVmName ? ` (test VM ${l.testVmName})` : ""}`);
    for (const o of orphans) say(`orphaned test VM ${o.name}: no protected item has an active test failover for it (${o.id})`);
    if (opts.dryRun) return JanitorExit.Clean;

    const problems: string[] = [];
    // 1. Test failovers still running: follow their jobs to the end (cleanup is refused while they run).
    for (const l of leftovers.filter((x) => x.phase === "running")) {
      const item = items.find((i) => i.id === l.id)!;
      const jobId = item.properties.currentScenario?.jobId;
      const jobName = jobId && (item.properties.currentScenario?.scenarioName ?? "").toLowerCase() === "testfailover" ? jobId.split("/").pop() : undefined;
      say(`waiting for the running test failover of ${l.friendlyName}${jobName ? ` (job ${jobName})` : ""}`);
      try {
        if (jobName) await client.resumeJob(jobName, `test failover of ${l.friendlyName}`).pollUntilDone({ timeoutInMs: Math.max(1, deadline - Date.now()) });
        // Without a job id on the item, watch the item itself.
        while (Date.now() < deadline) {
          const now = await client.getProtectedItem(l.id);
          if (!now || itemPhase(now) !== "running") break;
          await new Promise((r) => setTimeout(r, 1000));
        }
      } catch (err) {
        problems.push(`${l.friendlyName}: the running test failover did not finish: ${(err as Error).message}`);
      }
    }
    // 2. Everything waiting for completion: testFailoverCleanup with the janitor's note.
    for (const item of await client.listProtectedItems()) {
      if (itemPhase(item) !== "waiting") continue;
      const name = item.properties.friendlyName ?? item.name;
      const comments = janitorComment(`test failover of ${name} left ${item.properties.testFailoverState} (no drill cleaned it up);`);
      say(`cleaning up ${name}: POST testFailoverCleanup, comments "${comments}"`);
      try {
        const poller = await client.beginTestFailoverCleanup({ kind: "protectedItem", id: item.id, label: `test failover cleanup of ${name}` }, comments);
        const job = await poller.pollUntilDone({ timeoutInMs: Math.max(1, deadline - Date.now()) });
        if ((job.properties?.state ?? "").toLowerCase() !== "succeeded") problems.push(`${name}: the test failover cleanup job ended ${job.properties?.state}`);
      } catch (err) {
        problems.push(`${name}: test failover cleanup failed: ${(err as Error).message}`);
      }
    }
    // 3. Cleanups in flight (ours and earlier ones): MarkedForDeletion → None.
    for (;;) {
      const still = leftoverItems(await client.listProtectedItems());
      const cleaning = still.filter((l) => l.phase === "cleaning");
      if (still.length === cleaning.length && cleaning.length > 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 1000));
        continue;
      }
      for (const l of still) problems.push(`protected item ${l.friendlyName}: still testFailoverState ${l.testFailoverState}`);
      break;
    }
    // 4. Orphaned test VMs (twin only), now that cleanups removed the test VMs ASR knew about.
    if (twin) {
      for (const o of orphanTestVms(await listTestVms(client, vault.subscriptionId), await client.listProtectedItems())) {
        say(`deleting orphaned test VM ${o.name} on the twin (janitor: no active test failover, ${new Date().toISOString()})`);
        try {
          for (const id of await deleteOrphanOnTwin(twin.url, vault.subscriptionId, o)) say(`  deleted ${id}`);
        } catch (err) {
          problems.push(`orphaned test VM ${o.name}: ${(err as Error).message}`);
        }
      }
    } else if (orphans.length) {
      for (const o of orphans) problems.push(`orphaned test VM ${o.id}: delete it yourself (the drill's client never deletes)`);
    }
    if (problems.length) {
      say(`janitor: NOT clean:\n  ${problems.join("\n  ")}`);
      return JanitorExit.Leftovers;
    }
    say("janitor: clean — every protected item is back to testFailoverState None" + (twin ? ", no test VM left" : ""));
    return JanitorExit.Clean;
  } finally {
    if (twin) {
      process.env.FAILOVER_DRILL_TWIN_TOKEN = env;
      if (env === undefined) delete process.env.FAILOVER_DRILL_TWIN_TOKEN;
      await twin.stop();
    }
  }
}

if (require.main === module) {
  let opts: JanitorOptions;
  try {
    opts = parseJanitorArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`janitor: ${(err as Error).message}\n`);
    process.exit(JanitorExit.Usage);
  }
  runJanitor(opts).then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`janitor: ${err instanceof JanitorUsageError ? err.message : (err as Error).stack ?? err}\n`);
      process.exit(err instanceof JanitorUsageError ? JanitorExit.Usage : JanitorExit.Leftovers);
    },
  );
}
