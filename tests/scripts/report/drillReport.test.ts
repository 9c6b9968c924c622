// The drill report v2 (scripts/report/drillReport.ts): RTO end to end across the AD/DNS copy, RPO from
// the recovery points used, targets from the start record, findings, full causes, the three renderings
// and the SHA-256 manifest.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  composeReport,
  renderHtml,
  renderMarkdown,
  renderTimelineSvg,
  writeDrillReport,
  type ReportParts,
} from "../../../scripts/report/drillReport";
import { readDrillStart, writeDrillStart, type DrillStart } from "../../../scripts/report/drillStart";
import { verifyManifest } from "../../../scripts/report/manifest";
import { at, failover, startRecord, vm } from "./reportFixtures";

const dc = failover("directory-copy", [vm("DC01", 0, 40, 75, { verified: 80 })], {
  groupTimings: [{ group: "DC01", startTime: at(0), endTime: at(75), seconds: 75 }],
});
const app = failover("application", [vm("SQL01", 100, 150, 180, { verified: 190 }), vm("APP01", 100, 160, 230, { verified: 245 })], {
  rtoAchievedSeconds: 130,
  groupTimings: [
    { group: "Group 1: Start", startTime: at(100), endTime: at(180), seconds: 80 },
    { group: "Group 2: Start", startTime: at(180), endTime: at(230), seconds: 50 },
  ],
});
const points = new Map([
  ["dc01", { name: "rp-dc", time: at(-1800), type: "ApplicationConsistent" }],
  ["sql01", { name: "rp-sql", time: at(-300), type: "CrashConsistent" }],
  ["app01", { name: "rp-app", time: at(-600), type: "CrashConsistent" }],
]);

function parts(extra: Partial<ReportParts> = {}): ReportParts {
  return {
    start: startRecord(),
    failovers: [
      { name: "application", outputs: app },
      { name: "directory-copy-tfo", outputs: dc },
    ],
    policies: [],
    upSucceeded: true,
    upOutput: "",
    jobs: {
      points,
      jobOfItem: new Map([
        ["dc01", "job-dc"],
        ["sql01", "job-plan"],
        ["app01", "job-plan"],
      ]),
      causes: [],
      gaps: [],
    },
    ...extra,
  };
}

describe("composeReport: RTO and RPO", () => {
  it("measures RTO end to end from the AD/DNS copy's trigger to the last application VM verified, not per test failover", () => {
    const r = composeReport(parts());
    expect(r.testFailovers.map((f) => f.role)).toEqual(["directory-copy", "application"]);
    // The provider's per-failover figure is 130 s; the service was back 245 s after the DC copy started.
    expect(r.rto).toMatchObject({ achievedSeconds: 245, from: at(0), to: at(245), toEvent: "verified", targetMinutes: 60, met: true });
    expect(r.rto.perTestFailover).toEqual([
      { name: "directory-copy-tfo", role: "directory-copy", seconds: 80 },
      { name: "application", role: "application", seconds: 145 },
    ]);
    expect(r.rto.perBootGroup).toEqual([
      { group: "AD/DNS copy: DC01", seconds: 75, fromFirstTriggerSeconds: 75 },
      { group: "plan: Group 1: Start", seconds: 80, fromFirstTriggerSeconds: 180 },
      { group: "plan: Group 2: Start", seconds: 50, fromFirstTriggerSeconds: 230 },
    ]);
  });

  it("ends at 'running' and says so when the provider recorded no verification time", () => {
    const unverified = failover("application", [vm("APP01", 100, 160, 230)]);
    const r = composeReport(
      parts({
        failovers: [
          { name: "dc", outputs: dc },
          { name: "application", outputs: unverified },
        ],
      }),
    );
    expect(r.rto).toMatchObject({ achievedSeconds: 230, toEvent: "running" });
    expect(r.deviations.join("\n")).toMatch(/RTO ends at the last application VM running/);
  });

  it("takes RPO per item as trigger time − recovery point time, the worst as the drill's, against the RPO target", () => {
    const r = composeReport(parts());
    expect(r.rpo.perItem).toEqual([
      { friendlyName: "APP01", triggeredAt: at(100), recoveryPointTime: at(-600), seconds: 700 },
      { friendlyName: "DC01", triggeredAt: at(0), recoveryPointTime: at(-1800), seconds: 1800 },
      { friendlyName: "SQL01", triggeredAt: at(100), recoveryPointTime: at(-300), seconds: 400 },
    ]);
    expect(r.rpo).toMatchObject({ worstSeconds: 1800, worstItem: "DC01", targetMinutes: 30, met: true });
    expect(r.preconditions.find((p) => p.friendlyName === "APP01")?.recoveryPoint).toEqual({
      name: "rp-app",
      time: at(-600),
      type: "CrashConsistent",
    });
    expect(r.verdict).toBe("passed");

    const missed = composeReport(parts({ start: startRecord({ rpoMinutes: 20 }) }));
    expect(missed.rpo.met).toBe(false);
    expect(missed.verdict).toBe("failed");
    expect(missed.findings.map((f) => f.id)).toContain("target:rpo");
  });

  it("fails the verdict on a missed end-to-end RTO even when every test failover met it on its own", () => {
    const r = composeReport(parts({ start: startRecord({ rtoMinutes: 3 }) }));
    expect(r.rto).toMatchObject({ achievedSeconds: 245, met: false });
    expect(r.verdict).toBe("failed");
    expect(r.findings.find((f) => f.id === "target:rto")).toMatchObject({
      severity: "high",
      owner: "dr-team@contoso.example",
      status: "open",
    });
  });

  it("fails when a VM check failed, when up failed, or when no test failover was recorded", () => {
    const bad = failover("application", [vm("APP01", 0, 10, 20, { passed: false })]);
    expect(composeReport(parts({ failovers: [{ name: "a", outputs: bad }] })).verdict).toBe("failed");
    expect(composeReport(parts({ upSucceeded: false })).verdict).toBe("failed");
    expect(composeReport(parts({ failovers: [] })).verdict).toBe("failed");
  });
});

describe("targets fixed before the run", () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "failover-drill-start-"))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("reads RTO/RPO from the stack config at the start; a later config edit or another recorded target changes nothing", () => {
    const configFile = path.join(dir, "Pulumi.test.yaml");
    fs.writeFileSync(
      configFile,
      [
        "config:",
        "  failover-drill:drill: { id: contoso-tier1, owner: dr-team@contoso.example, expiry: '2030-12-31' }",
        "  failover-drill:scope: { recoveryPlan: rp-contoso-tier1 }",
        '  failover-drill:rtoTargetMinutes: "60"',
        "  failover-drill:evidence:",
        "    storageAccountId: /subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/ev/providers/Microsoft.Storage/storageAccounts/contosoevidence",
        "    rpoTargetMinutes: 30",
        "    businessService: Contoso ERP",
      ].join("\n"),
    );
    const start = readDrillStart({
      configFile,
      stack: "test",
      root: dir,
      trigger: { kind: "scheduled", reference: "cron 0 6 1 */3 *" },
      ranBy: { name: "ci", source: "ci" },
      now: new Date(at(-5)),
    });
    expect(start.targets).toEqual({ rtoMinutes: 60, rpoMinutes: 30, recordedAt: at(-5) });
    writeDrillStart(start, dir);
    // Someone relaxes the targets while the drill runs: the report keeps the recorded ones.
    fs.writeFileSync(
      configFile,
      fs.readFileSync(configFile, "utf8").replace('"60"', '"600"').replace("rpoTargetMinutes: 30", "rpoTargetMinutes: 300"),
    );
    const recorded = JSON.parse(fs.readFileSync(path.join(dir, "start.json"), "utf8")) as DrillStart;
    const relaxed = failover("application", app.testVms, { rtoTargetMinutes: 600 });
    const r = composeReport(
      parts({
        start: recorded,
        failovers: [
          { name: "dc", outputs: dc },
          { name: "application", outputs: relaxed },
        ],
      }),
    );
    expect(r.targets).toEqual({ rtoMinutes: 60, rpoMinutes: 30, recordedAt: at(-5) });
    expect(r.rto.targetMinutes).toBe(60);
    expect(r.deviations.join("\n")).toContain("the run recorded an RTO target of 600 min; the report uses 60 min");
    expect(Date.parse(r.targets.recordedAt)).toBeLessThan(Date.parse(r.rto.from!));
    expect(r.identity.trigger).toEqual({ kind: "scheduled", reference: "cron 0 6 1 */3 *" });
    expect(r.scope.businessService).toBe("Contoso ERP");
  });

  it("refuses a bad evidence section with its config path before anything runs", () => {
    const configFile = path.join(dir, "Pulumi.test.yaml");
    fs.writeFileSync(configFile, "config:\n  failover-drill:evidence: { storageAccountId: nope }\n");
    expect(() =>
      readDrillStart({ configFile, stack: "test", root: dir, trigger: { kind: "manual" }, ranBy: { name: "me", source: "local" } }),
    ).toThrow(/failover-drill:evidence\.storageAccountId: "nope" is not a storage account id/);
  });
});

describe("full causes and findings", () => {
  const upOutput = [
    "Updating (test):",
    "error: a line outside the diagnostics",
    "Diagnostics:",
    "  pulumi-nodejs:dynamic/drill:TestFailover (application):",
    "    error: preflight refused the test failover:",
    "      - APP01: health error 161003 (Error): Target network settings are not configured for virtual machine 'APP01'.",
    "        recommended action: Configure the target network settings in Compute and Network.",
    "      - WEB01: allowedOperations lacks TestFailover",
    "",
    "  pulumi:pulumi:Stack (failover-drill-test):",
    "    error: update failed",
    "",
    "Resources:",
    "    7 unchanged",
  ].join("\n");

  it("keeps every line of a multi-line engine error, with its resource, in json, md and html", () => {
    const r = composeReport(parts({ upSucceeded: false, upOutput }));
    expect(r.causes.filter((c) => c.source === "engine")).toEqual([
      {
        source: "engine",
        subject: "pulumi-nodejs:dynamic/drill:TestFailover (application)",
        lines: [
          "preflight refused the test failover:",
          "  - APP01: health error 161003 (Error): Target network settings are not configured for virtual machine 'APP01'.",
          "    recommended action: Configure the target network settings in Compute and Network.",
          "  - WEB01: allowedOperations lacks TestFailover",
        ],
      },
      { source: "engine", lines: ["a line outside the diagnostics"] },
    ]);
    const md = renderMarkdown(r);
    const html = renderHtml(r);
    for (const text of [
      "health error 161003",
      "Configure the target network settings in Compute and Network.",
      "WEB01: allowedOperations lacks TestFailover",
    ]) {
      expect(md).toContain(text);
      expect(html).toContain(text.replace(/'/g, "&#39;"));
    }
  });

  it("lists health codes of items in scope and the failing task of a failed job as causes", () => {
    const start = startRecord();
    start.health = [
      {
        friendlyName: "APP01",
        protectedItemId: "/x/APP01",
        replicationHealth: "Critical",
        failoverHealth: "Critical",
        healthErrors: [
          {
            code: "161003",
            message: "Target network settings are not configured.",
            level: "Error",
            recommendedAction: "Configure the target network settings.",
          },
        ],
      },
      { friendlyName: "FILE01", replicationHealth: "Critical", healthErrors: [{ code: "999", message: "not in scope", level: "Error" }] },
    ];
    const jobCause = {
      source: "job" as const,
      subject: 'job job-plan (TestFailover), task VmTfoPrepareTestVm "Prepare the test VM"',
      lines: ["task VmTfoPrepareTestVm failed", "TwinInjectedTaskFailure: injected"],
    };
    const r = composeReport(parts({ start, jobs: { points, jobOfItem: new Map(), causes: [jobCause], gaps: [] } }));
    expect(r.causes).toContainEqual(jobCause);
    expect(r.causes).toContainEqual(
      expect.objectContaining({
        source: "health",
        lines: [
          "161003 (Error): Target network settings are not configured.",
          "recommended action: Configure the target network settings.",
        ],
      }),
    );
    expect(JSON.stringify(r.causes)).not.toContain("not in scope");
    expect(r.preconditions.find((p) => p.friendlyName === "APP01")).toMatchObject({
      replicationHealth: "Critical",
      healthErrors: [expect.objectContaining({ code: "161003" })],
    });
    expect(r.findings.map((f) => f.id)).toEqual(
      expect.arrayContaining(["precondition:app01:health", expect.stringMatching(/^error:job:/)]),
    );
    expect(renderMarkdown(r)).toContain("TwinInjectedTaskFailure: injected");
  });

  it("marks a regression beyond the margin and the previous drill's findings as recurred or not", () => {
    const previous = {
      drillId: "contoso-tier1",
      generatedAt: at(-86400),
      rtoSeconds: 150,
      rpoSeconds: 1800,
      verdict: "passed" as const,
      prefix: "test/contoso-tier1/20261125T080000Z/",
    };
    const r = composeReport(
      parts({
        policies: [
          {
            policyName: "nic-count-fits-target-size",
            policyPackName: "p",
            enforcementLevel: "advisory",
            message: "SQL01 keeps 1 of 2 NICs",
            resourceUrn: "urn:pulumi:test::failover-drill::pulumi-nodejs:dynamic/drill:TestFailover::application",
          },
        ],
        trend: {
          previous: [previous],
          previousDrill: {
            drillId: "contoso-tier1",
            generatedAt: at(-86400),
            findings: [
              {
                id: "policy:nic-count-fits-target-size:application",
                kind: "policy",
                severity: "low",
                summary: "SQL01 keeps 1 of 2 NICs",
                owner: "dr-team@contoso.example",
                status: "open",
              },
              {
                id: "check:web01:ip",
                kind: "check",
                severity: "high",
                summary: "WEB01 ip",
                owner: "dr-team@contoso.example",
                status: "open",
              },
            ],
          },
        },
      }),
    );
    // 150 s → 245 s is +63%, beyond the 25% margin; RPO unchanged.
    expect(r.findings.find((f) => f.id === "trend:rto")?.summary).toMatch(/RTO regressed 63\.3% against the previous drill/);
    expect(r.findings.find((f) => f.id === "trend:rpo")).toBeUndefined();
    expect(r.previousFindings?.findings.map((f) => [f.id, f.now])).toEqual([
      ["policy:nic-count-fits-target-size:application", "recurred"],
      ["check:web01:ip", "not-recurred"],
    ]);
    expect(r.trend.drills.map((d) => [d.rtoSeconds, d.current ?? false])).toEqual([
      [150, false],
      [245, true],
    ]);
  });
});

describe("renderings and manifest", () => {
  it("renders Markdown with identity, targets, timeline, empty sign-off and escaped notes", () => {
    const r = composeReport(parts({ cleanup: { clean: true, destroySucceeded: true, leftovers: [], checkedAt: at(400) } }));
    const md = renderMarkdown(r);
    expect(md).toContain("# DR drill contoso-tier1: PASSED");
    expect(md).toContain("RTO (end to end, first trigger → last application VM verified): 4.1 min against a target of 60 min (met)");
    expect(md).toContain("RPO (worst item, DC01): 30.0 min against a target of 30 min (met)");
    expect(md).toContain(`| git commit | \`0123abc\` |`);
    expect(md).toContain("| ran by | alice@contoso.example (from the ARM token's claims, object id oid-1) |");
    expect(md).toMatch(/\| APP01 \| application \| `job-plan` \| 2026-11-26T08:01:40\.000Z \| .* \| 2026-11-26T08:04:05\.000Z \|/);
    expect(md).toContain("Quarterly drill <with> | pipes");
    expect(md).toContain("no test VM, NIC or disk left");
    expect(md).toMatch(/## Sign-off\n\n\| \| \|\n\|---\|---\|\n\| name \| \|/);
    expect(r.signOff).toEqual({ name: "", role: "", date: "", signature: "", comments: "" });
  });

  it("draws each SVG bar with a width proportional to its duration, and escapes HTML", () => {
    const r = composeReport(parts());
    const svg = renderTimelineSvg(r);
    const scale = Number(/data-px-per-second="([\d.]+)"/.exec(svg)![1]);
    const bars = [
      ...svg.matchAll(
        /<rect class="bar [a-z ]+" x="[\d.]+" y="\d+" width="([\d.]+)"[^>]*data-lane="([^"]+)"[^>]*data-duration-seconds="([\d.]+)"/g,
      ),
    ];
    expect(bars).toHaveLength(r.timeline.bars.length);
    for (const [, width, , duration] of bars) expect(Number(width)).toBeCloseTo(Math.max(1, Number(duration) * scale), 1);
    const html = renderHtml(r);
    expect(html).toContain("Quarterly drill &lt;with&gt; | pipes");
    expect(html).not.toContain("<with>");
    expect(html).not.toMatch(/<script(?! type="application\/json")/);
    expect(html).toContain('<svg xmlns="http://www.w3.org/2000/svg" id="trend"');
  });

  it("writes report.{json,md,html}, then a manifest whose SHA-256 lines verify (also with sha256sum -c), and catches an edit", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "failover-drill-manifest-"));
    try {
      const r = composeReport(parts());
      writeDrillStart(r as unknown as DrillStart, path.join(dir, r.drillId));
      const out = writeDrillReport(r, dir);
      const manifest = fs.readFileSync(path.join(out, "manifest.sha256"), "utf8");
      expect(
        manifest
          .split("\n")
          .filter(Boolean)
          .map((l) => l.split("  ")[1]),
      ).toEqual(["report.json", "report.md", "report.html", "start.json"]);
      expect(verifyManifest(out)).toEqual([]);
      const sum = spawnSync("sha256sum", ["-c", "manifest.sha256"], { cwd: out, encoding: "utf8" });
      if (!sum.error) expect(sum.status).toBe(0);
      // The manifest is written last: it is at least as new as every file it lists.
      const mtime = (f: string) => fs.statSync(path.join(out, f)).mtimeMs;
      for (const f of ["report.json", "report.md", "report.html"]) expect(mtime("manifest.sha256")).toBeGreaterThanOrEqual(mtime(f));
      fs.appendFileSync(path.join(out, "report.json"), " ");
      expect(verifyManifest(out)).toEqual(["report.json: SHA-256 differs from the manifest"]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
