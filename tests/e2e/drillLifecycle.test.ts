// The drill's lifecycle through the CLI on the twin (dist/scripts/drill.js and dist/scripts/janitor.js):
// --keep then --cleanup; a test failover job failing part-way (exit 11, nothing left after destroy);
// a drill killed mid-run (runner and its pulumi children, SIGKILL) whose orphan the janitor cleans.
// Each drill has its own state folder, twin port and Pulumi backend (PULUMI_BACKEND_URL).
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { itemPhase } from "../../components/asr/itemState";
import type { Job, ProtectedItem } from "../../components/asr/types";
import { TEST_FAILOVER_TYPE } from "../../components/drillTypes";
import { startTwin } from "../../twin";
import { pulumiEnv } from "../../scripts/pulumiEnv";
import { ROOT, runCommand } from "./harness";

jest.setTimeout(900_000);

const DRILL = path.join(ROOT, "dist", "scripts", "drill.js");
const JANITOR = path.join(ROOT, "dist", "scripts", "janitor.js");
const POLICY_CHECK = path.join(ROOT, "dist", "scripts", "policyCheck.js");
const TOKEN = "failover-drill-twin";
const SUB = "/subscriptions/11111111-1111-1111-1111-111111111111";
const VAULT = `${SUB}/resourceGroups/contoso-dr/providers/Microsoft.RecoveryServices/vaults/contoso-asr-vault`;

let nextPort = 47900 + Math.floor(Math.random() * 60) * 5;

function workspace(name: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `failover-drill-lifecycle-${name}-`));
  const port = nextPort++;
  fs.mkdirSync(path.join(dir, "backend"));
  const env = { ...process.env, PULUMI_BACKEND_URL: `file://${path.join(dir, "backend")}` };
  const state = path.join(dir, "state");
  // Reports in the workspace: other e2e drills read <checkout>/reports/<drill-id> concurrently.
  const reports = path.join(dir, "reports");
  const drillArgs = (args: string[]) => [DRILL, "--state", state, "--port", String(port), "--speed", "120", "--reports", reports, ...args];
  const report = () => JSON.parse(fs.readFileSync(path.join(reports, "contoso-tier1", "report.json"), "utf8")) as Record<string, any>;
  const run = (args: string[], timeoutMs = 600_000) => runInOwnGroup(drillArgs(args), env, timeoutMs);
  /** Resources in the stack's state (pulumi stack export on this workspace's backend). */
  const stackResources = async (): Promise<{ type: string }[]> => {
    const r = await runCommand("pulumi", ["stack", "export", "--stack", "test", "--non-interactive"], {
      cwd: ROOT,
      env: pulumiEnv({ base: env }),
    });
    if (r.code !== 0) throw new Error(r.output);
    return (JSON.parse(r.stdout) as { deployment: { resources?: { type: string }[] } }).deployment.resources ?? [];
  };
  return {
    dir,
    port,
    env,
    state,
    reports,
    drillArgs,
    run,
    report,
    stackResources,
    dispose: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * Runs the drill runner in its own process group; on timeout the whole group (runner, twin, pulumi and
 * its plugins) is killed, so a hung `pulumi up` never outlives the test.
 */
function runInOwnGroup(args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // already gone
      }
      reject(new Error(`drill ${args.slice(1).join(" ")} timed out after ${timeoutMs} ms; output so far:\n${output}`));
    }, timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, output });
    });
  });
}

interface TwinWorld {
  /** phase: components/asr/itemState.ts (idle = TestFailover allowed, no test-failover or cleanup job running). */
  items: { name: string; friendlyName: string; testFailoverState: string; phase: string }[];
  testVms: string[];
  testNics: string[];
  cleanupComments: string[];
}

/** What the twin state holds (the twin started in-process on it, read-only GETs). */
async function twinWorld(stateDir: string): Promise<TwinWorld> {
  const twin = await startTwin({ stateDir, port: 0, quiet: true });
  try {
    const get = async (p: string) =>
      (await (await fetch(`${twin.url}${p}`, { headers: { Authorization: `Bearer ${TOKEN}` } })).json()) as {
        value: Record<string, any>[];
      };
    const jobs = (await get(`${VAULT}/replicationJobs?api-version=2025-08-01`)).value as unknown as Job[];
    const items = (await get(`${VAULT}/replicationProtectedItems?api-version=2025-08-01`)).value.map((i) => ({
      name: i.name as string,
      friendlyName: i.properties.friendlyName as string,
      testFailoverState: i.properties.testFailoverState as string,
      phase: itemPhase(i as unknown as ProtectedItem, jobs),
    }));
    const testVms = (await get(`${SUB}/providers/Microsoft.Compute/virtualMachines?api-version=2024-07-01`)).value
      .map((v) => v.name as string)
      .filter((n) => /-test$/.test(n));
    const testNics = (await get(`${SUB}/providers/Microsoft.Network/networkInterfaces?api-version=2024-05-01`)).value
      .map((v) => v.name as string)
      .filter((n) => /-test/.test(n));
    const cleanupComments = (await get(`${VAULT}/replicationJobs?api-version=2025-08-01`)).value
      .filter((j) => j.properties.scenarioName === "TestFailoverCleanup")
      .map((j) => String(j.properties.customDetails?.comments ?? ""));
    return { items, testVms, testNics, cleanupComments };
  } finally {
    await twin.stop();
  }
}

describe("drill lifecycle on the twin", () => {
  it("--keep leaves the drill up (test VMs in the twin, resources in the stack); --cleanup removes everything", async () => {
    const ws = workspace("keep");
    try {
      const kept = await ws.run(["--keep"]);
      expect(kept.output).toContain("The drill is left up (--keep)");
      expect(kept.code).toBe(0);
      expect(kept.output).toMatch(/evidence uploaded to azurite/);
      const keptReport = ws.report();
      expect(keptReport.verdict).toBe("passed");
      expect(keptReport.cleanup).toBeUndefined();
      expect(keptReport.evidence).toMatchObject({ store: "azurite", accountName: "contosoevidence", container: "drill-evidence" });
      expect(keptReport.evidence.prefix).toMatch(/^test\/contoso-tier1\/\d{8}T\d{6}Z\/$/);
      expect(keptReport.evidence.blobs.map((b: { name: string }) => b.name.split("/").pop())).toEqual([
        "report.json",
        "report.md",
        "report.html",
        "start.json",
        "manifest.sha256",
      ]);
      expect(keptReport.evidence.error).toBeUndefined();

      const up = await twinWorld(path.join(ws.state, "twin"));
      expect(up.testVms.sort()).toEqual(["APP01-test", "DC01-test", "SQL01-test", "WEB01-test"]);
      const waiting = up.items
        .filter((i) => i.testFailoverState === "WaitingForCompletion")
        .map((i) => i.friendlyName)
        .sort();
      expect(waiting).toEqual(["APP01", "DC01", "SQL01", "WEB01"]);
      const resources = await ws.stackResources();
      expect(resources.filter((r) => r.type === TEST_FAILOVER_TYPE).length).toBe(2);
      expect(resources.length).toBeGreaterThan(5);

      const cleanup = await ws.run(["--cleanup"]);
      expect(cleanup.output).toContain("cleanup confirmed");
      expect(cleanup.code).toBe(0);
      // The kept drill's own evidence (same start, same blobs) now carries the cleanup confirmation.
      const cleanedReport = ws.report();
      expect(cleanedReport.startedAt).toBe(keptReport.startedAt);
      expect(cleanedReport.evidence.prefix).toBe(keptReport.evidence.prefix);
      expect(cleanedReport.cleanup).toMatchObject({ clean: true, leftovers: [] });
      expect(cleanedReport.deviations.join("\n")).toContain("kept up with --keep; cleaned up by a later run");
      expect(cleanedReport.testFailovers.length).toBe(2);
      const after = await twinWorld(path.join(ws.state, "twin"));
      expect(after.testVms).toEqual([]);
      expect(after.testNics).toEqual([]);
      expect(after.items.filter((i) => i.phase !== "idle")).toEqual([]);
      expect(await ws.stackResources()).toEqual([]);
    } finally {
      ws.dispose();
    }
  });

  it("a test failover job failing part-way exits 11 and leaves no test VM after destroy", async () => {
    const ws = workspace("jobfails");
    try {
      const faults = path.join(ws.dir, "faults.json");
      // APP01 fails while its test VM is prepared, in the plan's job (boot group 2); SQL01 and WEB01 succeed.
      fs.writeFileSync(faults, JSON.stringify([{ kind: "jobFailsAtTask", item: "APP01", task: "VmTfoPrepareTestVm" }]));
      const r = await ws.run(["--twin-faults", faults], 420_000);
      expect(r.output).toContain("twin fault injected");
      expect(r.output).toMatch(/TwinInjectedTaskFailure|failed/i);
      expect(r.output).toContain("drill FAILED (exit 11: FailoverFailed)");
      expect(r.code).toBe(11);
      expect(r.output).toContain("cleanup confirmed");
      const failed = ws.report();
      expect(failed.verdict).toBe("failed");
      expect(failed.upSucceeded).toBe(false);
      expect(failed.cleanup).toMatchObject({ clean: true, leftovers: [] });
      // The full cause in every report format: the failing task and its ASR error, and every line the engine printed.
      const jobCause = failed.causes.find((c: { source: string }) => c.source === "job");
      expect(jobCause.subject).toMatch(/task .*VmTfoPrepareTestVm/);
      expect(jobCause.lines.join("\n")).toContain("TwinInjectedTaskFailure");
      expect(failed.causes.some((c: { source: string; lines: string[] }) => c.source === "engine" && c.lines.length > 0)).toBe(true);
      for (const ext of ["md", "html"])
        expect(fs.readFileSync(path.join(ws.reports, "contoso-tier1", `report.${ext}`), "utf8")).toContain("TwinInjectedTaskFailure");

      const world = await twinWorld(path.join(ws.state, "twin"));
      expect(world.testVms).toEqual([]);
      expect(world.testNics).toEqual([]);
      expect(world.items.filter((i) => i.phase !== "idle")).toEqual([]);
      expect(await ws.stackResources()).toEqual([]);
    } finally {
      ws.dispose();
    }
  });

  it("npm run policy:check: the gate only — FILE01's SSE finding is advisory by default (exit 0, listed), and starts no test failover", async () => {
    // With policy/config/legacy-sse.json (the runner's --policy-pack-config flag) the same gate exits 10.
    const ws = workspace("policycheck");
    try {
      const out = path.join(ws.dir, "policy-check.md");
      const r = await runInOwnGroup([POLICY_CHECK, "--scope", "items:FILE01", "--state", ws.state, "--out", out], ws.env, 300_000);
      expect(r.code).toBe(0);
      const md = fs.readFileSync(out, "utf8");
      expect(md.startsWith("<!-- failover-drill:policy-check -->")).toBe(true);
      expect(md).toContain("Drill policy check passed");
      expect(md).toMatch(/### Advisory[\s\S]*\| advisory \| `managed-disks-blocked-by-sse-replication-storage`/);
      const log = JSON.parse(fs.readFileSync(path.join(ws.state, "requests.json"), "utf8")) as {
        value: { method: string; path: string }[];
      };
      expect(log.value.filter((q) => q.method !== "GET")).toEqual([]);
      expect(await ws.stackResources()).toEqual([]);
    } finally {
      ws.dispose();
    }
  });

  it("the janitor finds and cleans the test failover left by a drill killed mid-run", async () => {
    const ws = workspace("killed");
    try {
      // Slower clock so the kill lands while the first test failover (DC01) runs.
      const args = ws.drillArgs([]).map((a, i, all) => (all[i - 1] === "--speed" ? "20" : a));
      const child = spawn(process.execPath, args, { cwd: ROOT, env: ws.env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
      let output = "";
      child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
      child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

      const deadline = Date.now() + 300_000;
      let sawTestFailover = false;
      while (!sawTestFailover) {
        if (Date.now() > deadline || child.exitCode !== null)
          throw new Error(`no testFailover POST seen before the runner ended:\n${output}`);
        try {
          const res = await fetch(`http://127.0.0.1:${ws.port}/_twin/requests`);
          const log = (await res.json()) as { value: { method: string; path: string; status: number }[] };
          sawTestFailover = log.value.some((r) => r.method === "POST" && /\/testFailover$/i.test(r.path) && r.status === 202);
        } catch {
          // the twin is not up yet
        }
        if (!sawTestFailover) await new Promise((r) => setTimeout(r, 250));
      }
      // The runner, its twin and its pulumi processes share the runner's process group.
      process.kill(-child.pid!, "SIGKILL");
      await exited;
      await new Promise((r) => setTimeout(r, 500));

      const left = await twinWorld(path.join(ws.state, "twin"));
      expect(left.items.filter((i) => i.phase !== "idle").map((i) => i.friendlyName)).toContain("DC01");

      const dry = await runCommand(
        process.execPath,
        [JANITOR, "--twin-state", path.join(ws.state, "twin"), "--dry-run", "--speed", "120"],
        { cwd: ROOT, env: ws.env, timeoutMs: 120_000 },
      );
      expect(dry.code).toBe(0);
      expect(dry.output).toMatch(/protected item DC01: testFailoverState (InProgress|WaitingForCompletion)/);
      expect(dry.output).toContain("dry run");

      const j = await runCommand(process.execPath, [JANITOR, "--twin-state", path.join(ws.state, "twin"), "--speed", "120"], {
        cwd: ROOT,
        env: ws.env,
        timeoutMs: 300_000,
      });
      expect(j.output).toContain("cleaning up DC01: POST testFailoverCleanup");
      expect(j.output).toContain("janitor: clean");
      expect(j.code).toBe(0);

      const after = await twinWorld(path.join(ws.state, "twin"));
      expect(after.items.filter((i) => i.phase !== "idle")).toEqual([]);
      expect(after.testVms).toEqual([]);
      expect(after.testNics).toEqual([]);
      const janitorNotes = after.cleanupComments.filter((c) => c.startsWith("failover-drill janitor: "));
      expect(janitorNotes.length).toBeGreaterThanOrEqual(1);
      expect(janitorNotes[0]).toMatch(
        /^failover-drill janitor: test failover of DC01 left WaitingForCompletion .* \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/,
      );

      // A second run finds nothing.
      const again = await runCommand(process.execPath, [JANITOR, "--twin-state", path.join(ws.state, "twin"), "--dry-run"], {
        cwd: ROOT,
        env: ws.env,
        timeoutMs: 120_000,
      });
      expect(again.output).toContain("nothing left");
    } finally {
      ws.dispose();
    }
  });
});
