// `npm run drill -- --stack <name>` end to end on a second local stack (Pulumi.branch-office.yaml: its
// own subscription and vault, static-token mode with its own token variable, another evidence
// container), through dist/scripts/drill.js and the real CLI: the same phases and code as any stack.
// Also the runner's own refusals: an unknown stack, a busy --port, --help.
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { ROOT, runCommand } from "./harness";

jest.setTimeout(600_000);

const DRILL = path.join(ROOT, "dist", "scripts", "drill.js");
const FIXTURE = path.join(__dirname, "fixtures", "branch-office.yaml");
const BRANCH_VAULT =
  "/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/branch-dr/providers/Microsoft.RecoveryServices/vaults/branch-asr-vault";

function workspace(name: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `failover-drill-stack-${name}-`));
  fs.mkdirSync(path.join(dir, "backend"));
  const env = { ...process.env, PULUMI_BACKEND_URL: `file://${path.join(dir, "backend")}` };
  const run = (args: string[], timeoutMs = 540_000) =>
    runCommand(
      process.execPath,
      [DRILL, "--state", path.join(dir, "state"), "--reports", path.join(dir, "reports"), "--speed", "120", ...args],
      { cwd: ROOT, env, timeoutMs },
    );
  return { dir, env, run, dispose: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

describe("npm run drill -- --stack <name>", () => {
  it("drills the branch-office stack: its vault, its token variable, its evidence container; passes and leaves nothing", async () => {
    const ws = workspace("branch");
    try {
      const r = await ws.run(["--stack", "branch-office", "--fixture", FIXTURE]);
      expect(r.output).toContain("drill PASSED");
      expect(r.code).toBe(0);
      // A free port (no --port given), chosen by the local endpoint.
      expect(r.output).toMatch(/=== stack branch-office on the Azure twin at http:\/\/127\.0\.0\.1:\d+ /);
      expect(r.output).toContain("cleanup confirmed");

      const report = JSON.parse(fs.readFileSync(path.join(ws.dir, "reports", "branch-office", "report.json"), "utf8"));
      expect(report.stack).toBe("branch-office");
      expect(report.verdict).toBe("passed");
      expect(report.testFailovers.flatMap((f: { vms: { friendlyName: string }[] }) => f.vms.map((v) => v.friendlyName)).sort()).toEqual([
        "BRAPP01",
        "BRAPP02",
      ]);
      expect(report.cleanup).toMatchObject({ clean: true, leftovers: [], notOurs: [] });
      expect(report.evidence).toMatchObject({ store: "azurite", container: "branch-evidence" });
      // The report's timeline of Pulumi steps comes from the engine's events.
      const steps = report.pulumiSteps as { type: string; op: string; status: string }[];
      expect(
        steps.some((s) => s.type === "pulumi-nodejs:dynamic/drill:TestFailover" && s.op === "create" && s.status === "succeeded"),
      ).toBe(true);

      // Every ASR request went to the branch vault; the only POSTs were the plan's test failover and its cleanup.
      const log = (
        JSON.parse(fs.readFileSync(path.join(ws.dir, "state", "requests.json"), "utf8")) as { value: { method: string; path: string }[] }
      ).value;
      const asr = log.filter((q) => /Microsoft\.RecoveryServices/i.test(q.path));
      expect(asr.length).toBeGreaterThan(0);
      expect(asr.filter((q) => !q.path.toLowerCase().startsWith(BRANCH_VAULT.toLowerCase()))).toEqual([]);
      expect(asr.filter((q) => q.method === "POST").map((q) => q.path.split("/").slice(-2).join("/"))).toEqual([
        "rp-branch/testFailover",
        "rp-branch/testFailoverCleanup",
      ]);
    } finally {
      ws.dispose();
    }
  });

  it("refuses an unknown stack in one line with the bad-input exit code, before anything is written", async () => {
    const ws = workspace("unknown");
    try {
      const r = await ws.run(["--stack", "no-such-stack"], 60_000);
      expect(r.code).toBe(3);
      expect(r.output.trim().split("\n")).toEqual([
        expect.stringMatching(
          /^drill: unknown stack "no-such-stack": no Pulumi\.no-such-stack\.yaml \(stacks with config here: .*branch-office.*test/,
        ),
      ]);
      expect(fs.readdirSync(path.join(ws.dir, "backend"))).toEqual([]);
    } finally {
      ws.dispose();
    }
  });

  it("turns a busy --port into one line with the start-up exit code", async () => {
    const ws = workspace("busy");
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", () => resolve()));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const r = await ws.run(["--port", String(port)], 120_000);
      expect(r.code).toBe(4);
      const lines = r.output
        .trim()
        .split("\n")
        .filter((l) => l.startsWith("drill:"));
      expect(lines).toEqual([`drill: cannot start the Azure twin on 127.0.0.1:${port}: the address is already in use (127.0.0.1:${port})`]);
      expect(r.output).not.toMatch(/\n\s+at .*\.js:\d+/);
    } finally {
      blocker.close();
      ws.dispose();
    }
  });

  it("passes --policy-pack-config to the CLI: policy:check on the branch stack blocks with the failback profile", async () => {
    const ws = workspace("packconfig");
    try {
      const out = path.join(ws.dir, "policy-check.md");
      const args = [
        path.join(ROOT, "dist", "scripts", "policyCheck.js"),
        "--stack",
        "branch-office",
        "--fixture",
        FIXTURE,
        "--state",
        path.join(ws.dir, "state"),
        "--out",
        out,
      ];
      const plain = await runCommand(process.execPath, args, { cwd: ROOT, env: ws.env, timeoutMs: 300_000 });
      expect(plain.output).toMatch(/\[advisory\] managed-disks-prevent-failback/);
      expect(plain.code).toBe(0);
      const strict = await runCommand(
        process.execPath,
        [...args, "--policy-pack-config", path.join(ROOT, "policy", "config", "failback-required.json")],
        { cwd: ROOT, env: ws.env, timeoutMs: 300_000 },
      );
      expect(strict.output).toMatch(/\[mandatory\] managed-disks-prevent-failback/);
      expect(strict.code).toBe(10);
      expect(fs.readFileSync(out, "utf8")).toContain("blocked by 1 mandatory finding");
    } finally {
      ws.dispose();
    }
  });

  it("--help prints the flags and exit codes", async () => {
    const r = await runCommand(process.execPath, [DRILL, "--help"], { cwd: ROOT, timeoutMs: 30_000 });
    expect(r.code).toBe(0);
    expect(r.output).toMatch(/--stack NAME[\s\S]*--policy-pack-config FILE[\s\S]*Exit codes: 0 passed/);
  });
});
