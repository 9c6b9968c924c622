// `npm run bench`: how a drill scales and what it costs, against the twin with generated estates.
//
//  0. CLI drills (bench/cliDrill.ts, run last: the longest section): the real runner end to end (`node
//     dist/scripts/drill.js --fixture <generated>`) at 4, 100 and 1,000 VMs, each with a DC copy first and
//     one in-guest check per VM, one after another: wall time per phase, ARM requests by kind, peak RSS of
//     every drill process, output lines, report size, and each figure as a ratio of the 4-VM drill's.
//  1. Scale: recovery plans of 1, 10, 50 and 100 VMs, and 10 plans x 10 VMs. Each is run twice on a fresh
//     twin process: by the TestFailover provider (components/asr, create then delete, every plan's resource
//     concurrently as the engine would), and by the baseline a user would write with the official SDK
//     (beginTestFailoverAndWait per plan + GETs per VM, beginTestFailoverCleanupAndWait + GETs per VM).
//     The provider is driven directly rather than through a full `pulumi up`: it is the component that
//     sends the drill's ASR traffic, and a CLI drill adds only the engine's and stand-in plugins' time and
//     the program's item reads, which the preview runs below measure. ARM requests are counted from the
//     twin's request log by kind (reads, writes, polls).
//  2. Tool-added latency: per job, from its endTime (virtual) to the first GET that saw it end. The twin
//     runs at speed 30, so a 30 s Retry-After becomes 1 wall second: the polling cadence in virtual time
//     is exactly the one at speed 1 (real traffic).
//  3. `pulumi preview` of index.ts with and without `--policy-pack policy` for estates of 100 and 1,000
//     items (real CLI, stand-in plugins, twin).
//  4. Peak memory (VmHWM / maxRSS) of the provider's process and the twin's process; twin GET throughput
//     (bench/twin.ts).
//
// Results: bench/results/<date>.json and .md; bench/README.md links the latest.
// Options (env): BENCH_ONLY=cli,scale,preview,twin  BENCH_CLI=4,100,1000 (CLI drill sizes)  BENCH_CLI_SPEED=60
//   BENCH_CASES=0,1 (scale case indexes)  BENCH_PREVIEW=4,100,1000 (preview sizes)  BENCH_PREVIEW_RUNS=3
//   BENCH_PREVIEW_RUNS_1000=1  BENCH_SPEED=30  BENCH_KEEP=1
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { toItemSettingsSnapshot, toProtectedItemRef } from "../components/itemSettings";
import type { TestFailoverInputs } from "../components/drillTypes";
import { PulumiStack, pulumiEnv, ROOT } from "../scripts/lib/pulumiCli";
import { generateEstate } from "../twin/fixtures/generate";
import type { Fixture } from "../twin/fixtures/load";
import {
  arm,
  ASR_API,
  PHASE_MARKER,
  clearRequestLog,
  countByKind,
  createTestNetwork,
  listAll,
  median,
  noticeLatencySeconds,
  peakRssMB,
  requestLog,
  startBenchTwin,
  TOKEN,
  vaultPath,
  type LogEntry,
} from "./lib";
import type { WorkerResult, WorkerSpec } from "./worker";
import { MAX_ENV_STRING_BYTES, prepareCliDrill, runCliDrill, PHASES, type CliCase, type CliDrillResult } from "./cliDrill";
import { BENCH_TOKEN_VARIABLE, previewStackConfig } from "./stackConfig";
import { floorAtPeak, measureImportFloor, type ImportFloor } from "./importFloor";

const SPEED = Number(process.env.BENCH_SPEED ?? 30);
const SECTIONS = ["cli", "scale", "preview", "twin"];
const ONLY = new Set((process.env.BENCH_ONLY ?? SECTIONS.join(",")).split(","));
const CLI_SPEED = Number(process.env.BENCH_CLI_SPEED ?? 60);
const PREVIEW_RUNS = Number(process.env.BENCH_PREVIEW_RUNS ?? 3);
const RETRY_AFTER_SECONDS = 30;

/**
 * The 4- and 100-VM drills target one plan with every expectation in stack config (comparable with earlier
 * runs); the 1,000-VM drill targets the estate's 10 plans of 100 (scope.recoveryPlans, the ASR maximum per
 * plan) and is written as a DR owner writes one that size: the applications' size/IP/NIC in an expectedFile,
 * their in-guest check as one expectedRules entry (stack config travels in one environment variable of at
 * most 128 KiB, MAX_ENV_STRING_BYTES). "1000-items" (scope.items listing the 1,000 VMs, one item-level
 * test failover each) is there on request.
 */
const CLI_CASES: Record<string, CliCase> = {
  "4": { name: "4 VMs + DC", vms: 4, plans: 1, scope: "plan", expectations: "every VM" },
  "100": { name: "100 VMs + DC", vms: 100, plans: 1, scope: "plan", expectations: "every VM" },
  "1000": { name: "1,000 VMs + DC", vms: 1000, plans: 10, scope: "plans", expectations: "every VM", expectationsInFile: true },
  "1000-items": {
    name: "1,000 VMs + DC as 1,000 items",
    vms: 1000,
    plans: 10,
    scope: "items",
    expectations: "every VM",
    expectationsInFile: true,
  },
};

interface ScaleCase {
  name: string;
  items: number;
  plans: number;
  perPlan: number;
}

const SCALE: ScaleCase[] = [
  { name: "1 VM, 1 plan", items: 1, plans: 1, perPlan: 1 },
  { name: "10 VMs, 1 plan", items: 10, plans: 1, perPlan: 10 },
  { name: "50 VMs, 1 plan", items: 50, plans: 1, perPlan: 50 },
  { name: "100 VMs, 1 plan", items: 100, plans: 1, perPlan: 100 },
  { name: "10 plans x 10 VMs", items: 100, plans: 10, perPlan: 10 },
];

interface Counts {
  reads: number;
  writes: number;
  polls: number;
  total: number;
}

interface ModeResult {
  requests: { create: Counts; delete: Counts; drill: Counts };
  latencySeconds: { testFailover: number[]; cleanup: number[]; max: number | undefined };
  wallSeconds: { create: number; delete: number };
  peakRssMB: { client: number; twin: number | undefined };
  ok: boolean;
  failures: string[];
  armRequestsReportedByProvider?: number[];
}

interface ScaleResult extends ScaleCase {
  provider: ModeResult;
  sdk: ModeResult;
  ratio: { requests: number; polls: number; reads: number };
}

const log = (line: string) => process.stdout.write(`${line}\n`);

function runNode(args: string[], env?: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env: env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

async function planMembers(url: string, fixture: Fixture) {
  const vp = vaultPath(fixture);
  const items = await listAll(url, `${vp}/replicationProtectedItems?${ASR_API}`);
  const byId = new Map(items.map((i) => [String(i.id).toLowerCase(), i]));
  const plans = await Promise.all(
    (fixture.recoveryPlans ?? []).map(async (p) => (await arm(url, "GET", `${vp}/replicationRecoveryPlans/${p.name}?${ASR_API}`)).body),
  );
  return plans.map((plan) => {
    const ids: string[] = plan.properties.groups.flatMap((g: any) =>
      (g.replicationProtectedItems ?? []).map((i: any) => String(i.id).toLowerCase()),
    );
    return { plan, members: ids.map((id) => byId.get(id)).filter(Boolean) as any[] };
  });
}

/** The static-token mode's variable: the provider runs in this process in "provider" mode. */
process.env[BENCH_TOKEN_VARIABLE] ??= TOKEN;

async function runMode(c: ScaleCase, mode: "provider" | "sdk"): Promise<ModeResult> {
  const fixture = generateEstate({ items: c.items, plans: c.plans, itemsPerPlan: c.perPlan });
  const bt = await startBenchTwin(fixture, SPEED);
  try {
    const net = await createTestNetwork(bt.url, fixture);
    const plans = await planMembers(bt.url, fixture);
    const vault = { subscriptionId: fixture.subscriptionId, resourceGroup: fixture.vault.resourceGroup, name: fixture.vault.name };
    const inputs: TestFailoverInputs[] = plans.map(({ plan, members }) => ({
      drillId: "bench",
      role: "application",
      vault,
      arm: { endpoint: bt.url, credentialMode: "staticToken", tokenVariable: BENCH_TOKEN_VARIABLE },
      scope: { kind: "recoveryPlan", recoveryPlanName: plan.name, recoveryPlanId: plan.id },
      testNetworkId: net.id,
      testSubnets: net.subnets,
      failoverDirection: "PrimaryToRecovery",
      recoveryPointType: "LatestProcessed",
      items: members.map((m) => toItemSettingsSnapshot(m)),
      expected: members.map((m) => ({ friendlyName: m.properties.friendlyName })),
      notes: `bench drill of ${plan.name}`,
      // One wall second is SPEED virtual seconds: the service's 30 s between job polls (as drillWorld.ts sets it).
      timeouts: { testFailoverMinutes: 60, cleanupMinutes: 60, pollIntervalSeconds: RETRY_AFTER_SECONDS / SPEED },
    }));
    const spec: WorkerSpec = {
      mode,
      twinUrl: bt.url,
      speed: SPEED,
      inputs,
      vault,
      testNetworkId: net.id,
      plans: plans.map(({ plan, members }) => ({
        name: plan.name,
        members: members.map((m) => {
          const ref = toProtectedItemRef(m);
          const rg = fixture.itemDefaults?.recoveryResourceGroup ?? "synthetic-recovery";
          return {
            fabric: ref.fabricName,
            container: ref.protectionContainerName,
            name: ref.name,
            testVmId: `/subscriptions/${fixture.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.Compute/virtualMachines/${m.properties.friendlyName}-test`,
          };
        }),
      })),
    };
    const specFile = path.join(bt.dir, "spec.json");
    fs.writeFileSync(specFile, JSON.stringify(spec));
    await clearRequestLog(bt.url);
    const r = await runNode([path.join(ROOT, "dist", "bench", "worker.js"), specFile]);
    const line = r.stdout.split("\n").find((l) => l.startsWith("RESULT "));
    if (r.code !== 0 || !line) throw new Error(`bench worker (${mode}, ${c.name}) failed (${r.code}):\n${r.stderr.slice(-3000)}`);
    const w = JSON.parse(line.slice("RESULT ".length)) as WorkerResult;
    const entries: LogEntry[] = await requestLog(bt.url);
    const twinPeak = peakRssMB(bt.twin.pid);

    // The worker sends one marker request between its create and delete phases.
    const marker = entries.findIndex((e) => e.path === PHASE_MARKER);
    if (marker < 0) throw new Error(`no phase marker in the request log (${mode}, ${c.name})`);
    const createLog = entries.slice(0, marker);
    const deleteLog = entries.slice(marker + 1);
    const drillLog = [...createLog, ...deleteLog];

    const jobs = await listAll(bt.url, `${vaultPath(fixture)}/replicationJobs?${ASR_API}`);
    const lat = (scenario: string) =>
      jobs
        .filter((j) => j.properties.scenarioName === scenario && j.properties.endTime)
        .map((j) => noticeLatencySeconds(entries, j.name, j.properties.endTime))
        .filter((x): x is number => x !== undefined);
    const tfoLat = lat("TestFailover");
    const cleanupLat = lat("TestFailoverCleanup");
    const all = [...tfoLat, ...cleanupLat];
    const failedJobs = jobs
      .filter((j) => j.properties.state !== "Succeeded")
      .map((j) => `${j.properties.scenarioName} ${j.name}: ${j.properties.state}`);
    return {
      requests: { create: countByKind(createLog), delete: countByKind(deleteLog), drill: countByKind(drillLog) },
      latencySeconds: { testFailover: tfoLat, cleanup: cleanupLat, max: all.length ? Math.max(...all) : undefined },
      wallSeconds: { create: w.createMs / 1000, delete: w.deleteMs / 1000 },
      peakRssMB: { client: w.maxRssMB, twin: twinPeak },
      ok: w.failures.length === 0 && failedJobs.length === 0 && (mode === "sdk" || w.verdicts.every((v) => v === "passed")),
      failures: [...w.failures, ...failedJobs],
      ...(mode === "provider" ? { armRequestsReportedByProvider: w.armRequestsReported } : {}),
    };
  } finally {
    await bt.stop();
  }
}

// ------------------------------------------------------------------------------------------- preview

interface PreviewResult {
  items: number;
  scope: string;
  withoutPackSeconds: number[];
  withPackSeconds: number[];
  medianWithout: number;
  medianWith: number;
  packAddsSeconds: number;
  programReadsPerRun: Counts;
  policyFindings: number;
  ok: boolean;
}

async function runPreview(items: number): Promise<PreviewResult> {
  const plans = Math.ceil(items / 100);
  const fixture = generateEstate({ items, plans, itemsPerPlan: Math.min(100, items) });
  const scope =
    items <= 100
      ? { recoveryPlan: "rp-synthetic-1", recoveryPointType: "LatestProcessed" }
      : { items: fixture.items!.map((i) => ({ friendlyName: i.name })), recoveryPointType: "LatestProcessed" };
  const bt = await startBenchTwin(fixture, SPEED);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "failover-drill-bench-preview-"));
  try {
    const configFile = path.join(dir, "Pulumi.test.yaml");
    fs.writeFileSync(configFile, previewStackConfig(fixture, scope));
    fs.mkdirSync(path.join(dir, "backend"));
    const env = pulumiEnv({
      backendDir: path.join(dir, "backend"),
      extraPath: [path.join(ROOT, "twin", "plugins", "bin")],
      base: { ...process.env, PULUMI_BACKEND_URL: undefined },
    });
    env.FAILOVER_DRILL_ARM_ENDPOINT = bt.url;
    env.FAILOVER_DRILL_TWIN_TOKEN = TOKEN;
    env[BENCH_TOKEN_VARIABLE] = TOKEN;
    // The stand-in azure-native plugin's invokes (the program's item-settings reads) use the provider's
    // subscription, not the vault's: point it at the generated estate's.
    env.ARM_SUBSCRIPTION_ID = fixture.subscriptionId;
    const stack = new PulumiStack({ programDir: ROOT, stack: "test", env, configFile });
    await stack.selectOrCreate();
    const without: number[] = [];
    const withPack: number[] = [];
    let reads: Counts | undefined;
    let findings = 0;
    let ok = true;
    // One warm-up (plugin and TypeScript caches) on the small estate, then alternate so drift hits both
    // sides equally. The 1,000-item estate is slow enough to run once each by default.
    if (items <= 100) await stack.pulumi(["preview"]);
    const runs = items <= 100 ? PREVIEW_RUNS : Number(process.env.BENCH_PREVIEW_RUNS_1000 ?? 1);
    for (let i = 0; i < runs; i++) {
      await clearRequestLog(bt.url);
      let t = Date.now();
      const a = await stack.pulumi(["preview"]);
      without.push((Date.now() - t) / 1000);
      if (a.code !== 0) {
        ok = false;
        log(a.output.slice(-3000));
      }
      reads ??= countByKind(await requestLog(bt.url));
      log(`  without the pack: ${without[without.length - 1]} s (${reads.total} program requests)`);
      t = Date.now();
      const b = await stack.previewWithPolicies(path.join(ROOT, "policy"));
      withPack.push((Date.now() - t) / 1000);
      if (!b.ok) {
        ok = false;
        log(b.result.output.slice(-3000));
      }
      findings = b.policies.length;
    }
    const mw = median(without);
    const mp = median(withPack);
    return {
      items,
      scope: items <= 100 ? `recoveryPlan rp-synthetic-1 (${items} items)` : `items (${items} protected items)`,
      withoutPackSeconds: without,
      withPackSeconds: withPack,
      medianWithout: mw,
      medianWith: mp,
      packAddsSeconds: Math.round((mp - mw) * 100) / 100,
      programReadsPerRun: reads!,
      policyFindings: findings,
      ok,
    };
  } finally {
    await bt.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// ------------------------------------------------------------------------------------------- report

function fmt(n: number | undefined, digits = 1): string {
  return n === undefined || Number.isNaN(n) ? "-" : n.toFixed(digits).replace(/\.0+$/, "");
}

function markdown(r: any): string {
  const out: string[] = [];
  out.push(`# Drill benchmark — ${r.date}`, "");
  if (r.sectionsKept?.length)
    out.push(
      `Sections measured in this run: ${r.sectionsThisRun.join(", ")}; kept from an earlier run the same day (not re-run): ${r.sectionsKept.join(", ")}.`,
      "",
    );
  out.push(
    `Machine: ${r.machine.cpus} × ${r.machine.cpuModel}, ${r.machine.memGB} GB, Node ${r.machine.node}. Twin speed ×${r.speed} (Retry-After 30 s → 1 wall s, so polling cadence in virtual time equals speed 1).`,
    "",
  );
  if (r.cli?.length)
    out.push(
      ...cliMarkdown(r.cli as CliDrillResult[], r.cliNotRun ?? [], r.cliWarmedUp === true, r.importFloor as ImportFloor | undefined),
    );
  if (r.scale?.length) {
    out.push("## ARM requests per drill (create + delete), by kind", "");
    out.push(
      "| Estate | Tool: reads / writes / polls = total | SDK baseline: reads / writes / polls = total | Tool ÷ SDK | Tool create-only | Latency max (s, virtual) | Peak RSS provider / twin (MB) | SDK client RSS (MB) | OK |",
    );
    out.push("|---|---|---|---|---|---|---|---|---|");
    for (const s of r.scale as ScaleResult[]) {
      const p = s.provider.requests.drill;
      const b = s.sdk.requests.drill;
      out.push(
        `| ${s.name} | ${p.reads} / ${p.writes} / ${p.polls} = **${p.total}** | ${b.reads} / ${b.writes} / ${b.polls} = ${b.total} | ${fmt(s.ratio.requests, 2)} | ${s.provider.requests.create.total} | ${fmt(s.provider.latencySeconds.max)} | ${s.provider.peakRssMB.client} / ${s.provider.peakRssMB.twin ?? "-"} | ${s.sdk.peakRssMB.client} | ${s.provider.ok && s.sdk.ok ? "yes" : "NO"} |`,
      );
    }
    out.push("");
    out.push(
      "Tool-added latency = virtual seconds from a job's `endTime` to the first GET that saw it finished; the poll interval is the service's Retry-After (30 s).",
      "",
    );
    out.push(
      "| Estate | Tool TFO latency (s) | Tool cleanup latency (s) | SDK TFO latency (s) | Tool wall create / delete (s) | SDK wall create / delete (s) |",
    );
    out.push("|---|---|---|---|---|---|");
    for (const s of r.scale as ScaleResult[]) {
      const l = (xs: number[]) => (xs.length ? `${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))}` : "-");
      out.push(
        `| ${s.name} | ${l(s.provider.latencySeconds.testFailover)} | ${l(s.provider.latencySeconds.cleanup)} | ${l(s.sdk.latencySeconds.testFailover)} | ${fmt(s.provider.wallSeconds.create)} / ${fmt(s.provider.wallSeconds.delete)} | ${fmt(s.sdk.wallSeconds.create)} / ${fmt(s.sdk.wallSeconds.delete)} |`,
      );
    }
    out.push("");
  }
  if (r.preview?.length) {
    out.push("## `pulumi preview` with and without the policy pack", "");
    out.push(
      "| Estate | Runs | Without pack (median s) | With pack (median s) | Pack adds (s) | Program reads per run (GETs) | Policy findings | OK |",
    );
    out.push("|---|---|---|---|---|---|---|---|");
    for (const p of r.preview as PreviewResult[]) {
      out.push(
        `| ${p.scope} | ${p.withPackSeconds.length} | ${fmt(p.medianWithout, 2)} | ${fmt(p.medianWith, 2)} | **${fmt(p.packAddsSeconds, 2)}** | ${p.programReadsPerRun.total} | ${p.policyFindings} | ${p.ok ? "yes" : "NO"} |`,
      );
    }
    out.push("");
  }
  if (r.twin) {
    out.push("## Twin GET throughput (bench/twin.ts, 1,000-item estate)", "");
    out.push(
      `${r.twin.getsPerSecond} GETs/s at concurrency ${r.twin.concurrency}, p50 ${r.twin.p50ms} ms, p99 ${r.twin.p99ms} ms; RSS with the estate ${r.twin.rssMB} MB (after the run ${r.twin.rssAfterRunMB} MB).`,
      "",
    );
  }
  if (r.goals) {
    out.push("## Goals (issues 9 and 19)", "");
    for (const g of r.goals) out.push(`- ${g.met ? "met" : "NOT met"}: ${g.goal} — ${g.figure}`);
    out.push("");
  }
  return out.join("\n");
}

async function main(): Promise<void> {
  const date = new Date().toISOString().slice(0, 10);
  const result: any = {
    date,
    speed: SPEED,
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memGB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
  };
  const dir = path.join(ROOT, "bench", "results");
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${date}.json`);
  // A partial run (BENCH_ONLY) updates its sections of the same day's results.
  const previous = fs.existsSync(file) && ONLY.size < SECTIONS.length ? JSON.parse(fs.readFileSync(file, "utf8")) : {};
  // Saved after every section (and every CLI drill): a long run cut short keeps what it measured.
  const save = (): string => {
    const merged = { ...previous, ...result };
    // Which sections this run measured; the others are an earlier run's of the same day (kept, not re-run).
    merged.sectionsThisRun = SECTIONS.filter((x) => ONLY.has(x));
    merged.sectionsKept = SECTIONS.filter((x) => !ONLY.has(x) && previous[x] !== undefined);
    merged.goals = goals(merged);
    fs.writeFileSync(file, JSON.stringify(merged, null, 2));
    const md = markdown(merged);
    fs.writeFileSync(path.join(dir, `${date}.md`), md);
    fs.writeFileSync(path.join(dir, "LATEST.md"), md);
    return md;
  };
  if (ONLY.has("scale")) {
    result.scale = [];
    const pick = process.env.BENCH_CASES ? process.env.BENCH_CASES.split(",").map(Number) : SCALE.map((_, i) => i);
    for (const c of SCALE.filter((_, i) => pick.includes(i))) {
      log(`scale: ${c.name} — provider`);
      const provider = await runMode(c, "provider");
      log(
        `  ${JSON.stringify(provider.requests.drill)} latency max ${provider.latencySeconds.max} s, rss ${JSON.stringify(provider.peakRssMB)}${provider.ok ? "" : ` FAILURES ${provider.failures.join("; ")}`}`,
      );
      log(`scale: ${c.name} — SDK baseline`);
      const sdk = await runMode(c, "sdk");
      log(
        `  ${JSON.stringify(sdk.requests.drill)} latency max ${sdk.latencySeconds.max} s, rss ${JSON.stringify(sdk.peakRssMB)}${sdk.ok ? "" : ` FAILURES ${sdk.failures.join("; ")}`}`,
      );
      const ratio = (a: number, b: number) => Math.round((a / b) * 1000) / 1000;
      result.scale.push({
        ...c,
        provider,
        sdk,
        ratio: {
          requests: ratio(provider.requests.drill.total, sdk.requests.drill.total),
          polls: ratio(provider.requests.drill.polls, sdk.requests.drill.polls),
          reads: ratio(provider.requests.drill.reads, sdk.requests.drill.reads),
        },
      } satisfies ScaleResult);
      save();
    }
  }
  if (ONLY.has("preview")) {
    result.preview = [];
    for (const n of (process.env.BENCH_PREVIEW ?? "4,100,1000").split(",").map(Number)) {
      log(`preview: ${n} items`);
      const p = await runPreview(n);
      log(`  without ${p.withoutPackSeconds.join(", ")} s; with pack ${p.withPackSeconds.join(", ")} s; adds ${p.packAddsSeconds} s`);
      result.preview.push(p);
      save();
    }
  }
  if (ONLY.has("twin")) {
    log("twin GET throughput (bench/twin.ts)");
    const r = await runNode(["--expose-gc", path.join(ROOT, "dist", "bench", "twin.js")]);
    if (r.code === 0) result.twin = JSON.parse(r.stdout.slice(r.stdout.indexOf("{")));
    else log(`bench/twin.js failed: ${r.stderr}`);
    save();
  }
  // The CLI drills last: the 1,000-VM one is the longest part of the run.
  if (ONLY.has("cli")) {
    result.cli = [];
    result.cliNotRun = [];
    // ts-node compiles the program and the policy pack into a cache under the OS temp dir; after a source
    // change (or on a fresh clone) the first drill pays that compile (seen: policy gate 12.4 s against 6.7 s,
    // the program at 710 MB against 229 MB) and would be measured against warm ones. One unmeasured 4-VM
    // drill first; BENCH_WARMUP=0 skips it.
    result.importFloor = measureImportFloor();
    result.cliWarmedUp = process.env.BENCH_WARMUP !== "0";
    if (result.cliWarmedUp) {
      log("cli drill: warm-up (not measured): the 4-VM drill once, so ts-node's compile cache is warm for every case");
      await runCliDrill(CLI_CASES["4"], CLI_SPEED, () => undefined, prepareCliDrill(CLI_CASES["4"]));
    }
    for (const key of (process.env.BENCH_CLI ?? "4,100,1000").split(",")) {
      const c = CLI_CASES[key.trim()];
      if (!c) throw new Error(`BENCH_CLI: unknown case ${key}; expected some of ${Object.keys(CLI_CASES).join(", ")}`);
      const prepared = prepareCliDrill(c);
      if (prepared.pulumiConfigBytes > MAX_ENV_STRING_BYTES) {
        const reason = `its stack config is ${prepared.pulumiConfigBytes} bytes as PULUMI_CONFIG, over Linux's ${MAX_ENV_STRING_BYTES}-byte limit for one environment string: the program cannot start ("argument list too long"); a program change is needed (e.g. expectations and in-guest checks that apply to every VM in scope, or config read from a file)`;
        log(`cli drill: ${c.name} — not run: ${reason}`);
        result.cliNotRun.push({ ...c, pulumiConfigBytes: prepared.pulumiConfigBytes, reason });
        save();
        continue;
      }
      log(
        `cli drill: ${c.name} (${{ plan: "one recovery plan", plans: "recovery plans", items: "scope.items" }[c.scope]}, stack config ${prepared.pulumiConfigBytes} B, speed x${CLI_SPEED})`,
      );
      const r = await runCliDrill(c, CLI_SPEED, log, prepared);
      log(
        `  ${r.passed ? "passed" : "NOT passed"} in ${fmt(r.wallSeconds.total)} s; ${r.requests.total} requests (${r.requests.beyondRunCommand} beyond Run Command); peak RSS ${r.memory.peakTotalMB} MB; ${r.outputLines.total} lines; report.html ${r.report.htmlBytes ?? "-"} B`,
      );
      result.cli.push(r);
      save();
    }
  }
  const md = save();
  log(`\n${md}`);
  log(`results: bench/results/${date}.json, .md (and LATEST.md)`);
}

function cliMarkdown(
  runs: CliDrillResult[],
  notRun: (CliCase & { reason: string })[],
  warmedUp: boolean,
  floor: ImportFloor | undefined,
): string[] {
  const out: string[] = [];
  const base = runs.find((x) => x.vms === 4);
  const kb = (b: number | undefined) => (b === undefined ? "-" : fmt(b / 1024, 0));
  out.push(`## End-to-end CLI drills (\`node dist/scripts/drill.js --fixture <generated>\`, speed ×${runs[0].speed})`, "");
  out.push(
    `Each drill: the DC copy first, then the scope; every VM expected with size, IP, NIC count and one in-guest check (Run Command), unless the name says otherwise. One run, one drill at a time${warmedUp ? ", after one unmeasured 4-VM drill that warms ts-node's compile cache" : " (no warm-up drill: the first may pay ts-node's cold compile cache)"}.`,
    "",
  );
  for (const n of notRun) out.push(`- **${n.name}** (${n.scope}): not run — ${n.reason}.`);
  if (notRun.length) out.push("");
  out.push(
    "| Drill | Scope | Passed | Total (s) | Longest silence in `up` (s) | Output lines (in `up`) | ARM requests | beyond Run Command (per VM) | Peak RSS / PSS, all drill processes (MB) | report.html / .json (KB) |",
  );
  out.push("|---|---|---|---|---|---|---|---|---|---|");
  for (const x of runs) {
    out.push(
      `| ${x.name} | ${x.scopeDescription} | ${x.passed ? "yes" : `NO (exit ${x.exitCode})`} | ${fmt(x.wallSeconds.total)} | ${fmt(x.longestSilenceInUpSeconds)} | ${x.outputLines.total} (${x.outputLines.up}) | ${x.requests.total}${x.requests.missed ? ` (+${x.requests.missed} not seen)` : ""} | ${x.requests.beyondRunCommand} (${fmt(x.requests.beyondRunCommandPerVm, 2)}) | ${x.memory.peakTotalMB} / ${x.memory.peakTotalPssMB} | ${kb(x.report.htmlBytes)} / ${kb(x.report.jsonBytes)} |`,
    );
  }
  out.push("");
  out.push("Wall seconds per phase (from the runner's banners and Pulumi's `Duration:` lines as they arrived):", "");
  out.push(`| Drill | ${PHASES.join(" | ")} |`, `|---|${PHASES.map(() => "---").join("|")}|`);
  for (const x of runs) out.push(`| ${x.name} | ${PHASES.map((p) => fmt(x.wallSeconds.phases[p])).join(" | ")} |`);
  out.push("");
  out.push("ARM requests per phase:", "");
  out.push(`| Drill | ${PHASES.join(" | ")} |`, `|---|${PHASES.map(() => "---").join("|")}|`);
  for (const x of runs) out.push(`| ${x.name} | ${PHASES.map((p) => x.requests.byPhase[p] ?? 0).join(" | ")} |`);
  out.push("");
  if (base) {
    const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || !b ? "-" : fmt(a / b, 2));
    out.push("Ratios to the 4-VM drill:", "");
    out.push(
      "| Drill | Total wall | `up` wall | ARM requests | beyond Run Command | beyond Run Command per added VM | Peak RSS | Output lines | report.html |",
    );
    out.push("|---|---|---|---|---|---|---|---|---|");
    for (const x of runs) {
      out.push(
        `| ${x.name} | ${ratio(x.wallSeconds.total, base.wallSeconds.total)} | ${ratio(x.wallSeconds.phases.up, base.wallSeconds.phases.up)} | ${ratio(x.requests.total, base.requests.total)} | ${ratio(x.requests.beyondRunCommand, base.requests.beyondRunCommand)} | ${x.vms > base.vms ? fmt((x.requests.beyondRunCommand - base.requests.beyondRunCommand) / (x.vms - base.vms), 2) : "-"} | ${ratio(x.memory.peakTotalMB, base.memory.peakTotalMB)} | ${ratio(x.outputLines.total, base.outputLines.total)} | ${ratio(x.report.htmlBytes, base.report.htmlBytes)} |`,
      );
    }
    out.push("");
  }
  const kinds = [...new Set(runs.flatMap((x) => Object.keys(x.requests.byKind)))];
  const last = runs[runs.length - 1];
  kinds.sort((a, b) => (last.requests.byKind[b] ?? 0) - (last.requests.byKind[a] ?? 0) || a.localeCompare(b));
  out.push("ARM requests by kind (the twin's request log):", "");
  out.push(`| Kind | ${runs.map((x) => x.name).join(" | ")} |`, `|---|${runs.map(() => "---").join("|")}|`);
  for (const k of kinds) out.push(`| \`${k}\` | ${runs.map((x) => x.requests.byKind[k] ?? 0).join(" | ")} |`);
  out.push("");
  const labels = [...new Set(runs.flatMap((x) => x.memory.byLabel.map((l) => l.label)))];
  out.push("Peak RSS per process (VmHWM, MB; the largest process of each kind, and how many there were):", "");
  out.push(`| Process | ${runs.map((x) => x.name).join(" | ")} |`, `|---|${runs.map(() => "---").join("|")}|`);
  for (const l of labels) {
    out.push(
      `| ${l} | ${runs
        .map((x) => {
          const g = x.memory.byLabel.find((b) => b.label === l);
          return g ? `${g.maxPeakMB} (${g.processes})` : "-";
        })
        .join(" | ")} |`,
    );
  }
  out.push("");
  out.push("CPU seconds per process kind (user + system, all processes of the kind; /proc/<pid>/stat):", "");
  out.push(`| Process | ${runs.map((x) => x.name).join(" | ")} |`, `|---|${runs.map(() => "---").join("|")}|`);
  for (const l of labels) {
    out.push(`| ${l} | ${runs.map((x) => fmt(x.memory.byLabel.find((b) => b.label === l)?.cpuSeconds ?? NaN)).join(" | ")} |`);
  }
  out.push("");
  out.push("At each drill's RSS peak (processes alive then, by kind: RSS of the kind in MB, and how many):", "");
  for (const x of runs)
    out.push(
      `- ${x.name} (${x.memory.peakTotalMB} MB): ${(x.memory.atPeak ?? []).map((k) => `${k.label} ${k.rssMB} (${k.processes})`).join("; ") || "-"}`,
    );
  out.push("");
  if (floor) {
    out.push(
      `The floor before any drill work (RSS after a GC in a fresh \`node\`, MB): bare ${floor.bareMB}; \`require("@pulumi/pulumi")\` ${floor.pulumiMB}, which loads the TypeScript compiler (${floor.typescriptMB} alone) and @npmcli/arborist (${floor.arboristMB} alone) at import (bench/importFloor.ts).`,
      "",
    );
    for (const x of runs) {
      const f = floorAtPeak(floor, x.memory.atPeak ?? []);
      out.push(
        `- ${x.name}: ${f.processes} processes at the peak load @pulumi/pulumi; its import is ${f.importMB} MB of the ${x.memory.peakTotalMB} MB (${fmt((100 * f.importMB) / x.memory.peakTotalMB, 0)} %)`,
      );
    }
    out.push("");
  }
  return out;
}

function goals(r: any): { goal: string; figure: string; met: boolean }[] {
  const out: { goal: string; figure: string; met: boolean }[] = [];
  out.push(...cliGoals(r.cli as CliDrillResult[] | undefined, r.preview as PreviewResult[] | undefined, r.cliNotRun ?? []));
  const plans10 = (r.scale as ScaleResult[] | undefined)?.find((s) => s.plans === 10);
  if (plans10) {
    out.push({
      goal: "(issue 19) ARM requests for 10 plans × 10 VMs (concurrent) ≤ 1/5 of the SDK baseline",
      figure: `${plans10.provider.requests.drill.total} vs ${plans10.sdk.requests.drill.total} (ratio ${plans10.ratio.requests})`,
      met: plans10.ratio.requests <= 0.2,
    });
    const l = [...plans10.provider.latencySeconds.testFailover, ...plans10.provider.latencySeconds.cleanup];
    if (l.length)
      out.push({
        goal: `(issue 19) tool-added latency ≤ one poll interval (${RETRY_AFTER_SECONDS} s) for every job, 10 plans concurrent`,
        figure: `max ${fmt(Math.max(...l))} s over ${l.length} jobs`,
        met: Math.max(...l) <= RETRY_AFTER_SECONDS,
      });
  }
  const big = (r.scale as ScaleResult[] | undefined)?.find((s) => s.items === 100 && s.plans === 1);
  if (big) {
    out.push({
      goal: "ARM requests for a 100-VM plan drill ≤ 1/5 of the SDK baseline",
      figure: `${big.provider.requests.drill.total} vs ${big.sdk.requests.drill.total} (ratio ${big.ratio.requests})`,
      met: big.ratio.requests <= 0.2,
    });
  }
  const lats =
    (r.scale as ScaleResult[] | undefined)?.flatMap((s) => [
      ...s.provider.latencySeconds.testFailover,
      ...s.provider.latencySeconds.cleanup,
    ]) ?? [];
  if (lats.length) {
    const max = Math.max(...lats);
    out.push({
      goal: `tool-added latency ≤ one Retry-After interval (${RETRY_AFTER_SECONDS} s)`,
      figure: `max ${fmt(max)} s, median ${fmt(median(lats))} s over ${lats.length} jobs`,
      met: max <= RETRY_AFTER_SECONDS,
    });
  }
  const p1000 = (r.preview as PreviewResult[] | undefined)?.find((p) => p.items === 1000);
  if (p1000)
    out.push({
      goal: "preview with the pack for 1,000 items < 2 s over preview without it",
      figure: `+${fmt(p1000.packAddsSeconds, 2)} s (${fmt(p1000.medianWith, 2)} vs ${fmt(p1000.medianWithout, 2)} s)`,
      met: p1000.packAddsSeconds < 2,
    });
  if (r.twin)
    out.push({
      goal: "twin ≥ 2,000 GETs/s (p99 < 10 ms)",
      figure: `${r.twin.getsPerSecond} GETs/s, p99 ${r.twin.p99ms} ms`,
      met: r.twin.getsPerSecond >= 2000 && Number(r.twin.p99ms) < 10,
    });
  return out;
}

/** Issue 19's goals, figures from this run's CLI drills and previews. */
function cliGoals(
  cli: CliDrillResult[] | undefined,
  preview: PreviewResult[] | undefined,
  notRun: (CliCase & { pulumiConfigBytes: number })[],
): { goal: string; figure: string; met: boolean }[] {
  const out: { goal: string; figure: string; met: boolean }[] = [];
  for (const n of notRun)
    out.push({
      goal: `(issue 19) a ${n.name} drill runs at all`,
      figure: `not runnable: PULUMI_CONFIG would be ${n.pulumiConfigBytes} bytes (limit ${MAX_ENV_STRING_BYTES})`,
      met: false,
    });
  const at = (vms: number) => cli?.find((x) => x.vms === vms && x.passed);
  const base = at(4);
  for (const [vms, limit] of [
    [100, 1.25],
    [1000, 2.5],
  ] as const) {
    const x = at(vms);
    if (base && x) {
      const q = x.wallSeconds.total / base.wallSeconds.total;
      out.push({
        goal: `(issue 19) wall time of the ${vms}-VM drill ≤ ${limit} × the 4-VM drill`,
        figure: `${x.name}: ${fmt(x.wallSeconds.total)} s vs ${fmt(base.wallSeconds.total)} s (${fmt(q, 2)}×)`,
        met: q <= limit,
      });
    }
  }
  // Per VM = what each VM beyond the 4-VM drill adds: the fixed cost (network, storage, the DC copy's
  // own traffic) is in both drills.
  for (const vms of [100, 1000]) {
    const x = at(vms);
    if (!base || !x) continue;
    const perVm = (x.requests.beyondRunCommand - base.requests.beyondRunCommand) / (vms - 4);
    out.push({
      goal: `(issue 19) ARM requests beyond Run Command ≤ 1 per VM per drill (${x.name}, each VM over the 4-VM drill's)`,
      figure: `${x.requests.beyondRunCommand} vs ${base.requests.beyondRunCommand}: ${fmt(perVm, 2)} per added VM`,
      met: perVm <= 1,
    });
  }
  const big = at(1000);
  if (big) {
    out.push({
      goal: "(issue 19) 1,000-VM drill: peak RSS of all drill processes together < 1.5 GB",
      figure: `${big.name}: RSS ${big.memory.peakTotalMB} MB (PSS ${big.memory.peakTotalPssMB} MB)`,
      met: big.memory.peakTotalMB < 1536,
    });
    out.push({
      goal: "(issue 19) 1,000-VM drill: console output < 2,000 lines",
      figure: `${big.name}: ${big.outputLines.total} lines`,
      met: big.outputLines.total < 2000,
    });
    out.push({
      goal: "(issue 19) 1,000-VM drill: report.html < 1.5 MB",
      figure: `${big.name}: ${kb1(big.report.htmlBytes)} KB`,
      met: (big.report.htmlBytes ?? Infinity) < 1.5 * 2 ** 20,
    });
  }
  const p4 = preview?.find((p) => p.items === 4);
  const p1000 = preview?.find((p) => p.items === 1000);
  if (p4 && p1000) {
    const q = p1000.medianWith / p4.medianWith;
    out.push({
      goal: "(issue 19) `pulumi preview` (with the pack) of a 1,000-item drill ≤ 1.5 × that of a 4-item drill",
      figure: `${fmt(p1000.medianWith, 2)} s vs ${fmt(p4.medianWith, 2)} s (${fmt(q, 2)}×)`,
      met: q <= 1.5,
    });
  }
  return out;
}

function kb1(b: number | undefined): string {
  return b === undefined ? "-" : fmt(b / 1024, 0);
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
