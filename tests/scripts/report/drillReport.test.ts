// The drill report: verdict, timeline derived from the job timestamps, and the three renderings.
import type { TestFailoverOutputs, TestVmReport } from "../../../components/drillTypes";
import { renderHtml, renderMarkdown, renderTimelineSvg, reportFromOutputs } from "../../../scripts/report/drillReport";

const T0 = Date.parse("2026-11-26T08:00:00Z");
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

function vm(name: string, trigger: number, created: number, running: number, passed = true): TestVmReport {
  return {
    friendlyName: name,
    testVmId: `/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/${name}-test`,
    testVmName: `${name}-test`,
    size: "Standard_D2s_v3",
    powerState: "PowerState/running",
    ips: ["10.10.3.5"],
    nicCount: 1,
    checks: [{ name: "size", passed, detail: passed ? "Standard_D2s_v3" : "expected Standard_D4s_v3, got Standard_D2s_v3" }],
    triggeredAt: at(trigger),
    createdAt: at(created),
    runningAt: at(running),
    secondsToRunning: running - trigger,
  };
}

function failover(role: "directory-copy" | "application", vms: TestVmReport[], extra: Partial<TestFailoverOutputs> = {}): TestFailoverOutputs {
  return {
    drillId: "contoso-tier1",
    role,
    vault: { subscriptionId: "s", resourceGroup: "rg", name: "v" },
    arm: { endpoint: "http://127.0.0.1:1", credentialMode: "staticToken", tokenVariable: "FAILOVER_DRILL_ARM_TOKEN" },
    scope: role === "directory-copy"
      ? { kind: "protectedItems", items: [{ fabricName: "f", protectionContainerName: "c", name: "n", friendlyName: "DC01", id: "x" }] }
      : { kind: "recoveryPlan", recoveryPlanName: "rp-contoso-tier1", recoveryPlanId: "y" },
    testNetworkId: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/drill",
    testSubnets: [],
    failoverDirection: "PrimaryToRecovery",
    recoveryPointType: "LatestProcessed",
    items: [],
    expected: [],
    notes: "Quarterly drill <with> | pipes",
    timeouts: { testFailoverMinutes: 60, cleanupMinutes: 30 },
    rtoTargetMinutes: 60,
    jobIds: ["/subscriptions/s/.../replicationJobs/job-1"],
    testVms: vms,
    groupTimings: [],
    verdict: vms.every((v) => v.checks.every((c) => c.passed)) ? "passed" : "failed",
    failures: [],
    ...extra,
  };
}

describe("reportFromOutputs", () => {
  const dc = failover("directory-copy", [vm("DC01", 0, 40, 75)]);
  const app = failover("application", [vm("SQL01", 100, 150, 180), vm("APP01", 100, 160, 230)], {
    rtoAchievedSeconds: 130,
    groupTimings: [{ group: "Boot group 1", startTime: at(100), endTime: at(180), seconds: 80 }],
  });

  it("puts the AD/DNS copy first and measures every bar from the drill's first trigger", () => {
    const r = reportFromOutputs({ stack: "test", failovers: [{ name: "app", outputs: app }, { name: "dc", outputs: dc }], policies: [], upSucceeded: true, upErrors: [] });
    expect(r.testFailovers.map((f) => f.role)).toEqual(["directory-copy", "application"]);
    expect(r.verdict).toBe("passed");
    expect(r.rtoAchievedSeconds).toBe(130);
    const byLane = Object.fromEntries(r.timeline.map((b) => [b.lane, b]));
    expect(byLane["DC01"]).toMatchObject({ start: 0, end: 75, created: 40, kind: "vm" });
    expect(byLane["APP01"]).toMatchObject({ start: 100, end: 230, created: 160 });
    expect(byLane["plan: Boot group 1"]).toMatchObject({ start: 100, end: 180, kind: "group" });
  });

  it("fails the drill when a VM check failed, when up failed, or when no test failover was recorded", () => {
    const bad = failover("application", [vm("APP01", 0, 10, 20, false)]);
    expect(reportFromOutputs({ stack: "t", failovers: [{ name: "a", outputs: bad }], policies: [], upSucceeded: true, upErrors: [] }).verdict).toBe("failed");
    expect(reportFromOutputs({ stack: "t", failovers: [{ name: "a", outputs: app }], policies: [], upSucceeded: false, upErrors: ["error: x"] }).verdict).toBe("failed");
    expect(reportFromOutputs({ stack: "t", failovers: [], policies: [], upSucceeded: true, upErrors: [] }).verdict).toBe("failed");
  });

  it("renders Markdown with the VM table, policy findings, escaped notes and the cleanup state", () => {
    const r = reportFromOutputs({
      stack: "test",
      failovers: [{ name: "dc", outputs: dc }, { name: "app", outputs: app }],
      policies: [{ policyName: "nic-count-fits-target-size", policyPackName: "p", enforcementLevel: "advisory", message: "SQL01 keeps 1 of 2 NICs" }],
      upSucceeded: true,
      upErrors: [],
    });
    r.cleanup = { clean: true, destroySucceeded: true, leftovers: [], checkedAt: at(400) };
    const md = renderMarkdown(r);
    expect(md).toContain("# DR drill contoso-tier1: PASSED");
    expect(md).toContain("RTO achieved: 2.2 min against a target of 60 min (met)");
    expect(md).toMatch(/\| APP01 \| APP01-test \| Standard_D2s_v3 \| PowerState\/running \| 10\.10\.3\.5 \| 1 \| 2\.2 min \|/);
    expect(md).toContain("**advisory** `nic-count-fits-target-size`: SQL01 keeps 1 of 2 NICs");
    expect(md).toContain("Quarterly drill <with> | pipes");
    expect(md).toContain("no test VM, NIC or disk left");
  });

  it("draws each SVG bar with a width proportional to its duration, and escapes HTML", () => {
    const r = reportFromOutputs({ stack: "test", failovers: [{ name: "dc", outputs: dc }, { name: "app", outputs: app }], policies: [], upSucceeded: true, upErrors: [] });
    const svg = renderTimelineSvg(r);
    const scale = Number(/data-px-per-second="([\d.]+)"/.exec(svg)![1]);
    const bars = [...svg.matchAll(/<rect class="bar [a-z]+" x="[\d.]+" y="\d+" width="([\d.]+)"[^>]*data-lane="([^"]+)"[^>]*data-duration-seconds="([\d.]+)"/g)];
    expect(bars).toHaveLength(r.timeline.length);
    for (const [, width, , duration] of bars) expect(Number(width)).toBeCloseTo(Number(duration) * scale, 1);
    const html = renderHtml(r);
    expect(html).toContain("Quarterly drill &lt;with&gt; | pipes");
    expect(html).not.toContain("<with>");
    expect(html).toContain('<script type="application/json" id="report-data">');
  });
});
