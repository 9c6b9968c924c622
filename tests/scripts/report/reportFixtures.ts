// Recorded TestFailover outputs and a start record for the report tests (times relative to T0).
import type { TestFailoverOutputs } from "../../../components/drillTypes";
import type { RecordedTestFailover } from "../../../scripts/report/drillReport";
import type { DrillStart } from "../../../scripts/report/drillStart";
import type { RecordedVm } from "../../../scripts/report/drillMetrics";

export const T0 = Date.parse("2026-11-26T08:00:00Z");
export const at = (s: number) => new Date(T0 + s * 1000).toISOString();

export function vm(name: string, trigger: number, created: number, running: number, opts: { passed?: boolean; verified?: number } = {}): RecordedVm {
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

export function failover(role: "directory-copy" | "application", vms: RecordedVm[], extra: Partial<TestFailoverOutputs> = {}): RecordedTestFailover["outputs"] {
  return {
    drillId: "contoso-tier1",
    role,
    vault: { subscriptionId: "s", resourceGroup: "rg", name: "v" },
    arm: { endpoint: "http://127.0.0.1:1", credentialMode: "twin" },
    scope:
      role === "directory-copy"
        ? { kind: "protectedItems", items: [{ fabricName: "f", protectionContainerName: "c", name: "n", friendlyName: "DC01", id: "x" }] }
        : { kind: "recoveryPlan", recoveryPlanName: "rp-contoso-tier1", recoveryPlanId: "y" },
    testNetworkId: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/drill",
    testSubnets: [],
    failoverDirection: "PrimaryToRecovery",
    recoveryPointType: "LatestProcessed",
    items: vms.map((v) => ({ protectedItemId: `/x/${v.friendlyName}`, friendlyName: v.friendlyName }) as TestFailoverOutputs["items"][number]),
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
      storageAccountId: "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/ev/providers/Microsoft.Storage/storageAccounts/contosoevidence",
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
