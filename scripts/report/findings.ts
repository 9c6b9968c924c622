// Findings: what someone must act on after the drill, each with a stable id (so the next drill can say
// whether it recurred), an owner (the drill owner unless someone reassigns it) and a status (open when
// the drill writes it; the person who follows up sets accepted/closed in their tracker or the next drill
// shows it as not recurred).
import type { Finding, ReportCause } from "./reportSchema";
import type { Regression } from "./trend";

export interface FindingInputs {
  owner: string;
  checks: { friendlyName: string; name: string; passed: boolean; detail: string }[];
  policies: { policyName: string; enforcementLevel: string; message: string; resourceUrn?: string }[];
  rto: { achievedSeconds?: number; targetMinutes?: number; met?: boolean };
  rpo: { worstSeconds?: number; worstItem?: string; targetMinutes?: number; met?: boolean };
  regressions: Regression[];
  marginPercent: number;
  causes: ReportCause[];
  isolation?: { isolated?: boolean; peerings: string[]; publicIps: string[]; error?: string };
  evidence?: { versionLevelImmutability?: boolean; error?: string; configured: boolean };
  unhealthy: { friendlyName: string; codes: string[] }[];
}

const minutes = (s: number) => `${(s / 60).toFixed(1)} min`;

export function buildFindings(i: FindingInputs): Finding[] {
  const out: Finding[] = [];
  const add = (f: Omit<Finding, "owner" | "status">) => out.push({ ...f, owner: i.owner, status: "open" });
  for (const c of i.checks.filter((c) => !c.passed)) {
    add({
      id: `check:${c.friendlyName}:${c.name}`.toLowerCase(),
      kind: "check",
      severity: "high",
      summary: `${c.friendlyName}: check ${c.name} failed: ${c.detail}`,
    });
  }
  for (const p of i.policies.filter((p) => p.enforcementLevel === "advisory" || p.enforcementLevel === "mandatory")) {
    const resource = p.resourceUrn?.split("::").pop() ?? "stack";
    add({
      id: `policy:${p.policyName}:${resource}`.toLowerCase(),
      kind: "policy",
      severity: p.enforcementLevel === "mandatory" ? "high" : "low",
      summary: `${p.enforcementLevel} policy ${p.policyName} (${resource}): ${p.message.split("\n")[0]}`,
    });
  }
  if (i.rto.met === false)
    add({
      id: "target:rto",
      kind: "target",
      severity: "high",
      summary: `RTO ${minutes(i.rto.achievedSeconds as number)} missed the target of ${i.rto.targetMinutes} min`,
    });
  if (i.rpo.met === false)
    add({
      id: "target:rpo",
      kind: "target",
      severity: "high",
      summary: `RPO ${minutes(i.rpo.worstSeconds as number)} (${i.rpo.worstItem}) missed the target of ${i.rpo.targetMinutes} min`,
    });
  for (const r of i.regressions) {
    add({
      id: `trend:${r.metric.toLowerCase()}`,
      kind: "trend",
      severity: "medium",
      summary: `${r.metric} regressed ${r.percent}% against the previous drill (${minutes(r.previousSeconds)} → ${minutes(r.currentSeconds)}; margin ${i.marginPercent}%)`,
    });
  }
  i.causes
    .filter((c) => c.source === "engine" || c.source === "job")
    .forEach((c, n) =>
      add({
        id: `error:${c.source}:${c.subject ?? n}`.toLowerCase(),
        kind: "error",
        severity: "high",
        summary: `${c.subject ? `${c.subject}: ` : ""}${c.lines.join(" / ")}`,
      }),
    );
  for (const u of i.unhealthy) {
    add({
      id: `precondition:${u.friendlyName}:health`.toLowerCase(),
      kind: "precondition",
      severity: "medium",
      summary: `${u.friendlyName} had health errors before the drill: ${u.codes.join(", ")}`,
    });
  }
  if (i.isolation?.error) add({ id: "isolation:unreadable", kind: "isolation", severity: "high", summary: i.isolation.error });
  else if (i.isolation && i.isolation.isolated === false) {
    add({
      id: "isolation:not-isolated",
      kind: "isolation",
      severity: "high",
      summary: `the test network is not proven isolated: ${i.isolation.peerings.length} peering(s), ${i.isolation.publicIps.length} public IP(s), or no Internet deny rule`,
    });
  }
  if (i.evidence && !i.evidence.configured) {
    add({
      id: "evidence:no-retained-store",
      kind: "evidence",
      severity: "high",
      summary: "no retained evidence store is configured (failover-drill:evidence.storageAccountId): the evidence is kept only locally",
    });
  } else if (i.evidence?.error)
    add({ id: "evidence:upload", kind: "evidence", severity: "high", summary: `evidence upload failed: ${i.evidence.error}` });
  else if (i.evidence && i.evidence.versionLevelImmutability !== true) {
    add({
      id: "evidence:no-worm",
      kind: "evidence",
      severity: "low",
      summary: "the evidence container has no version-level immutability (WORM): the stored reports could be overwritten or deleted",
    });
  }
  return out;
}

/** The previous drill's findings with whether each recurred in this drill (same id). */
export function followUp(previous: Finding[], current: Finding[]): (Finding & { now: "recurred" | "not-recurred" })[] {
  const ids = new Set(current.map((f) => f.id));
  return previous.map((f) => ({ ...f, now: ids.has(f.id) ? "recurred" : "not-recurred" }));
}
