// One end-to-end CLI drill as a user runs it (`node dist/scripts/drill.js --fixture <generated estate>`):
// the real runner starts the twin, runs the policy gate, `pulumi up`, the report and evidence, `pulumi
// destroy` and the cleanup confirmation. Measured from outside: wall time per phase (from the runner's
// banners and Pulumi's "Duration:" lines as they arrive), ARM requests by kind (the twin's request log,
// fetched while the drill runs so the log's cap never drops any), peak RSS of every process of the drill
// (/proc), output lines and the report's size.
import { spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { ROOT } from "../scripts/lib/pulumiCli";
import { generateEstate } from "../twin/fixtures/generate";
import { countByKind, type LogEntry } from "./lib";
import { sampleProcessTree, type TreeMemory } from "./processTree";
import { requestKind, isRunCommandRequest } from "./requestKinds";
import * as YAML from "yaml";
import { cliDrillStackConfig, type BenchScope } from "./stackConfig";

export interface CliCase {
  name: string;
  /** Application VMs; the DC copy comes on top. */
  vms: number;
  plans: number;
  /**
   * What the drill targets: "plan" = scope.recoveryPlan rp-synthetic-1 (≤ 100 VMs); "plans" =
   * scope.recoveryPlans naming every generated plan (one TestFailover per plan); "items" = scope.items
   * listing every application VM (one item-level test failover each).
   */
  scope: "plan" | "plans" | "items";
  /** Application expectations in an expectedFile + one expectedRules check, as a large drill is written. */
  expectationsInFile?: boolean;
  /** "every VM": size, IP, NIC count and one in-guest check per VM; "DC only": the applications expect nothing. */
  expectations: "every VM" | "DC only";
}

/**
 * Linux's limit on one environment string (MAX_ARG_STRLEN, 32 pages). The Node.js SDK reads the whole stack
 * config from one variable, PULUMI_CONFIG (@pulumi/pulumi runtime/config.js, `configEnvKey`), so a larger
 * config cannot start the program: exec fails with "argument list too long".
 */
export const MAX_ENV_STRING_BYTES = 131_072;

export interface PreparedCliDrill {
  fixture: ReturnType<typeof generateEstate>;
  scope: BenchScope;
  drillId: string;
  configText: string;
  /** Files the config names (expectedFile), by name at the checkout root. */
  files: Record<string, string>;
  /** Size of the PULUMI_CONFIG=… string the language host would pass the program. */
  pulumiConfigBytes: number;
}

export function prepareCliDrill(c: CliCase): PreparedCliDrill {
  const fixture = generateEstate({
    items: c.vms,
    plans: c.plans,
    itemsPerPlan: Math.min(100, Math.ceil(c.vms / c.plans)),
    domainController: true,
  });
  const scope: BenchScope =
    c.scope === "plan"
      ? { recoveryPlan: "rp-synthetic-1" }
      : c.scope === "plans"
        ? { recoveryPlans: (fixture.recoveryPlans ?? []).map((p) => p.name) }
        : { items: (fixture.recoveryPlans ?? []).flatMap((p) => p.bootGroups.flat()).map((friendlyName) => ({ friendlyName })) };
  const drillId = `bench-cli-${c.vms}`;
  const { configText, files } = cliDrillStackConfig(fixture, drillId, scope, {
    applicationExpectations: c.expectations === "every VM",
    // Git-ignored as /Pulumi.bench-*.yaml is, removed after the drill.
    expectedFile: c.expectationsInFile ? `Pulumi.${drillId}.expected.json` : undefined,
  });
  // As the engine hands config to the language host: every key with its value as a string (objects as JSON).
  const config = (YAML.parse(configText) as { config: Record<string, unknown> }).config;
  const flat = Object.fromEntries(Object.entries(config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
  return { fixture, scope, drillId, configText, files, pulumiConfigBytes: Buffer.byteLength(`PULUMI_CONFIG=${JSON.stringify(flat)}`) + 1 };
}

/**
 * "setup" runs from the spawn to the runner's world banner (`=== stack <name> on the Azure twin …`, printed
 * once the twin is up), so it includes starting the twin; "preflight" is the bad-input and evidence-store
 * checks before the policy gate.
 */
export const PHASES = ["setup", "preflight", "policy gate", "up", "report + evidence", "destroy", "confirmation", "shutdown"] as const;
export type Phase = (typeof PHASES)[number];

/**
 * A Pulumi command has ended: the stack resource's step line the runner prints from engine events
 * (`create pulumi:pulumi:Stack failover-drill-test succeeded (16.0 s)`), or the CLI's own `Duration:`.
 */
const COMMAND_END = /^(Duration: |\w+ pulumi:pulumi:Stack \S+ (succeeded|failed))/;

/** The line that starts each phase after "setup" (matched in order, each after the previous one). */
const PHASE_STARTS: [Exclude<Phase, "setup">, RegExp][] = [
  ["preflight", /^=== stack \S+ on /],
  ["policy gate", /^=== policy gate/],
  ["up", /^=== drill: pulumi up/],
  ["report + evidence", COMMAND_END],
  ["destroy", /^=== cleanup: pulumi destroy/],
  ["confirmation", COMMAND_END],
  ["shutdown", /^cleanup (NOT )?confirmed/],
];

export interface CliDrillResult extends CliCase {
  scopeDescription: string;
  pulumiConfigBytes: number;
  speed: number;
  exitCode: number;
  passed: boolean;
  wallSeconds: { total: number; phases: Partial<Record<Phase, number>> };
  longestSilenceInUpSeconds: number;
  outputLines: { total: number; up: number };
  requests: {
    total: number;
    /** Requests the twin's log dropped before the bench fetched them (its cap is 20,000 entries). */
    missed: number;
    reads: number;
    writes: number;
    polls: number;
    runCommand: number;
    beyondRunCommand: number;
    beyondRunCommandPerVm: number;
    byKind: Record<string, number>;
    byPhase: Partial<Record<Phase, number>>;
  };
  memory: TreeMemory & { byLabel: { label: string; processes: number; maxPeakMB: number; cpuSeconds: number }[] };
  report: { htmlBytes?: number; jsonBytes?: number; mdBytes?: number; verdict?: string };
  /** The drill's output, kept (with its state and reports) when it did not pass or BENCH_KEEP=1. */
  logFile?: string;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

interface TimedLine {
  atMs: number;
  text: string;
}

/** Phase start times (ms since the epoch), in order; phases whose line never came are absent. */
export function phaseStarts(lines: TimedLine[], spawnedAtMs: number): { phase: Phase; atMs: number }[] {
  const out: { phase: Phase; atMs: number }[] = [{ phase: "setup", atMs: spawnedAtMs }];
  let next = 0;
  for (const l of lines) {
    if (next >= PHASE_STARTS.length) break;
    // A phase whose marker never appears (e.g. no destroy after a failed up) must not block the later
    // ones: look ahead for the first marker that matches.
    for (let k = next; k < PHASE_STARTS.length; k++) {
      if (PHASE_STARTS[k][1].test(l.text)) {
        // The end of a Pulumi command only counts right after the phase it ends.
        if (PHASE_STARTS[k][1] === COMMAND_END && k !== next) continue;
        out.push({ phase: PHASE_STARTS[k][0], atMs: l.atMs });
        next = k + 1;
        break;
      }
    }
  }
  return out;
}

function phaseAt(starts: { phase: Phase; atMs: number }[], atMs: number): Phase {
  let p: Phase = starts[0].phase;
  for (const s of starts) if (s.atMs <= atMs) p = s.phase;
  return p;
}

function size(file: string): number | undefined {
  try {
    return fs.statSync(file).size;
  } catch {
    return undefined;
  }
}

async function fetchLog(twinUrl: string, since: number): Promise<LogEntry[]> {
  const r = await fetch(`${twinUrl}/_twin/requests?since=${since}`);
  if (!r.ok) throw new Error(`GET /_twin/requests: ${r.status}`);
  return ((await r.json()) as { value: LogEntry[] }).value;
}

export async function runCliDrill(
  c: CliCase,
  speed: number,
  log: (line: string) => void,
  prepared = prepareCliDrill(c),
): Promise<CliDrillResult> {
  const { fixture, scope, drillId } = prepared;
  const plans = fixture.recoveryPlans ?? [];
  const scopeDescription =
    c.scope === "plan"
      ? `recovery plan rp-synthetic-1 (${plans[0].bootGroups.flat().length} VMs)`
      : c.scope === "plans"
        ? `recovery plans rp-synthetic-1..${plans.length} (${plans.length} × ${plans[0].bootGroups.flat().length} VMs)`
        : `scope.items (${"items" in scope ? scope.items.length : 0} protected items)`;
  const stack = drillId;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `failover-drill-bench-cli-${c.vms}-`));
  // The runner reads Pulumi.<stack>.yaml from the checkout (it has no --config flag): a generated one
  // lives there for the run only (git-ignored as /Pulumi.bench-*.yaml).
  const configFile = path.join(ROOT, `Pulumi.${stack}.yaml`);
  const fixtureFile = path.join(dir, "fixture.json");
  const logFile = path.join(dir, "drill.log");
  fs.writeFileSync(fixtureFile, JSON.stringify(fixture));
  fs.writeFileSync(configFile, prepared.configText);
  const besideConfig = Object.keys(prepared.files).map((name) => path.join(ROOT, name));
  for (const [name, text] of Object.entries(prepared.files)) fs.writeFileSync(path.join(ROOT, name), text);
  fs.mkdirSync(path.join(dir, "backend"));
  const port = await freePort();
  const args = [
    path.join(ROOT, "dist", "scripts", "drill.js"),
    "--fixture",
    fixtureFile,
    "--speed",
    String(speed),
    "--stack",
    stack,
    "--port",
    String(port),
    "--state",
    path.join(dir, "state"),
    "--reports",
    path.join(dir, "reports"),
  ];
  const env = { ...process.env, PULUMI_BACKEND_URL: `file://${path.join(dir, "backend")}` };
  const out = fs.createWriteStream(logFile);
  const lines: TimedLine[] = [];
  const entries = new Map<number, LogEntry>();
  let twinUrl: string | undefined;
  let lastSeq = 0;
  let fetching: Promise<void> | undefined;
  let keep = true;
  const pull = async () => {
    if (!twinUrl) return;
    try {
      for (const e of await fetchLog(twinUrl, lastSeq)) {
        entries.set(e.seq, e);
        lastSeq = Math.max(lastSeq, e.seq);
      }
    } catch {
      // The twin is gone (the drill stopped it): the runner's saved requests.json has the rest.
    }
  };
  try {
    const spawnedAt = Date.now();
    const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    const sampler = sampleProcessTree(child.pid as number);
    const poller = setInterval(() => {
      fetching ??= pull().finally(() => (fetching = undefined));
    }, 5000);
    const onData = (partial: { rest: string }) => (d: Buffer) => {
      out.write(d);
      const text = partial.rest + d.toString();
      const parts = text.split("\n");
      partial.rest = parts.pop() ?? "";
      const at = Date.now();
      for (const p of parts) {
        lines.push({ atMs: at, text: p.replace(/\r$/, "") });
        const m = /^twin at (http:\/\/\S+)/.exec(p);
        if (m) twinUrl = m[1];
      }
    };
    const so = { rest: "" };
    const se = { rest: "" };
    child.stdout.on("data", onData(so));
    child.stderr.on("data", onData(se));
    const exitCode = await new Promise<number>((resolve, reject) => {
      child.on("error", reject);
      child.on("close", (code) => resolve(code ?? -1));
    });
    const endedAt = Date.now();
    for (const rest of [so.rest, se.rest]) if (rest) lines.push({ atMs: endedAt, text: rest });
    clearInterval(poller);
    const memory = sampler.stop();
    await fetching;
    out.end();

    // The runner saves the whole log on exit; entries the bench already fetched keep their seq.
    const saved = path.join(dir, "state", "requests.json");
    if (fs.existsSync(saved))
      for (const e of (JSON.parse(fs.readFileSync(saved, "utf8")) as { value: LogEntry[] }).value) entries.set(e.seq, e);
    const all = [...entries.values()].sort((a, b) => a.seq - b.seq);
    const missed = all.length ? all[all.length - 1].seq - all.length : 0;

    const starts = phaseStarts(lines, spawnedAt);
    const phases: Partial<Record<Phase, number>> = {};
    starts.forEach((s, i) => (phases[s.phase] = ((starts[i + 1]?.atMs ?? endedAt) - s.atMs) / 1000));
    const upStart = starts.find((s) => s.phase === "up");
    const upEnd = upStart ? (starts[starts.indexOf(upStart) + 1]?.atMs ?? endedAt) : undefined;
    const upLines = upStart ? lines.filter((l) => l.atMs >= upStart.atMs && l.atMs < (upEnd as number)) : [];
    let silence = 0;
    for (let i = 1; i < upLines.length; i++) silence = Math.max(silence, upLines[i].atMs - upLines[i - 1].atMs);
    if (upLines.length && upEnd) silence = Math.max(silence, upEnd - upLines[upLines.length - 1].atMs);

    const byKind: Record<string, number> = {};
    const byPhase: Partial<Record<Phase, number>> = {};
    let runCommand = 0;
    for (const e of all) {
      const k = requestKind(e);
      byKind[k] = (byKind[k] ?? 0) + 1;
      const p = phaseAt(starts, Date.parse(e.wallTime));
      byPhase[p] = (byPhase[p] ?? 0) + 1;
      if (isRunCommandRequest(e)) runCommand++;
    }
    const coarse = countByKind(all);
    const vmsInDrill = c.vms + 1;
    const reportDir = path.join(dir, "reports", drillId);
    let verdict: string | undefined;
    try {
      verdict = (JSON.parse(fs.readFileSync(path.join(reportDir, "report.json"), "utf8")) as { verdict?: string }).verdict;
    } catch {
      verdict = undefined;
    }
    const byLabel = new Map<string, { label: string; processes: number; maxPeakMB: number; cpuSeconds: number }>();
    for (const p of memory.processes) {
      const g = byLabel.get(p.label) ?? { label: p.label, processes: 0, maxPeakMB: 0, cpuSeconds: 0 };
      g.processes++;
      g.maxPeakMB = Math.max(g.maxPeakMB, p.peakMB);
      g.cpuSeconds = Math.round((g.cpuSeconds + p.cpuSeconds) * 10) / 10;
      byLabel.set(p.label, g);
    }
    const passed = exitCode === 0 && lines.some((l) => /=== drill PASSED ===/.test(l.text));
    keep = !passed || process.env.BENCH_KEEP === "1";
    if (!passed)
      log(
        `  drill exited ${exitCode}; last lines:\n${lines
          .slice(-40)
          .map((l) => `    ${l.text}`)
          .join("\n")}\n  full log: ${logFile}`,
      );
    return {
      ...c,
      scopeDescription,
      pulumiConfigBytes: prepared.pulumiConfigBytes,
      speed,
      exitCode,
      passed,
      wallSeconds: { total: (endedAt - spawnedAt) / 1000, phases },
      longestSilenceInUpSeconds: silence / 1000,
      outputLines: { total: lines.length, up: upLines.length },
      requests: {
        total: all.length,
        missed,
        reads: coarse.reads,
        writes: coarse.writes,
        polls: coarse.polls,
        runCommand,
        beyondRunCommand: all.length - runCommand,
        beyondRunCommandPerVm: Math.round(((all.length - runCommand) / vmsInDrill) * 100) / 100,
        byKind,
        byPhase,
      },
      memory: { ...memory, byLabel: [...byLabel.values()].sort((a, b) => b.maxPeakMB - a.maxPeakMB) },
      report: {
        htmlBytes: size(path.join(reportDir, "report.html")),
        jsonBytes: size(path.join(reportDir, "report.json")),
        mdBytes: size(path.join(reportDir, "report.md")),
        verdict,
      },
      ...(keep ? { logFile } : {}),
    };
  } finally {
    fs.rmSync(configFile, { force: true });
    for (const f of besideConfig) fs.rmSync(f, { force: true });
    // A failed run keeps its log, state and reports for a look; a passed one leaves nothing behind.
    if (!keep) fs.rmSync(dir, { recursive: true, force: true });
  }
}
