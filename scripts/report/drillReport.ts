// The drill report an auditor accepts (schema v2, scripts/report/reportSchema.ts): composed from the
// start record (targets fixed before the run, identity, health before the run), the TestFailover
// resources' recorded state (so a drill that failed half-way still gets a report), what ARM says after
// `up` (recovery points used, failing tasks, isolation), the trend from the evidence store, the cleanup
// confirmation and the evidence upload. composeReport is pure and is called again whenever a part
// arrives (evidence, cleanup), so findings and verdict always match the parts.
// Files: report.json, report.md, report.html (same data), start.json, then manifest.sha256 (last).
import * as fs from "fs";
import * as path from "path";
import { TEST_FAILOVER_TYPE, type TestFailoverOutputs } from "../../components/drillTypes";
import type { CleanupConfirmation } from "../lib/cleanupCheck";
import type { DrillStack, PolicyEvent, PulumiStep } from "../lib/drillStack";
import type { DrillStart } from "./drillStart";
import { START_FILE } from "./drillStart";
import { firstTrigger, groupLabel, rpoFigures, rtoFigures, secondsBetween, type RecordedVm } from "./drillMetrics";
import { engineCauses } from "./engineCauses";
import { healthCauses, type JobReadback } from "./evidenceReadback";
import { buildFindings, followUp } from "./findings";
import { renderHtml } from "./renderHtml";
import { renderMarkdown } from "./renderMarkdown";
import { MANIFEST_FILE, writeManifest } from "./manifest";
import {
  REPORT_SCHEMA_VERSION,
  validateReport,
  type DrillReport,
  type Finding,
  type IsolationProof,
  type ReportCause,
  type ReportEvidence,
  type TimelineBar,
  type TrendEntry,
} from "./reportSchema";
import { regressions } from "./trend";

export type { DrillReport, TimelineBar } from "./reportSchema";
export { renderHtml } from "./renderHtml";
export { renderMarkdown } from "./renderMarkdown";
export { renderTimelineSvg, TIMELINE_PX_PER_SECOND_MAX } from "./timelineSvg";

export const REPORT_FILES = ["report.json", "report.md", "report.html", START_FILE] as const;

export interface RecordedTestFailover {
  name: string;
  outputs: Omit<TestFailoverOutputs, "testVms"> & { testVms: RecordedVm[] };
}

/** What the previous drill of this stack in the evidence store said, for the trend and the follow-up. */
export interface TrendInput {
  previous: TrendEntry[];
  previousDrill?: { drillId: string; generatedAt: string; prefix?: string; findings: Finding[] };
  error?: string;
}

export interface ReportParts {
  start: DrillStart;
  failovers: RecordedTestFailover[];
  policies: PolicyEvent[];
  upSucceeded: boolean;
  /** The engine's text output of `pulumi up` (every line of each error goes to `causes`). */
  upOutput: string;
  pulumiUpdateId?: string;
  /** The resource steps of `pulumi up`, timed from the engine's events (scripts/lib/drillStack.ts). */
  pulumiSteps?: PulumiStep[];
  jobs?: JobReadback;
  isolation?: IsolationProof;
  /** The drill's Azure Bastion (testNetwork.access.bastion), read from the stack state. */
  bastion?: BastionInReport;
  trend?: TrendInput;
  cleanup?: CleanupConfirmation;
  evidence?: ReportEvidence;
  /** Extra deviations the runner knows of (kept up with --keep, a readback that failed). */
  deviations?: string[];
  /** Causes a kept drill's first run recorded (its engine output is gone when --cleanup reports). */
  earlierCauses?: ReportCause[];
  now?: Date;
}

function describeScope(o: Pick<TestFailoverOutputs, "scope">): string {
  if (!o.scope) return "unknown";
  return o.scope.kind === "recoveryPlan"
    ? `recovery plan ${o.scope.recoveryPlanName}`
    : `protected items ${o.scope.items.map((i) => i.friendlyName).join(", ")}`;
}

/** The timeline lane of a test failover: what it tested, in the words of the report. */
export function testFailoverLane(f: RecordedTestFailover): string {
  const scope = f.outputs.scope;
  if (f.outputs.role === "directory-copy") return "AD/DNS copy";
  return scope?.kind === "recoveryPlan" ? `plan ${scope.recoveryPlanName}` : `items (${f.name})`;
}

/**
 * The group a VM is folded under: the first of its test failover's groups (in order, the plan's
 * all-VM "Failover" step aside) that ends at or after the VM is running — a boot group ends once its
 * VMs booted. Display only (the job's tasks name no membership the report keeps); none → the failover.
 */
function groupOf(vmEnd: number, groups: { lane: string; end: number }[]): string | undefined {
  const boot = groups.filter((g) => !/:\s*Group:\s*Failover$/i.test(g.lane));
  return boot.find((g) => g.end >= vmEnd - 0.001)?.lane ?? boot[boot.length - 1]?.lane;
}

/**
 * Timeline bars: per test failover one bar over all it did, its groups, and its VMs (each with the group
 * it is folded under), seconds from the drill's first trigger. report.html draws exactly these.
 */
function bars(ordered: RecordedTestFailover[], t0: string | undefined): TimelineBar[] {
  const out: TimelineBar[] = [];
  for (const f of ordered) {
    const groups: TimelineBar[] = [];
    for (const g of f.outputs.groupTimings ?? []) {
      const start = secondsBetween(t0, g.startTime);
      const end = secondsBetween(t0, g.endTime);
      if (start !== undefined && end !== undefined)
        groups.push({
          lane: groupLabel(f, g.group, ordered),
          kind: "group",
          testFailover: f.name,
          start,
          end,
          passed: f.outputs.verdict === "passed",
        });
    }
    const vms: TimelineBar[] = [];
    for (const vm of f.outputs.testVms ?? []) {
      const start = secondsBetween(t0, vm.triggeredAt);
      const end = secondsBetween(t0, vm.runningAt);
      if (start === undefined || end === undefined) continue;
      const group = groupOf(end, groups);
      vms.push({
        lane: vm.friendlyName,
        kind: "vm",
        testFailover: f.name,
        ...(group ? { group } : {}),
        start,
        end,
        created: secondsBetween(t0, vm.createdAt),
        passed: vm.checks.every((c) => c.passed),
      });
    }
    const all = [...groups, ...vms];
    if (all.length === 0) continue;
    out.push({
      lane: testFailoverLane(f),
      kind: "testFailover",
      testFailover: f.name,
      start: Math.min(...all.map((b) => b.start)),
      end: Math.max(...all.map((b) => b.end)),
      passed: f.outputs.verdict === "passed",
    });
    out.push(...groups, ...vms);
  }
  return out;
}

const mentions = (message: string, name: string) => new RegExp(`\\b${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\b`, "i").test(message);

/** Pure: the report from its parts, validated against the schema. */
export function composeReport(parts: ReportParts): DrillReport {
  const { start } = parts;
  // The AD/DNS copy first, then the plans in the order the config names them: state holds the TestFailovers
  // in the order they finished, and plans that share the provider's reads and poller finish together.
  const cfgPlans = (start.configuredScope.recoveryPlans ?? []).map((p) => p.toLowerCase());
  const rank = (f: (typeof parts.failovers)[number]) => {
    if (f.outputs.role === "directory-copy") return -1;
    const plan = f.outputs.scope?.kind === "recoveryPlan" ? f.outputs.scope.recoveryPlanName.toLowerCase() : "";
    const at = cfgPlans.indexOf(plan);
    return at < 0 ? cfgPlans.length : at;
  };
  const ordered = [...parts.failovers].sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
  const t0 = firstTrigger(ordered);
  const deviations = [...(parts.deviations ?? [])];

  // Scope: the resolved items of each test failover, else the configured scope.
  const app = ordered.find((f) => f.outputs.role === "application");
  const items = ordered.flatMap((f) =>
    (f.outputs.items ?? []).map((i) => ({ friendlyName: i.friendlyName, protectedItemId: i.protectedItemId, role: f.outputs.role })),
  );
  const cfg = start.configuredScope;
  const plans = ordered.flatMap((f) =>
    f.outputs.role === "application" && f.outputs.scope?.kind === "recoveryPlan" ? [f.outputs.scope.recoveryPlanName] : [],
  );
  const scope = {
    kind: app?.outputs.scope?.kind ?? (cfg.recoveryPlan || cfg.recoveryPlans ? "recoveryPlan" : cfg.items ? "protectedItems" : "unknown"),
    recoveryPlan: app?.outputs.scope?.kind === "recoveryPlan" ? app.outputs.scope.recoveryPlanName : cfg.recoveryPlan,
    ...(plans.length > 1
      ? { recoveryPlans: plans }
      : cfg.recoveryPlans && cfg.recoveryPlans.length > 1 && plans.length === 0
        ? { recoveryPlans: cfg.recoveryPlans }
        : {}),
    items: items.length
      ? items
      : [
          ...cfg.directoryCopy.map((friendlyName) => ({ friendlyName, role: "directory-copy" as const })),
          ...(cfg.items ?? []).map((friendlyName) => ({ friendlyName, role: "application" as const })),
        ],
    businessService: start.evidence?.businessService,
    tier: start.evidence?.tier,
    exclusions: start.evidence?.exclusions ?? [],
  } as DrillReport["scope"];

  // Targets: from the start record only.
  if (start.targets.rtoMinutes === undefined) deviations.push("no RTO target configured (failover-drill:rtoTargetMinutes)");
  if (start.targets.rpoMinutes === undefined) deviations.push("no RPO target configured (failover-drill:evidence.rpoTargetMinutes)");
  const recordedRto = app?.outputs.rtoTargetMinutes;
  if (recordedRto !== undefined && start.targets.rtoMinutes !== undefined && recordedRto !== start.targets.rtoMinutes) {
    deviations.push(
      `the run recorded an RTO target of ${recordedRto} min; the report uses ${start.targets.rtoMinutes} min, fixed at ${start.targets.recordedAt}`,
    );
  }

  const rto = rtoFigures(ordered, start.targets.rtoMinutes);
  const points = parts.jobs?.points ?? new Map();
  const rpo = rpoFigures(ordered, points, start.targets.rpoMinutes);
  deviations.push(...rto.gaps, ...rpo.gaps, ...(parts.jobs?.gaps ?? []));
  if (start.healthError) deviations.push(`replication health before the run could not be read: ${start.healthError}`);

  // Preconditions per item in scope.
  const healthBy = new Map((start.health ?? []).map((h) => [h.friendlyName.toLowerCase(), h]));
  const preconditions = scope.items.map((i) => {
    const h = healthBy.get(i.friendlyName.toLowerCase());
    const point = points.get(i.friendlyName.toLowerCase());
    return {
      friendlyName: i.friendlyName,
      protectedItemId: i.protectedItemId ?? h?.protectedItemId,
      replicationHealth: h?.replicationHealth,
      failoverHealth: h?.failoverHealth,
      healthErrors: h?.healthErrors ?? [],
      healthReadAt: h?.healthReadAt,
      recoveryPoint: point ? { ...point } : undefined,
      policies: parts.policies
        .filter((p) => mentions(p.message, i.friendlyName))
        .map((p) => ({ policyName: p.policyName, enforcementLevel: p.enforcementLevel, message: p.message })),
    };
  });
  const inScopeHealth = preconditions.flatMap((p) =>
    healthBy.get(p.friendlyName.toLowerCase()) ? [healthBy.get(p.friendlyName.toLowerCase())!] : [],
  );

  // Timeline.
  const jobOf = parts.jobs?.jobOfItem ?? new Map<string, string>();
  const stages = ordered.flatMap((f): DrillReport["timeline"]["stages"] => {
    const groups = f.outputs.groupTimings ?? [];
    if (groups.length) {
      return groups.map((g) => ({
        stage: groupLabel(f, g.group, ordered),
        role: f.outputs.role,
        jobId: f.outputs.jobIds?.length === 1 ? f.outputs.jobIds[0] : undefined,
        startedAt: g.startTime,
        endedAt: g.endTime,
        seconds: g.seconds,
      }));
    }
    return (f.outputs.jobIds ?? []).map((jobId) => ({ stage: `${f.outputs.role} test failover`, role: f.outputs.role, jobId }));
  });
  const vms = ordered.flatMap((f) =>
    (f.outputs.testVms ?? []).map((v) => ({
      friendlyName: v.friendlyName,
      role: f.outputs.role,
      jobId: jobOf.get(v.friendlyName.toLowerCase()) ?? (f.outputs.jobIds?.length === 1 ? f.outputs.jobIds[0] : undefined),
      triggeredAt: v.triggeredAt,
      createdAt: v.createdAt,
      runningAt: v.runningAt,
      verifiedAt: v.verifiedAt,
    })),
  );

  // Causes: engine errors (every line), failing tasks, health errors of the items in scope.
  const causes = [
    ...(parts.earlierCauses ?? []),
    ...engineCauses(parts.upOutput),
    ...(parts.jobs?.causes ?? []),
    ...healthCauses(inScopeHealth),
  ];

  const failed =
    !parts.upSucceeded ||
    ordered.length === 0 ||
    ordered.some((f) => f.outputs.verdict !== "passed") ||
    rto.met === false ||
    rpo.met === false;
  const verdict: "passed" | "failed" = failed ? "failed" : "passed";
  const generatedAt = (parts.now ?? new Date()).toISOString();

  // Trend: the previous drills, then this one.
  const margin = start.evidence?.trend.regressionMarginPercent ?? 25;
  const current: TrendEntry = {
    drillId: start.drillId,
    generatedAt: start.startedAt,
    verdict,
    rtoSeconds: rto.achievedSeconds,
    rpoSeconds: rpo.worstSeconds,
    rtoTargetMinutes: start.targets.rtoMinutes,
    rpoTargetMinutes: start.targets.rpoMinutes,
    prefix: parts.evidence?.prefix,
    current: true,
  };
  const trendDrills = [...(parts.trend?.previous ?? []), current];
  if (parts.trend?.error) deviations.push(`trend: ${parts.trend.error}`);

  const checks = ordered.flatMap((f) =>
    (f.outputs.testVms ?? []).flatMap((v) => v.checks.map((c) => ({ friendlyName: v.friendlyName, ...c }))),
  );
  const findings = buildFindings({
    owner: start.owner,
    checks,
    policies: parts.policies,
    rto,
    rpo,
    regressions: regressions(trendDrills, margin),
    marginPercent: margin,
    causes,
    isolation: parts.isolation,
    evidence: {
      configured: start.evidence !== undefined,
      versionLevelImmutability: parts.evidence?.preflight?.versionLevelImmutability,
      error: parts.evidence?.error,
    },
    unhealthy: inScopeHealth
      .filter((h) => h.healthErrors.length)
      .map((h) => ({ friendlyName: h.friendlyName, codes: h.healthErrors.map((e) => e.code) })),
  });
  if (!parts.isolation) deviations.push("isolation proof not read (the test network was not up)");
  if (!parts.cleanup) deviations.push("cleanup not run yet (the drill was kept up, or the report was written before destroy)");

  return validateReport({
    schemaVersion: REPORT_SCHEMA_VERSION,
    drillId: start.drillId,
    stack: start.stack,
    startedAt: start.startedAt,
    generatedAt,
    verdict,
    upSucceeded: parts.upSucceeded,
    identity: {
      drillId: start.drillId,
      stack: start.stack,
      gitCommit: start.gitCommit,
      gitDirty: start.gitDirty,
      pulumiUpdateId: parts.pulumiUpdateId,
      toolVersion: start.toolVersion,
      schemaVersion: REPORT_SCHEMA_VERSION,
      trigger: start.trigger,
      ranBy: start.ranBy,
    },
    scope,
    targets: start.targets,
    preconditions,
    timeline: { stages, vms, bars: bars(ordered, t0) },
    rto: {
      achievedSeconds: rto.achievedSeconds,
      from: rto.from,
      to: rto.to,
      toEvent: rto.toEvent,
      targetMinutes: rto.targetMinutes,
      met: rto.met,
      perTestFailover: rto.perTestFailover,
      perBootGroup: rto.perBootGroup,
    },
    rpo: { worstSeconds: rpo.worstSeconds, worstItem: rpo.worstItem, targetMinutes: rpo.targetMinutes, met: rpo.met, perItem: rpo.perItem },
    isolation: parts.isolation,
    ...(parts.bastion ? { bastion: parts.bastion } : {}),
    testFailovers: ordered.map((f) => ({
      name: f.name,
      role: f.outputs.role,
      scope: describeScope(f.outputs),
      jobIds: f.outputs.jobIds ?? [],
      verdict: f.outputs.verdict ?? "failed",
      failures: f.outputs.failures ?? [],
      vms: f.outputs.testVms ?? [],
    })),
    policies: parts.policies,
    causes,
    deviations: [...new Set(deviations)],
    notes: app?.outputs.notes ?? ordered[0]?.outputs.notes ?? "",
    findings,
    previousFindings: parts.trend?.previousDrill
      ? {
          drillId: parts.trend.previousDrill.drillId,
          generatedAt: parts.trend.previousDrill.generatedAt,
          prefix: parts.trend.previousDrill.prefix,
          findings: followUp(parts.trend.previousDrill.findings, findings),
        }
      : undefined,
    trend: { drills: trendDrills, regressionMarginPercent: margin },
    cleanup: parts.cleanup,
    evidence: parts.evidence,
    pulumiSteps: parts.pulumiSteps?.length ? parts.pulumiSteps : undefined,
    signOff: { name: "", role: "", date: "", signature: "", comments: "" },
  });
}

/** The TestFailover resources recorded in the stack's state. */
export interface BastionInReport {
  id: string;
  name: string;
  sku: string;
}

/** The drill's Bastion host in the stack state, if it has one. */
export function bastionFromState(resources: { type: string; outputs?: Record<string, unknown> }[]): BastionInReport | undefined {
  const r = resources.find((x) => x.type === "azure-native:network:BastionHost" && x.outputs);
  if (!r?.outputs) return undefined;
  const o = r.outputs as { id?: string; name?: string; sku?: { name?: string } };
  return { id: String(o.id ?? ""), name: String(o.name ?? ""), sku: String(o.sku?.name ?? "") };
}

export async function recordedTestFailovers(stack: Pick<DrillStack, "resources">): Promise<RecordedTestFailover[]> {
  const resources = await stack.resources();
  return resources
    .filter((r) => r.type === TEST_FAILOVER_TYPE && r.outputs)
    .map((r) => ({ name: r.urn.split("::").pop() ?? r.urn, outputs: r.outputs as unknown as RecordedTestFailover["outputs"] }));
}

/**
 * Writes <reportsDir>/<drill-id>/report.{json,md,html} and, last, manifest.sha256 over them and
 * start.json (when present); returns the folder.
 */
export function writeDrillReport(r: DrillReport, reportsDir: string): string {
  const dir = path.join(reportsDir, r.drillId);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "report.json"), JSON.stringify(r, null, 2) + "\n");
  fs.writeFileSync(path.join(dir, "report.md"), renderMarkdown(r));
  fs.writeFileSync(path.join(dir, "report.html"), renderHtml(r));
  writeManifest(
    dir,
    REPORT_FILES.filter((f) => fs.existsSync(path.join(dir, f))),
  );
  return dir;
}

export { MANIFEST_FILE };
