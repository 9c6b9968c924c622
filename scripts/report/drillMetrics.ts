// RTO and RPO as an auditor reads them (pure functions over the TestFailover resources' recorded state):
// - RTO end to end = the drill's first trigger (the AD/DNS copy: the applications cannot come back before
//   their domain controller) → the last application VM verified; plus per test failover and per boot group.
// - RPO per item = the item's trigger time − the time of the recovery point its test failover used; the
//   worst item's is the drill's.
import type { TestFailoverOutputs, TestVmReport } from "../../components/drillTypes";

export type Role = "directory-copy" | "application";

/** A test VM as recorded (verifiedAt only when the provider records one). */
export type RecordedVm = TestVmReport;

export interface RecordedFailover {
  name: string;
  outputs: Pick<TestFailoverOutputs, "role" | "groupTimings"> & { testVms?: RecordedVm[] };
}

export function secondsBetween(from: string | undefined, to: string | undefined): number | undefined {
  if (!from || !to) return undefined;
  const d = (Date.parse(to) - Date.parse(from)) / 1000;
  return Number.isFinite(d) ? Math.round(d * 1000) / 1000 : undefined;
}

const earliest = (times: (string | undefined)[]) =>
  times.filter((t): t is string => Boolean(t)).sort((a, b) => Date.parse(a) - Date.parse(b))[0];
const latest = (times: (string | undefined)[]) =>
  times.filter((t): t is string => Boolean(t)).sort((a, b) => Date.parse(b) - Date.parse(a))[0];

/** The first trigger of the drill: the earliest VM trigger or group start over every test failover. */
export function firstTrigger(failovers: RecordedFailover[]): string | undefined {
  return earliest(
    failovers.flatMap((f) => [
      ...(f.outputs.testVms ?? []).map((v) => v.triggeredAt),
      ...(f.outputs.groupTimings ?? []).map((g) => g.startTime),
    ]),
  );
}

/** When a VM counts as recovered: verified (in-guest checks passed) when recorded, else running. */
function recoveredAt(vm: RecordedVm): { at?: string; event: "verified" | "running" } {
  if (vm.verifiedAt) return { at: vm.verifiedAt, event: "verified" };
  return { at: vm.runningAt, event: "running" };
}

/**
 * A group's label: "AD/DNS copy: DC01", "plan: Group 1: Start"; with several application test failovers
 * (one per recovery plan) the plan is named, "plan rp-a: Group 1: Start", so the lanes stay apart.
 */
export function groupLabel(f: RecordedFailover, group: string, failovers: RecordedFailover[]): string {
  if (f.outputs.role === "directory-copy") return `AD/DNS copy: ${group}`;
  const several = failovers.filter((x) => x.outputs.role === "application").length > 1;
  const scope = (f.outputs as { scope?: { kind: string; recoveryPlanName?: string } }).scope;
  return several ? `plan ${scope?.kind === "recoveryPlan" ? scope.recoveryPlanName : f.name}: ${group}` : `plan: ${group}`;
}

export interface RtoFigures {
  achievedSeconds?: number;
  from?: string;
  to?: string;
  toEvent?: "verified" | "running";
  targetMinutes?: number;
  met?: boolean;
  perTestFailover: { name: string; role: Role; seconds?: number }[];
  perBootGroup: { group: string; seconds?: number; fromFirstTriggerSeconds?: number }[];
  /** Why a figure could not be measured, or was measured to a weaker event (for `deviations`). */
  gaps: string[];
}

export function rtoFigures(failovers: RecordedFailover[], targetMinutes: number | undefined): RtoFigures {
  const gaps: string[] = [];
  const t0 = firstTrigger(failovers);
  const apps = failovers.filter((f) => f.outputs.role === "application");
  // A drill of the directory copy alone still has an end: its own VMs.
  const endVms = (apps.length ? apps : failovers).flatMap((f) => f.outputs.testVms ?? []);
  const ends = endVms.map(recoveredAt);
  let achievedSeconds: number | undefined;
  let to: string | undefined;
  let toEvent: "verified" | "running" | undefined;
  if (!t0) gaps.push("RTO not measured: no trigger time was recorded");
  else if (endVms.length === 0) gaps.push("RTO not measured: no application test VM was recorded");
  else if (ends.some((e) => !e.at)) {
    const missing = endVms.filter((_, i) => !ends[i].at).map((v) => v.friendlyName);
    gaps.push(`RTO not measured: ${missing.join(", ")} never reached running`);
  } else {
    to = latest(ends.map((e) => e.at));
    toEvent = ends.every((e) => e.event === "verified") ? "verified" : "running";
    if (toEvent === "running")
      gaps.push("RTO ends at the last application VM running: the provider recorded no verification time (verifiedAt) for every VM");
    achievedSeconds = secondsBetween(t0, to);
  }
  const perTestFailover = failovers.map((f) => {
    const vms = f.outputs.testVms ?? [];
    const start = earliest([...vms.map((v) => v.triggeredAt), ...(f.outputs.groupTimings ?? []).map((g) => g.startTime)]);
    const vmEnds = vms.map(recoveredAt);
    const end = vmEnds.length && vmEnds.every((e) => e.at) ? latest(vmEnds.map((e) => e.at)) : undefined;
    return { name: f.name, role: f.outputs.role, seconds: secondsBetween(start, end) };
  });
  const perBootGroup = failovers.flatMap((f) =>
    (f.outputs.groupTimings ?? []).map((g) => ({
      group: groupLabel(f, g.group, failovers),
      seconds: g.seconds ?? secondsBetween(g.startTime, g.endTime),
      fromFirstTriggerSeconds: secondsBetween(t0, g.endTime),
    })),
  );
  return {
    achievedSeconds,
    from: t0,
    to,
    toEvent,
    targetMinutes,
    met: achievedSeconds === undefined || targetMinutes === undefined ? undefined : achievedSeconds <= targetMinutes * 60,
    perTestFailover,
    perBootGroup,
    gaps,
  };
}

export interface UsedRecoveryPoint {
  id?: string;
  name?: string;
  time?: string;
  type?: string;
}

export interface RpoFigures {
  worstSeconds?: number;
  worstItem?: string;
  targetMinutes?: number;
  met?: boolean;
  perItem: { friendlyName: string; triggeredAt?: string; recoveryPointTime?: string; seconds?: number }[];
  gaps: string[];
}

/** RPO per item from the recovery point each test failover used (keyed by lower-case friendly name). */
export function rpoFigures(
  failovers: RecordedFailover[],
  points: Map<string, UsedRecoveryPoint>,
  targetMinutes: number | undefined,
): RpoFigures {
  // One deviation per reason, naming its items (a 1,000-VM drill would otherwise list 1,000 lines).
  const unmeasured = new Map<string, string[]>();
  const perItem = failovers.flatMap((f) =>
    (f.outputs.testVms ?? []).map((vm) => {
      const point = points.get(vm.friendlyName.toLowerCase());
      const seconds = secondsBetween(point?.time, vm.triggeredAt);
      if (seconds === undefined) {
        const why = point?.time ? "no trigger time" : "the recovery point used is unknown";
        unmeasured.set(why, [...(unmeasured.get(why) ?? []), vm.friendlyName]);
      }
      return { friendlyName: vm.friendlyName, triggeredAt: vm.triggeredAt, recoveryPointTime: point?.time, seconds };
    }),
  );
  const gaps = [...unmeasured].map(([why, names]) =>
    names.length === 1
      ? `RPO of ${names[0]} not measured: ${why}`
      : `RPO of ${names.length} items not measured: ${why} (${names.join(", ")})`,
  );
  const measured = perItem.filter((p) => p.seconds !== undefined);
  const worst = measured.sort((a, b) => (b.seconds as number) - (a.seconds as number))[0];
  const worstSeconds = measured.length === perItem.length ? worst?.seconds : undefined;
  return {
    worstSeconds,
    worstItem: worstSeconds === undefined ? undefined : worst?.friendlyName,
    targetMinutes,
    met: worstSeconds === undefined || targetMinutes === undefined ? undefined : worstSeconds <= targetMinutes * 60,
    perItem: perItem.sort((a, b) => a.friendlyName.localeCompare(b.friendlyName)),
    gaps,
  };
}
