// Drill evidence end to end on the twin: two drills of one stack share the retained evidence store
// (Azurite, data outside the drill state), the second's report lists the first in its trend and follows
// up its findings; every evidence field of report schema v2 is filled from a real run; the uploaded files
// match their manifest. Set DRILL_EVIDENCE_FIXTURE=<file> to keep the second report.json (the Chromium
// test's fixture, tests/scripts/report/fixtures/contoso-tier1.v2.report.json).
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { containerClientOf, downloadEvidence } from "../../scripts/lib/evidence";
import { azuriteTarget, startAzurite } from "../../scripts/lib/evidenceAzurite";
import { verifyManifest } from "../../scripts/report/manifest";
import { validateReport, type DrillReport } from "../../scripts/report/reportSchema";
import { ROOT, runCommand } from "./harness";

jest.setTimeout(1_200_000);

const DRILL = path.join(ROOT, "dist", "scripts", "drill.js");
const SPEED = 120;
const ACCOUNT_ID =
  "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/contoso-evidence/providers/Microsoft.Storage/storageAccounts/contosoevidence";

describe("drill evidence on the twin", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "failover-drill-evidence-e2e-"));
  const evidenceDir = path.join(dir, "evidence-store");
  const env = { ...process.env, PULUMI_BACKEND_URL: `file://${path.join(dir, "backend")}` };
  fs.mkdirSync(path.join(dir, "backend"));
  const reportsOf = (run: string) => path.join(dir, run, "reports", "contoso-tier1");
  // Each run has its own state and reports folder; only the evidence store is shared (as across drills).
  const drill = (run: string, extra: string[]) =>
    runCommand(
      process.execPath,
      [
        DRILL,
        "--state",
        path.join(dir, run, "state"),
        "--reports",
        path.join(dir, run, "reports"),
        "--evidence-dir",
        evidenceDir,
        "--port",
        "0",
        "--speed",
        String(SPEED),
        ...extra,
      ],
      {
        cwd: ROOT,
        env,
        timeoutMs: 600_000,
      },
    );
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  let first: DrillReport;
  let second: DrillReport;

  it("runs two drills; the second's trend lists the first, read back from the evidence store", async () => {
    const r1 = await drill("first", ["--trigger", "change", "--trigger-ref", "CHG-1042"]);
    expect(r1.output).toContain("drill PASSED");
    expect(r1.code).toBe(0);
    expect(r1.output).toContain("trend: 0 earlier drill(s) of stack test in the evidence store");
    // The provider's in-guest progress reaches the runner's console (the dynamic provider's output arrives
    // as engine diagnostics).
    expect(r1.output).toContain("[drill contoso-tier1 application] in-guest checks: 3/3 done, 0 failed");
    const r2 = await drill("second", ["--trigger", "scheduled", "--trigger-ref", "schedule 0 6 1 1,4,7,10 *"]);
    expect(r2.output).toContain("trend: 1 earlier drill(s) of stack test in the evidence store");
    expect(r2.code).toBe(0);

    first = validateReport(JSON.parse(fs.readFileSync(path.join(reportsOf("first"), "report.json"), "utf8")));
    second = validateReport(JSON.parse(fs.readFileSync(path.join(reportsOf("second"), "report.json"), "utf8")));
    expect(second.trend.drills.map((d) => [d.generatedAt, d.current ?? false])).toEqual([
      [first.startedAt, false],
      [second.startedAt, true],
    ]);
    expect(second.trend.drills[0]).toMatchObject({
      drillId: "contoso-tier1",
      verdict: first.verdict,
      rtoSeconds: first.rto.achievedSeconds,
      rpoSeconds: first.rpo.worstSeconds,
      prefix: first.evidence!.prefix,
    });
    expect(second.previousFindings).toMatchObject({
      drillId: "contoso-tier1",
      generatedAt: first.startedAt,
      prefix: first.evidence!.prefix,
    });
    expect(second.previousFindings!.findings.map((f) => f.id)).toEqual(first.findings.map((f) => f.id));
    if (process.env.DRILL_EVIDENCE_FIXTURE) fs.writeFileSync(process.env.DRILL_EVIDENCE_FIXTURE, JSON.stringify(second, null, 2) + "\n");
  });

  it("fills every evidence field from the real run", () => {
    const r = second;
    expect(r.identity).toMatchObject({
      stack: "test",
      schemaVersion: 2,
      trigger: { kind: "scheduled", reference: "schedule 0 6 1 1,4,7,10 *" },
      toolVersion: "0.1.0",
    });
    expect(first.identity.trigger).toEqual({ kind: "change", reference: "CHG-1042" });
    expect(r.identity.gitCommit).toMatch(/^[0-9a-f]{40}$/);
    expect(r.identity.ranBy.name).toBeTruthy();
    expect(r.identity.pulumiUpdateId).toBeTruthy();
    expect(r.scope).toMatchObject({
      kind: "recoveryPlan",
      recoveryPlan: "rp-contoso-tier1",
      businessService: "Contoso ERP",
      tier: "tier-1",
      exclusions: [expect.objectContaining({ item: "FILE01" })],
    });
    expect(r.scope.items.map((i) => i.friendlyName).sort()).toEqual(["APP01", "DC01", "SQL01", "WEB01"]);
    expect(r.targets).toMatchObject({ rtoMinutes: 60, rpoMinutes: 90 });
    for (const p of r.preconditions) {
      expect(p).toMatchObject({ replicationHealth: "Normal", healthErrors: [] });
      expect(p.recoveryPoint?.time).toMatch(/^\d{4}-\d\d-\d\dT/);
    }
    // The DC copy fails over to the latest application-consistent point, listed with its type.
    expect(r.preconditions.find((p) => p.friendlyName === "DC01")?.recoveryPoint?.type).toBe("ApplicationConsistent");
    // Every stage and VM has its ASR job id; the VMs have created and running times.
    for (const s of r.timeline.stages) expect(s.jobId).toMatch(/^[0-9a-f-]{36}$/);
    for (const v of r.timeline.vms)
      expect(v).toMatchObject({
        jobId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        createdAt: expect.any(String),
        runningAt: expect.any(String),
      });
    // RTO end to end spans the DC copy: longer than any single test failover.
    const dcStart = Date.parse(r.timeline.vms.find((v) => v.friendlyName === "DC01")!.triggeredAt!);
    expect(Date.parse(r.rto.from!)).toBe(dcStart);
    expect(r.rto.achievedSeconds!).toBeGreaterThan(Math.max(...r.rto.perTestFailover.map((f) => f.seconds ?? 0)));
    expect(r.rto.perBootGroup.map((g) => g.group)).toEqual(expect.arrayContaining(["plan: Group 1: Start", "plan: Group 2: Start"]));
    // RTO ends when the last application VM was verified (its in-guest check's Run Command ended, as the
    // service reports it), after it was running; no deviation says it fell back to "running".
    for (const v of r.timeline.vms) expect(Date.parse(v.verifiedAt!)).toBeGreaterThan(Date.parse(v.runningAt!));
    const apps = r.timeline.vms.filter((v) => v.role === "application");
    expect(r.rto).toMatchObject({
      toEvent: "verified",
      to: apps
        .map((v) => v.verifiedAt!)
        .sort((a, b) => Date.parse(a) - Date.parse(b))
        .pop(),
    });
    expect(r.rto.achievedSeconds!).toBeGreaterThan((Date.parse(apps[0].runningAt!) - dcStart) / 1000);
    expect(r.deviations.join("\n")).not.toMatch(/RTO ends at the last application VM running/);
    // The provider polls on the twin's clock (30 s ÷ speed): from the DC copy verified to the plan's trigger
    // the virtual timeline has no gap longer than one poll interval (30 virtual s) plus the twin's own step
    // (its Retry-After is whole wall seconds, so one wall second = SPEED virtual seconds).
    const dcVerified = Date.parse(r.timeline.vms.find((v) => v.friendlyName === "DC01")!.verifiedAt!);
    const planStart = Date.parse(r.timeline.stages.find((s) => s.role === "application")!.startedAt!);
    expect(planStart - dcVerified).toBeGreaterThan(0);
    expect(planStart - dcVerified).toBeLessThan((30 + SPEED) * 1000);
    expect(r.rpo.perItem.map((p) => p.friendlyName)).toEqual(["APP01", "DC01", "SQL01", "WEB01"]);
    for (const p of r.rpo.perItem) expect(p.seconds).toBeGreaterThanOrEqual(0);
    expect(r.rpo.worstSeconds).toBe(Math.max(...r.rpo.perItem.map((p) => p.seconds!)));
    expect(r.isolation).toMatchObject({ peerings: [], publicIps: [], dnsServers: ["10.10.1.4"], isolated: true });
    expect(r.isolation!.nsgRules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: "deny-internet-inbound", access: "Deny" }),
        expect.objectContaining({ name: "allow-dr-jumpbox-rdp", source: "192.0.2.10/32" }),
      ]),
    );
    expect(r.cleanup).toMatchObject({ clean: true, leftovers: [] });
    expect(r.evidence).toMatchObject({
      store: "azurite",
      accountName: "contosoevidence",
      preflight: { writable: true, versionLevelImmutability: false },
    });
    expect(r.findings.map((f) => f.id)).toContain("evidence:no-worm");
    for (const f of r.findings) expect(f).toMatchObject({ owner: "dr-team@contoso.example", status: "open" });
    expect(r.signOff).toEqual({ name: "", role: "", date: "", signature: "", comments: "" });
    expect(verifyManifest(reportsOf("second"))).toEqual([]);
  });

  it("keeps both drills in the store outside the drill state, each under <stack>/<drill-id>/<UTC>/ with a manifest that verifies", async () => {
    expect(fs.readdirSync(evidenceDir).length).toBeGreaterThan(0);
    const azurite = await startAzurite({ location: evidenceDir, accounts: ["contosoevidence"] });
    try {
      const container = containerClientOf(azuriteTarget(azurite, ACCOUNT_ID, "contosoevidence", "drill-evidence"));
      for (const r of [first, second]) {
        const copy = fs.mkdtempSync(path.join(dir, "download-"));
        for (const f of ["report.json", "report.md", "report.html", "start.json", "manifest.sha256"]) {
          fs.writeFileSync(path.join(copy, f), await downloadEvidence(container, `${r.evidence!.prefix}${f}`));
        }
        expect(verifyManifest(copy)).toEqual([]);
        // The stored report is the final one (with the cleanup confirmation).
        expect(JSON.parse(fs.readFileSync(path.join(copy, "report.json"), "utf8")).cleanup.clean).toBe(true);
      }
    } finally {
      await azurite.stop();
    }
  });
});
