// The main job end to end: `npm run drill` (dist/scripts/drill.js) on the twin through the real CLI,
// the stand-in plugins, the policy pack and the TestFailover dynamic provider.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { startTwin } from "../../twin";
import { ROOT, runCommand } from "./harness";

const DRILL = path.join(ROOT, "dist", "scripts", "drill.js");
const TOKEN = "failover-drill-twin";
const VAULT =
  "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/contoso-dr/providers/Microsoft.RecoveryServices/vaults/contoso-asr-vault";

interface LoggedRequest {
  method: string;
  path: string;
  status: number;
}

/** Each drill gets its own backend, twin state and port so runs never see each other. */
function drillWorkspace(name: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `failover-drill-${name}-`));
  const port = 47300 + Math.floor(Math.random() * 500);
  const env = { ...process.env, PULUMI_BACKEND_URL: `file://${path.join(dir, "backend")}` };
  fs.mkdirSync(path.join(dir, "backend"));
  const run = (args: string[]) =>
    runCommand(
      process.execPath,
      [
        DRILL,
        "--state",
        path.join(dir, "state"),
        "--reports",
        path.join(dir, "reports"),
        "--port",
        String(port),
        "--speed",
        "120",
        ...args,
      ],
      {
        cwd: ROOT,
        env,
        timeoutMs: 540_000,
      },
    );
  const requests = (): LoggedRequest[] => {
    const body = JSON.parse(fs.readFileSync(path.join(dir, "state", "requests.json"), "utf8")) as { value: LoggedRequest[] };
    return body.value;
  };
  return { dir, run, requests, dispose: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Every POST the drill sent to Site Recovery must be a test failover or its cleanup (the allowlist). */
function asrPosts(requests: LoggedRequest[]): string[] {
  return requests
    .filter((r) => r.method === "POST" && /Microsoft\.RecoveryServices/i.test(r.path))
    .map((r) => r.path.split("/").pop() ?? "");
}

describe("npm run drill on the twin", () => {
  it("runs the Contoso drill: DC01 copy first, then rp-contoso-tier1; passes, reports and leaves nothing", async () => {
    const ws = drillWorkspace("full");
    try {
      const r = await ws.run([]);
      expect(r.output).toContain("drill PASSED");
      expect(r.code).toBe(0);

      const report = JSON.parse(fs.readFileSync(path.join(ws.dir, "reports", "contoso-tier1", "report.json"), "utf8"));
      expect(report.verdict).toBe("passed");
      expect(report.testFailovers.map((f: { role: string }) => f.role)).toEqual(["directory-copy", "application"]);
      const vms = report.testFailovers.flatMap((f: { vms: { friendlyName: string; powerState: string }[] }) => f.vms);
      expect(vms.map((v: { friendlyName: string }) => v.friendlyName).sort()).toEqual(["APP01", "DC01", "SQL01", "WEB01"]);
      expect(report.cleanup).toMatchObject({ clean: true, destroySucceeded: true, leftovers: [] });
      for (const ext of ["md", "html"]) expect(fs.existsSync(path.join(ws.dir, "reports", "contoso-tier1", `report.${ext}`))).toBe(true);

      // Only test failovers and their cleanups were sent to ASR: DC01 (item) and the plan, once each.
      const posts = asrPosts(ws.requests());
      expect(posts.sort()).toEqual(["testFailover", "testFailover", "testFailoverCleanup", "testFailoverCleanup"]);

      // The cleanup comments are the drill's notes, and the twin holds no test VM, NIC or disk.
      const twin = await startTwin({ stateDir: path.join(ws.dir, "state", "twin"), port: 0, quiet: true });
      try {
        const get = async (p: string) =>
          (await (await fetch(`${twin.url}${p}`, { headers: { Authorization: `Bearer ${TOKEN}` } })).json()) as {
            value: Record<string, any>[];
          };
        const jobs = (await get(`${VAULT}/replicationJobs?api-version=2025-08-01`)).value;
        const cleanups = jobs.filter((j) => j.properties.scenarioName === "TestFailoverCleanup");
        expect(cleanups).toHaveLength(2);
        const notes = report.notes as string;
        expect(notes.length).toBeGreaterThan(0);
        for (const j of cleanups) expect(j.properties.customDetails.comments).toBe(notes);
        const sub = "/subscriptions/11111111-1111-1111-1111-111111111111";
        for (const kind of ["Microsoft.Compute/virtualMachines", "Microsoft.Network/networkInterfaces", "Microsoft.Compute/disks"]) {
          const names = (await get(`${sub}/providers/${kind}?api-version=2024-07-01`)).value.map((x) => x.name as string);
          expect(names.filter((n) => /-test/.test(n))).toEqual([]);
        }
      } finally {
        await twin.stop();
      }
    } finally {
      ws.dispose();
    }
  });

  it("FILE01 (managed disks on SSE-encrypted replication storage): an advisory in preview, then the seed's failure — exit 11, recorded, cleaned up", async () => {
    // Advisory by default: SSE is always on today and supported for Hyper-V to Azure, so the rule only
    // warns; the twin keeps the seed's behaviour and fails the test failover (policy/config/legacy-sse.json
    // makes the rule mandatory again).
    const ws = drillWorkspace("policy");
    try {
      const r = await ws.run(["--scope", "items:FILE01"]);
      expect(r.output).toMatch(/\[advisory\] managed-disks-blocked-by-sse-replication-storage/);
      expect(r.code).toBe(11);
      expect(r.output).toMatch(/ManagedDiskCreationNotSupportedWithSse/);
      // DC01's copy and FILE01 start; FILE01's job fails before its test VM exists (nothing to clean), DC01 is cleaned up.
      expect(asrPosts(ws.requests()).sort()).toEqual(["testFailover", "testFailover", "testFailoverCleanup"]);
    } finally {
      ws.dispose();
    }
  });
});
