// Recorded TestFailover outputs and a start record for the report tests (times relative to T0).
import type { TestFailoverOutputs } from "../../../components/drillTypes";
import type { RecordedTestFailover } from "../../../scripts/report/drillReport";
import type { DrillStart } from "../../../scripts/report/drillStart";
import type { RecordedVm } from "../../../scripts/report/drillMetrics";

export const T0 = Date.parse("2026-11-26T08:00:00Z");
export const at = (s: number) => new Date(T0 + s * 1000).toISOString();

export function vm(
  name: string,
  trigger: number,
  created: number,
  running: number,
  opts: { passed?: boolean; verified?: number } = {},
): RecordedVm {
  const passed = opts.passed ?? true;
  return {
    friendlyName: name,
    testVmId: `/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/${name}-test`,
    testVmName: `${name}-test`,
    size: "Standard_D2s_v3",
    powerState: "running",
    ips: ["10.10.3.5"],
    nicCount: 1,
    checks: [{ name: "size", passed, detail: passed ? "Standard_D2s_v3" : "expected Standard_D4s_v3, got Standard_D2s_v3" }],
    triggeredAt: at(trigger),
    createdAt: at(created),
    runningAt: at(running),
    verifiedAt: opts.verified === undefined ? undefined : at(opts.verified),
    secondsToRunning: running - trigger,
  };
}

export function failover(
  role: "directory-copy" | "application",
  vms: RecordedVm[],
  extra: Partial<TestFailoverOutputs> = {},
): RecordedTestFailover["outputs"] {
  return {
    drillId: "contoso-tier1",
    role,
    vault: { subscriptionId: "s", resourceGroup: "rg", name: "v" },
    arm: { endpoint: "http://127.0.0.1:1", credentialMode: "staticToken", tokenVariable: "FAILOVER_DRILL_ARM_TOKEN" },
    scope:
      role === "directory-copy"
        ? { kind: "protectedItems", items: [{ fabricName: "f", protectionContainerName: "c", name: "n", friendlyName: "DC01", id: "x" }] }
        : { kind: "recoveryPlan", recoveryPlanName: "rp-contoso-tier1", recoveryPlanId: "y" },
    testNetworkId: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/drill",
    testSubnets: [],
    failoverDirection: "PrimaryToRecovery",
    recoveryPointType: "LatestProcessed",
    items: vms.map(
      (v) => ({ protectedItemId: `/x/${v.friendlyName}`, friendlyName: v.friendlyName }) as TestFailoverOutputs["items"][number],
    ),
    expected: [],
    notes: "Quarterly drill <with> | pipes",
    timeouts: { testFailoverMinutes: 60, cleanupMinutes: 30 },
    rtoTargetMinutes: 60,
    jobIds: [`job-${role}`],
    testVms: vms,
    groupTimings: [],
    verdict: vms.every((v) => v.checks.every((c) => c.passed)) ? "passed" : "failed",
    failures: [],
    ...extra,
  } as RecordedTestFailover["outputs"];
}

export function startRecord(targets: { rtoMinutes?: number; rpoMinutes?: number } = {}): DrillStart {
  return {
    drillId: "contoso-tier1",
    stack: "test",
    owner: "dr-team@contoso.example",
    startedAt: at(-10),
    targets: { rtoMinutes: targets.rtoMinutes ?? 60, rpoMinutes: targets.rpoMinutes ?? 30, recordedAt: at(-10) },
    configuredScope: { recoveryPlan: "rp-contoso-tier1", directoryCopy: ["DC01"] },
    evidence: {
      storageAccountId:
        "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/ev/providers/Microsoft.Storage/storageAccounts/contosoevidence",
      container: "drill-evidence",
      businessService: "Contoso ERP",
      tier: "tier-1",
      rpoTargetMinutes: targets.rpoMinutes ?? 30,
      exclusions: [{ item: "FILE01", reason: "migration-only" }],
      trend: { drills: 8, regressionMarginPercent: 25 },
    },
    trigger: { kind: "manual" },
    ranBy: { name: "alice@contoso.example", source: "token", objectId: "oid-1", tenantId: "tid-1" },
    gitCommit: "0123abc",
    gitDirty: false,
    toolVersion: "0.1.0",
  };
}

/**
 * A generated drill at scale: the AD/DNS copy, then `plans` recovery plans of `perPlan` VMs in boot
 * groups of 25 (as twin/fixtures/generate.ts builds them), every VM with `checks` checks and a verified
 * time; `failing` VMs fail one check. Times follow the twin's plan job shape (a Failover step, then one
 * Start step per boot group), seconds from T0.
 */
export function largeDrill(opts: { plans: number; perPlan: number; checks: number; failing?: string[] }): RecordedTestFailover[] {
  const failing = new Set(opts.failing ?? []);
  const dcVm = vm("DC01", 0, 70, 71, { verified: 95 });
  const dc: RecordedTestFailover = {
    name: "drill-directory-copy-tfo",
    outputs: failover("directory-copy", [dcVm], { groupTimings: [{ group: "DC01", startTime: at(0), endTime: at(70), seconds: 70 }] }),
  };
  const apps = Array.from({ length: opts.plans }, (_, p): RecordedTestFailover => {
    const start = 100 + p * 3;
    const failoverEnd = start + 70;
    const groups = Math.ceil(opts.perPlan / 25);
    const groupTimings = [{ group: "Group: Failover", startTime: at(start), endTime: at(failoverEnd), seconds: 70 }];
    for (let g = 0; g < groups; g++)
      groupTimings.push({
        group: `Group ${g + 1}: Start`,
        startTime: at(failoverEnd + g * 40),
        endTime: at(failoverEnd + (g + 1) * 40),
        seconds: 40,
      });
    const vms = Array.from({ length: opts.perPlan }, (_, i) => {
      const name = `VM${String(p * opts.perPlan + i + 1).padStart(5, "0")}`;
      const g = Math.floor(i / 25);
      const running = failoverEnd + g * 40 + 20 + (i % 25);
      const v = vm(name, start, failoverEnd, running, { verified: running + 15 });
      v.checks = Array.from({ length: opts.checks }, (_, c) => ({
        name: c === 0 ? "size" : `check-${c}`,
        passed: !(c === opts.checks - 1 && failing.has(name)),
        detail: c === opts.checks - 1 && failing.has(name) ? "expected output to contain synthetic.local" : "ok",
      }));
      if (failing.has(name)) delete v.verifiedAt;
      return v;
    });
    const name = `drill-application-rp-synthetic-${p + 1}`;
    const outputs = failover("application", vms, {
      scope: { kind: "recoveryPlan", recoveryPlanName: `rp-synthetic-${p + 1}`, recoveryPlanId: `rp-${p + 1}` },
      groupTimings,
      jobIds: [`job-plan-${p + 1}`],
    });
    return { name, outputs };
  });
  return [dc, ...apps];
}
