// The report at 1,000 VMs (issue 19): the timeline opens at one lane per test failover with boot groups and
// VMs folded under them, a time axis with sensible ticks, checks as one cell, long lists folded, and
// report.html under 1.5 MB; RTO end to end over several plans ends at the last application VM verified.
import { checksCell, foldNameLists } from "../../../scripts/report/renderHtml";
import { composeReport, renderHtml, type ReportParts } from "../../../scripts/report/drillReport";
import { fmtElapsed, tickStep } from "../../../scripts/report/timelineSvg";
import { at, largeDrill, startRecord } from "./reportFixtures";

const failing = ["VM00007", "VM00512"];
const parts = (): ReportParts => ({
  start: {
    ...startRecord({ rtoMinutes: 60 }),
    configuredScope: { recoveryPlans: Array.from({ length: 10 }, (_, i) => `rp-synthetic-${i + 1}`), directoryCopy: ["DC01"] },
  },
  failovers: largeDrill({ plans: 10, perPlan: 100, checks: 7, failing }),
  policies: [
    {
      policyName: "managed-disks-prevent-failback",
      policyPackName: "failover-drill",
      enforcementLevel: "advisory",
      message: `"drill-application-rp-synthetic-1", items ${Array.from({ length: 100 }, (_, i) => `"VM${String(i + 1).padStart(5, "0")}"`).join(", ")}: useManagedDisks is "true": these 100 VMs are migration-only. Fix: accept migration-only`,
    },
  ] as ReportParts["policies"],
  upSucceeded: true,
  upOutput: "",
});

describe("a 1,000-VM drill's report", () => {
  const r = composeReport(parts());
  const html = renderHtml(r);

  it("records one bar per test failover, per group and per VM, each VM under a boot group of its plan", () => {
    const kinds = (k: string) => r.timeline.bars.filter((b) => b.kind === k);
    expect(kinds("testFailover").map((b) => b.lane)).toEqual([
      "AD/DNS copy",
      ...Array.from({ length: 10 }, (_, i) => `plan rp-synthetic-${i + 1}`),
    ]);
    expect(kinds("group")).toHaveLength(1 + 10 * 5);
    expect(kinds("vm")).toHaveLength(1001);
    const vm26 = kinds("vm").find((b) => b.lane === "VM00026")!;
    expect(vm26).toMatchObject({ testFailover: "drill-application-rp-synthetic-1", group: "plan rp-synthetic-1: Group 2: Start" });
    // With several plans each group lane names its plan.
    expect(new Set(kinds("group").map((b) => b.lane)).size).toBe(kinds("group").length);
    expect(r.rto.perBootGroup.map((g) => g.group)).toContain("plan rp-synthetic-10: Group 4: Start");
    // A plan's all-VM Failover step folds no VM: each VM is under its boot group.
    expect(kinds("vm").some((b) => /Failover$/.test(b.group ?? ""))).toBe(false);
  });

  it("opens at one lane per test failover with groups collapsed; every bar is drawn once", () => {
    expect(html.match(/<details class="tfo"/g)).toHaveLength(11);
    // Groups that hold VMs fold them: the DC copy's and 4 boot groups of 25 per plan (the Failover step holds none).
    expect(html.match(/<details class="group"/g)).toHaveLength(41);
    expect(html).not.toMatch(/<details class="group" open/);
    expect(html.match(/<rect class="bar /g)).toHaveLength(r.timeline.bars.length);
  });

  it("checks are one cell per VM: 7/7 ✔, or 6/7 ✘ with the failed check spelled out", () => {
    expect(html.match(/>7\/7 ✔</g)).toHaveLength(998);
    expect(html).toContain('6/7 ✘</span><br><span class="ko">✘ check-6: expected output to contain synthetic.local</span>');
    expect(checksCell([])).toBe("—");
  });

  it("folds the policy finding's 100 VMs and the long tables, and stays under 1.5 MB", () => {
    expect(html).toMatch(
      /<details class="names"><summary>100 VMs<\/summary>&quot;VM00001&quot;, .*&quot;VM00100&quot;<\/details>: useManagedDisks/,
    );
    expect(foldNameLists('"a", "b": short')).toBe("&quot;a&quot;, &quot;b&quot;: short");
    for (const id of ["preconditions", "vm-times", "rpo-per-item"])
      expect(html).toMatch(new RegExp(`<details class="fold"><summary>\\d+ [^<]+</summary><table id="${id}"`));
    expect(Buffer.byteLength(html)).toBeLessThan(1.5 * 1024 * 1024);
  });

  it("RTO end to end runs from the AD/DNS copy's trigger to the last application VM verified, over every plan", () => {
    // Plan 10 starts at 127 s; its last VM (boot group 4 of 4, 24th in it) runs at 127+70+3·40+20+24 = 361 s, verified at 376 s.
    expect(r.rto).toMatchObject({ from: at(0), toEvent: "running" });
    // Two VMs failed a check (no verifiedAt): the report says the end is weaker than "verified".
    expect(r.deviations.join("\n")).toMatch(/RTO ends at the last application VM running/);
    const allVerified = composeReport({ ...parts(), failovers: largeDrill({ plans: 10, perPlan: 100, checks: 7 }) });
    expect(allVerified.rto).toMatchObject({ from: at(0), to: at(376), toEvent: "verified", achievedSeconds: 376 });
    expect(renderHtml(allVerified)).toContain("first trigger → last application VM verified");
    expect(allVerified.scope.recoveryPlans).toHaveLength(10);
  });

  it("lists the plans in the config's order whatever order they finished in (state order), the AD/DNS copy first", () => {
    const finished = largeDrill({ plans: 10, perPlan: 10, checks: 1 }).reverse();
    const r2 = composeReport({ ...parts(), failovers: finished });
    const plans = Array.from({ length: 10 }, (_, i) => `rp-synthetic-${i + 1}`);
    expect(r2.scope.recoveryPlans).toEqual(plans);
    expect(r2.testFailovers.map((f) => f.name)).toEqual(["drill-directory-copy-tfo", ...plans.map((p) => `drill-application-${p}`)]);
  });
});

describe("the time axis", () => {
  it.each([
    [40, 5],
    [416, 60],
    [3000, 300],
    [5 * 3600, 1800],
  ])("a %i s drill ticks every %i s", (span, step) => expect(tickStep(span)).toBe(step));
  it.each([
    [45, "45 s"],
    [300, "5 min"],
    [5400, "1 h 30 min"],
    [7200, "2 h"],
  ])("%i s reads %s", (t, text) => expect(fmtElapsed(t)).toBe(text));
});
