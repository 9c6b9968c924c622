// `npm run bench`: how a drill scales and what it costs, against the twin with generated estates.
//
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
// Options (env): BENCH_ONLY=scale,preview,twin  BENCH_CASES=0,1 (scale case indexes)  BENCH_PREVIEW_RUNS=3  BENCH_PREVIEW_RUNS_1000=1  BENCH_SPEED=30
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { toItemSettingsSnapshot, toProtectedItemRef } from "../components/itemSettings";
import type { TestFailoverInputs } from "../components/drillTypes";
import { PulumiStack, pulumiEnv, ROOT } from "../scripts/lib/pulumiCli";
import { generateEstate } from "../twin/fixtures/generate";
import type { Fixture } from "../twin/fixtures/load";
import {
  arm, ASR_API, PHASE_MARKER, clearRequestLog, countByKind, createTestNetwork, listAll, median, noticeLatencySeconds, peakRssMB,
  requestLog, startBenchTwin, TOKEN, vaultPath, type LogEntry,
} from "./lib";
import type { WorkerResult, WorkerSpec } from "./worker";

const SPEED = Number(process.env.BENCH_SPEED ?? 30);
const ONLY = new Set((process.env.BENCH_ONLY ?? "scale,preview,twin").split(","));
const PREVIEW_RUNS = Number(process.env.BENCH_PREVIEW_RUNS ?? 3);
const RETRY_AFTER_SECONDS = 30;

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
    const ids: string[] = plan.properties.groups.flatMap((g: any) => (g.replicationProtectedItems ?? []).map((i: any) => String(i.id).toLowerCase()));
    return { plan, members: ids.map((id) => byId.get(id)).filter(Boolean) as any[] };
  });
}

/** The static-token mode's variable: the provider runs in this process in "provider" mode. */
const BENCH_TOKEN_VARIABLE = "FAILOVER_DRILL_ARM_TOKEN";
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
      timeouts: { testFailoverMinutes: 60, cleanupMinutes: 60 },
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
    const failedJobs = jobs.filter((j) => j.properties.state !== "Succeeded").map((j) => `${j.properties.scenarioName} ${j.name}: ${j.properties.state}`);
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

function benchStackConfig(fixture: Fixture, scope: Record<string, unknown>, file: string): void {
  const salt = /^encryptionsalt:.*$/m.exec(fs.readFileSync(path.join(ROOT, "Pulumi.test.yaml"), "utf8"))?.[0];
  const net = fixture.networks![0];
  const config = {
    "failover-drill:vault": { subscriptionId: fixture.subscriptionId, resourceGroup: fixture.vault.resourceGroup, name: fixture.vault.name },
    "failover-drill:arm": { credentialMode: "staticToken", tokenVariable: BENCH_TOKEN_VARIABLE },
    "failover-drill:location": fixture.location ?? "westeurope",
    "failover-drill:drill": { id: "bench-preview", owner: "bench@failover-drill.example", expiry: "2030-12-31" },
    "failover-drill:scope": scope,
    "failover-drill:testNetwork": {
      resourceGroup: "synthetic-drill-rg",
      vnetName: "synthetic-drill-vnet",
      addressSpace: net.addressPrefixes[0],
      subnets: Object.entries(net.subnets ?? {}).map(([name, prefix]) => ({ name, prefix })),
    },
    "failover-drill:storage": { accountNamePrefix: "benchdrill", container: "drill-evidence" },
    "failover-drill:notes": "bench preview",
  };
  // Quoted strings: a bare 2030-12-31 would reach Pulumi as a YAML timestamp.
  fs.writeFileSync(file, `${salt ?? ""}\n${YAML.stringify({ config }, { defaultStringType: "QUOTE_DOUBLE", defaultKeyType: "PLAIN" })}`);
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
    benchStackConfig(fixture, scope, configFile);
    fs.mkdirSync(path.join(dir, "backend"));
    const env = pulumiEnv({ backendDir: path.join(dir, "backend"), extraPath: [path.join(ROOT, "twin", "plugins", "bin")], base: { ...process.env, PULUMI_BACKEND_URL: undefined } });
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
      scope: items <= 100 ? "recoveryPlan rp-synthetic-1 (100 items)" : `items (${items} protected items)`,
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
  out.push(`Machine: ${r.machine.cpus} × ${r.machine.cpuModel}, ${r.machine.memGB} GB, Node ${r.machine.node}. Twin speed ×${r.speed} (Retry-After 30 s → 1 wall s, so polling cadence in virtual time equals speed 1).`, "");
  if (r.scale?.length) {
    out.push("## ARM requests per drill (create + delete), by kind", "");
    out.push("| Estate | Tool: reads / writes / polls = total | SDK baseline: reads / writes / polls = total | Tool ÷ SDK | Tool create-only | Latency max (s, virtual) | Peak RSS provider / twin (MB) | SDK client RSS (MB) | OK |");
    out.push("|---|---|---|---|---|---|---|---|---|");
    for (const s of r.scale as ScaleResult[]) {
      const p = s.provider.requests.drill;
      const b = s.sdk.requests.drill;
      out.push(
        `| ${s.name} | ${p.reads} / ${p.writes} / ${p.polls} = **${p.total}** | ${b.reads} / ${b.writes} / ${b.polls} = ${b.total} | ${fmt(s.ratio.requests, 2)} | ${s.provider.requests.create.total} | ${fmt(s.provider.latencySeconds.max)} | ${s.provider.peakRssMB.client} / ${s.provider.peakRssMB.twin ?? "-"} | ${s.sdk.peakRssMB.client} | ${s.provider.ok && s.sdk.ok ? "yes" : "NO"} |`,
      );
    }
    out.push("");
    out.push("Tool-added latency = virtual seconds from a job's `endTime` to the first GET that saw it finished; the poll interval is the service's Retry-After (30 s).", "");
    out.push("| Estate | Tool TFO latency (s) | Tool cleanup latency (s) | SDK TFO latency (s) | Tool wall create / delete (s) | SDK wall create / delete (s) |");
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
    out.push("| Estate | Runs | Without pack (median s) | With pack (median s) | Pack adds (s) | Program reads per run (GETs) | Policy findings | OK |");
    out.push("|---|---|---|---|---|---|---|---|");
    for (const p of r.preview as PreviewResult[]) {
      out.push(`| ${p.scope} | ${p.withPackSeconds.length} | ${fmt(p.medianWithout, 2)} | ${fmt(p.medianWith, 2)} | **${fmt(p.packAddsSeconds, 2)}** | ${p.programReadsPerRun.total} | ${p.policyFindings} | ${p.ok ? "yes" : "NO"} |`);
    }
    out.push("");
  }
  if (r.twin) {
    out.push("## Twin GET throughput (bench/twin.ts, 1,000-item estate)", "");
    out.push(`${r.twin.getsPerSecond} GETs/s at concurrency ${r.twin.concurrency}, p50 ${r.twin.p50ms} ms, p99 ${r.twin.p99ms} ms; RSS with the estate ${r.twin.rssMB} MB (after the run ${r.twin.rssAfterRunMB} MB).`, "");
  }
  if (r.goals) {
    out.push("## Goals (issue 9)", "");
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
  if (ONLY.has("scale")) {
    result.scale = [];
    const pick = process.env.BENCH_CASES ? process.env.BENCH_CASES.split(",").map(Number) : SCALE.map((_, i) => i);
    for (const c of SCALE.filter((_, i) => pick.includes(i))) {
      log(`scale: ${c.name} — provider`);
      const provider = await runMode(c, "provider");
      log(`  ${JSON.stringify(provider.requests.drill)} latency max ${provider.latencySeconds.max} s, rss ${JSON.stringify(provider.peakRssMB)}${provider.ok ? "" : ` FAILURES ${provider.failures.join("; ")}`}`);
      log(`scale: ${c.name} — SDK baseline`);
      const sdk = await runMode(c, "sdk");
      log(`  ${JSON.stringify(sdk.requests.drill)} latency max ${sdk.latencySeconds.max} s, rss ${JSON.stringify(sdk.peakRssMB)}${sdk.ok ? "" : ` FAILURES ${sdk.failures.join("; ")}`}`);
      const ratio = (a: number, b: number) => Math.round((a / b) * 1000) / 1000;
      result.scale.push({
        ...c,
        provider,
        sdk,
        ratio: { requests: ratio(provider.requests.drill.total, sdk.requests.drill.total), polls: ratio(provider.requests.drill.polls, sdk.requests.drill.polls), reads: ratio(provider.requests.drill.reads, sdk.requests.drill.reads) },
      } satisfies ScaleResult);
    }
  }
  if (ONLY.has("preview")) {
    result.preview = [];
    for (const n of [100, 1000]) {
      log(`preview: ${n} items`);
      const p = await runPreview(n);
      log(`  without ${p.withoutPackSeconds.join(", ")} s; with pack ${p.withPackSeconds.join(", ")} s; adds ${p.packAddsSeconds} s`);
      result.preview.push(p);
    }
  }
  if (ONLY.has("twin")) {
    log("twin GET throughput (bench/twin.ts)");
    const r = await runNode(["--expose-gc", path.join(ROOT, "dist", "bench", "twin.js")]);
    if (r.code === 0) result.twin = JSON.parse(r.stdout.slice(r.stdout.indexOf("{")));
    else log(`bench/twin.js failed: ${r.stderr}`);
  }
  result.goals = goals(result);

  const dir = path.join(ROOT, "bench", "results");
  fs.mkdirSync(dir, { recursive: true });
  // A partial run (BENCH_ONLY) updates its sections of the same day's results.
  const file = path.join(dir, `${date}.json`);
  const merged = fs.existsSync(file) && ONLY.size < 3 ? { ...JSON.parse(fs.readFileSync(file, "utf8")), ...result } : result;
  merged.goals = goals(merged);
  fs.writeFileSync(file, JSON.stringify(merged, null, 2));
  const md = markdown(merged);
  fs.writeFileSync(path.join(dir, `${date}.md`), md);
  fs.writeFileSync(path.join(dir, "LATEST.md"), md);
  log(`\n${md}`);
  log(`results: bench/results/${date}.json, .md (and LATEST.md)`);
}

function goals(r: any): { goal: string; figure: string; met: boolean }[] {
  const out: { goal: string; figure: string; met: boolean }[] = [];
  const big = (r.scale as ScaleResult[] | undefined)?.find((s) => s.items === 100 && s.plans === 1);
  if (big) {
    out.push({ goal: "ARM requests for a 100-VM plan drill ≤ 1/5 of the SDK baseline", figure: `${big.provider.requests.drill.total} vs ${big.sdk.requests.drill.total} (ratio ${big.ratio.requests})`, met: big.ratio.requests <= 0.2 });
  }
  const lats = (r.scale as ScaleResult[] | undefined)?.flatMap((s) => [...s.provider.latencySeconds.testFailover, ...s.provider.latencySeconds.cleanup]) ?? [];
  if (lats.length) {
    const max = Math.max(...lats);
    out.push({ goal: `tool-added latency ≤ one Retry-After interval (${RETRY_AFTER_SECONDS} s)`, figure: `max ${fmt(max)} s, median ${fmt(median(lats))} s over ${lats.length} jobs`, met: max <= RETRY_AFTER_SECONDS });
  }
  const p1000 = (r.preview as PreviewResult[] | undefined)?.find((p) => p.items === 1000);
  if (p1000) out.push({ goal: "preview with the pack for 1,000 items < 2 s over preview without it", figure: `+${fmt(p1000.packAddsSeconds, 2)} s (${fmt(p1000.medianWith, 2)} vs ${fmt(p1000.medianWithout, 2)} s)`, met: p1000.packAddsSeconds < 2 });
  if (r.twin) out.push({ goal: "twin ≥ 2,000 GETs/s (p99 < 10 ms)", figure: `${r.twin.getsPerSecond} GETs/s, p99 ${r.twin.p99ms} ms`, met: r.twin.getsPerSecond >= 2000 && Number(r.twin.p99ms) < 10 });
  return out;
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
