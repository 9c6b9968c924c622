// Reliability scenarios through the real CLI on the twin: each drill gets its own backend folder, derived
// stack config and (per scenario) its own twin process, so scenarios run side by side. The invariants every
// scenario is checked against are computed from the twin's request log and its state after destroy.
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { SiteRecoveryDrillClient } from "../../components/asr/asrClient";
import { itemPhase } from "../../components/asr/itemState";
import { PulumiStack, pulumiEnv, ROOT, type CommandResult } from "../../scripts/lib/pulumiCli";
import { startTwinProcess, type TwinProcess } from "../../scripts/lib/twinProcess";
import type { RequestLogEntry } from "../../twin/requestLog";

export const TOKEN = "failover-drill-twin";
export const CONTOSO = path.join(ROOT, "twin", "fixtures", "contoso.yaml");
export const VAULT = { subscriptionId: "11111111-1111-1111-1111-111111111111", resourceGroup: "contoso-dr", name: "contoso-asr-vault" };

/** One entry of the twin's request log (GET /_twin/requests). */
export type LogEntry = RequestLogEntry;

// --------------------------------------------------------------------------------------------- twin

/** A twin process whose request log survives restarts (collected before each stop). */
export class ChaosTwin {
  private proc!: TwinProcess;
  private earlier: LogEntry[] = [];
  readonly stateDir: string;
  port = 0;

  private constructor(
    readonly dir: string,
    readonly speed: number,
  ) {
    this.stateDir = path.join(dir, "twin");
  }

  static async start(speed: number): Promise<ChaosTwin> {
    const t = new ChaosTwin(fs.mkdtempSync(path.join(os.tmpdir(), "failover-drill-chaos-twin-")), speed);
    await t.launch();
    return t;
  }

  private async launch(): Promise<void> {
    const log = fs.createWriteStream(path.join(this.dir, "twin.log"), { flags: "a" });
    this.proc = await startTwinProcess({ port: this.port, stateDir: this.stateDir, fixture: CONTOSO, speed: this.speed, logFile: log });
    this.port = this.proc.port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async fault(spec: Record<string, unknown>): Promise<void> {
    const r = await fetch(`${this.url}/_twin/faults`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(spec),
    });
    if (!r.ok) throw new Error(`fault ${JSON.stringify(spec)}: ${r.status} ${await r.text()}`);
  }

  async clearFaults(): Promise<void> {
    await fetch(`${this.url}/_twin/faults`, { method: "DELETE" });
  }

  async liveLog(): Promise<LogEntry[]> {
    const r = await fetch(`${this.url}/_twin/requests`);
    return ((await r.json()) as { value: LogEntry[] }).value;
  }

  /** Every request since the first start (entries of earlier twin processes first). */
  async log(): Promise<LogEntry[]> {
    return [...this.earlier, ...(await this.liveLog())];
  }

  /** Crash (SIGKILL) and start again on the same port and state after `downMs`. */
  async crashAndRestart(downMs: number): Promise<void> {
    this.earlier.push(...(await this.liveLog()));
    await this.proc.kill();
    await new Promise((r) => setTimeout(r, downMs));
    await this.launch();
  }

  async waitFor(pred: (log: LogEntry[]) => boolean, timeoutMs: number): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      if (pred(await this.liveLog())) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`condition not met on the twin within ${timeoutMs} ms`);
  }

  async stop(): Promise<void> {
    await this.proc.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

// --------------------------------------------------------------------------------------------- drill

export interface DrillSpec {
  /** Drill id and the test network's names derive from it (distinct per drill sharing a twin). */
  id: string;
  items: string[];
}

export interface Survivor {
  pid: number;
  cmd: string;
  /** utime + stime so far, in clock ticks (/proc/<pid>/stat). */
  cpuTicks: number;
}

/** One drill: the Contoso program at the repo root, its own backend and a derived Pulumi.test.yaml. */
export class ChaosDrill {
  readonly dir: string;
  readonly stack: PulumiStack;
  readonly testRg: string;

  constructor(
    readonly spec: DrillSpec,
    twin: ChaosTwin,
  ) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), `failover-drill-chaos-${spec.id}-`));
    this.testRg = `chaos-${spec.id}-rg`;
    const configFile = path.join(this.dir, "Pulumi.test.yaml");
    fs.writeFileSync(configFile, deriveConfig(spec, this.testRg));
    fs.mkdirSync(path.join(this.dir, "backend"));
    const env = pulumiEnv({
      backendDir: path.join(this.dir, "backend"),
      extraPath: [path.join(ROOT, "twin", "plugins", "bin")],
      base: { ...process.env, PULUMI_BACKEND_URL: undefined },
    });
    env.FAILOVER_DRILL_ARM_ENDPOINT = twin.url;
    env.FAILOVER_DRILL_TWIN_TOKEN = TOKEN;
    // Pulumi.test.yaml's arm.tokenVariable (static-token mode).
    env.FAILOVER_DRILL_ARM_TOKEN = TOKEN;
    this.stack = new PulumiStack({ programDir: ROOT, stack: "test", env, configFile });
  }

  async init(): Promise<void> {
    await this.stack.selectOrCreate();
  }

  up(): Promise<CommandResult> {
    // As the drill runner does: a lock left by a killed pulumi on this host would block every later up.
    this.stack.clearStaleLocks();
    return this.stack.pulumi(["up", "--yes", "--skip-preview"], { timeoutMs: 300_000 });
  }

  destroy(): Promise<CommandResult> {
    this.stack.clearStaleLocks();
    return this.stack.pulumi(["destroy", "--yes", "--skip-preview"], { timeoutMs: 300_000 });
  }

  /**
   * `pulumi up` in its own process group, killed with SIGKILL (the CLI, language host and providers
   * together, as a crashed CI runner would) once `when` holds on the twin's log.
   */
  async upKilledWhen(twin: ChaosTwin, when: (log: LogEntry[]) => boolean): Promise<void> {
    const o = this.stack.opts;
    const child = spawn(
      "pulumi",
      ["up", "--yes", "--skip-preview", "--non-interactive", "--stack", o.stack, "--config-file", o.configFile!],
      {
        cwd: o.programDir,
        env: o.env,
        detached: true,
        stdio: "ignore",
      },
    );
    const exited = new Promise<void>((r) => child.once("exit", () => r()));
    try {
      await twin.waitFor(when, 120_000);
    } finally {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        /* already gone */
      }
      await exited;
    }
  }

  /**
   * Processes still running for this drill (the CLI, language host, plugins: anything whose environment
   * points at this drill's backend). After a killed `up` Pulumi's plugins are in process groups of their
   * own, so they outlive the kill unless they notice the engine is gone. Linux /proc only.
   */
  survivors(): Survivor[] {
    const backend = this.stack.opts.env.PULUMI_BACKEND_URL;
    const out: Survivor[] = [];
    if (!backend || !fs.existsSync("/proc")) return out;
    for (const entry of fs.readdirSync("/proc")) {
      const pid = Number(entry);
      if (!Number.isInteger(pid) || pid === process.pid) continue;
      try {
        const env = fs.readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
        if (!env.includes(`PULUMI_BACKEND_URL=${backend}`)) continue;
        const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
        if (/^\d+ \(.*\) Z /.test(stat)) continue; // a zombie holds nothing
        const cpuTicks = stat
          .slice(stat.lastIndexOf(")") + 2)
          .split(" ")
          .slice(11, 13)
          .reduce((a, x) => a + Number(x), 0);
        out.push({ pid, cpuTicks, cmd: fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim().slice(0, 160) });
      } catch {
        /* gone, or not ours to read */
      }
    }
    return out;
  }

  async resources(): Promise<number> {
    return (await this.stack.resources()).length;
  }

  dispose(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Pulumi.test.yaml narrowed to the drill's items, no directory copy, its own test network names. */
export function deriveConfig(spec: DrillSpec, testRg: string): string {
  const doc = YAML.parseDocument(fs.readFileSync(path.join(ROOT, "Pulumi.test.yaml"), "utf8"));
  doc.setIn(["config", "failover-drill:drill", "id"], `chaos-${spec.id}`);
  doc.setIn(
    ["config", "failover-drill:scope"],
    doc.createNode({ items: spec.items.map((friendlyName) => ({ friendlyName })), recoveryPointType: "LatestProcessed" }),
  );
  doc.setIn(["config", "failover-drill:testNetwork", "resourceGroup"], testRg);
  doc.setIn(["config", "failover-drill:testNetwork", "vnetName"], `chaos-${spec.id}-vnet`);
  const cfg = doc.toJS().config;
  // No directory copy in a chaos drill, so in-guest checks that need it (name resolution answered by the
  // DC copy's test IP) cannot pass; the drill's other expectations (size, IP, NICs, power) stay.
  const dcIps = ((cfg["failover-drill:directoryCopy"]?.items ?? []) as { testIp?: string }[])
    .map((i) => i.testIp)
    .filter((ip): ip is string => !!ip);
  doc.deleteIn(["config", "failover-drill:directoryCopy"]);
  const expected = (cfg["failover-drill:expected"] ?? []) as { friendlyName: string; inGuestChecks?: { expectOutputContains: string }[] }[];
  const kept = expected
    .filter((e) => spec.items.includes(e.friendlyName))
    .map((e) => {
      const checks = (e.inGuestChecks ?? []).filter((c) => !dcIps.some((ip) => c.expectOutputContains.includes(ip)));
      const { inGuestChecks: _drop, ...rest } = e;
      return checks.length ? { ...rest, inGuestChecks: checks } : rest;
    });
  doc.setIn(["config", "failover-drill:expected"], doc.createNode(kept));
  doc.setIn(["config", "failover-drill:notes"], `chaos drill ${spec.id}`);
  doc.setIn(["config", "failover-drill:timeouts"], doc.createNode({ testFailoverMinutes: 20, cleanupMinutes: 20 }));
  return doc.toString();
}

// --------------------------------------------------------------------------------------------- invariants

const ASR = /Microsoft\.RecoveryServices/i;

export const isAcceptedTfo = (e: LogEntry) => e.method === "POST" && /\/testFailover$/i.test(e.path) && e.status >= 200 && e.status < 300;

/** Accepted test failover POSTs per target (protected item or plan path). */
export function acceptedTestFailovers(log: LogEntry[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const e of log.filter(isAcceptedTfo)) {
    const target = e.path.replace(/\/testFailover$/i, "").toLowerCase();
    m.set(target, (m.get(target) ?? 0) + 1);
  }
  return m;
}

/** ASR calls other than GETs and the two allowlisted POSTs; writes outside the drills' test resource groups. */
export function allowlistViolations(log: LogEntry[], testRgs: string[]): string[] {
  const out: string[] = [];
  const rgs = testRgs.map((r) => r.toLowerCase());
  for (const e of log) {
    if (e.method === "GET") continue;
    const p = e.path;
    if (ASR.test(p)) {
      if (!(e.method === "POST" && /\/(testFailover|testFailoverCleanup)$/i.test(p))) out.push(`${e.method} ${p}`);
      continue;
    }
    if (e.method === "POST" && /\/virtualMachines\/[^/]+-test\/runCommand$/i.test(p)) continue;
    const rg = /\/resourceGroups\/([^/]+)/i.exec(p)?.[1]?.toLowerCase();
    if (!rg || !rgs.includes(rg)) out.push(`${e.method} ${p} (outside the drill's test resource group)`);
  }
  return out;
}

/**
 * Requests repeated sooner than the Retry-After of the 429 they follow (same method, path and query;
 * the repeat's arrival = its logged end minus its duration).
 */
export function retryAfterViolations(log: LogEntry[], retryAfterSeconds: number, toleranceMs = 100): string[] {
  const out: string[] = [];
  log.forEach((e, i) => {
    if (e.status !== 429) return;
    const sent = Date.parse(e.wallTime);
    const next = log.slice(i + 1).find((n) => n.method === e.method && n.path === e.path && n.query === e.query);
    if (!next) return;
    const arrival = Date.parse(next.wallTime) - next.durationMs;
    const gap = arrival - sent;
    if (gap < retryAfterSeconds * 1000 - toleranceMs)
      out.push(`${e.method} ${e.path}: repeated after ${gap} ms (Retry-After ${retryAfterSeconds} s)`);
  });
  return out;
}

/**
 * Anything any drill left on the twin (chaos drills share one twin): an item that is not idle
 * (components/asr/itemState.ts), or a `*-test` VM, NIC or disk anywhere in the subscription.
 */
export async function orphans(twin: ChaosTwin): Promise<string[]> {
  process.env.FAILOVER_DRILL_CHAOS_TOKEN = TOKEN;
  const client = new SiteRecoveryDrillClient(VAULT, {
    endpoint: twin.url,
    credentialMode: "staticToken",
    tokenVariable: "FAILOVER_DRILL_CHAOS_TOKEN",
    maxRetries: 0,
  });
  const left: string[] = [];
  try {
    const jobs = (await client.listJobsPage()).jobs;
    for (const item of await client.listProtectedItems()) {
      const phase = itemPhase(item, jobs);
      if (phase !== "idle")
        left.push(
          `protected item ${item.properties.friendlyName ?? item.name}: ${phase} (testFailoverState ${item.properties.testFailoverState})`,
        );
    }
    const sub = `/subscriptions/${VAULT.subscriptionId}`;
    for (const [kind, p, v] of [
      ["test VM", "Microsoft.Compute/virtualMachines", "2024-07-01"],
      ["test NIC", "Microsoft.Network/networkInterfaces", "2024-05-01"],
      ["test disk", "Microsoft.Compute/disks", "2024-03-02"],
    ]) {
      for (const r of await client.arm.listAll<{ id: string; name: string }>(`${sub}/providers/${p}`, { "api-version": v })) {
        if (/-test(\b|-|_|$)/i.test(r.name)) left.push(`${kind} ${r.id}`);
      }
    }
  } catch (err) {
    left.push(`could not look: ${(err as Error).message}`);
  }
  return left;
}
