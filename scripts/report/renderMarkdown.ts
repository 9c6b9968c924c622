// report.md: the drill report as a PR comment / ticket / job summary, from the same object as report.json.
import { bastionConnectUrl } from "../../components/bastionAccess";
import type { DrillReport } from "./reportSchema";
import { fmtSeconds } from "./timelineSvg";

const cell = (s: unknown) =>
  String(s ?? "")
    .replace(/\|/g, "\\|")
    .replace(/\n/g, " ");
const code = (s: unknown) => (s === undefined || s === "" ? "—" : `\`${String(s).replace(/`/g, "'")}\``);
const shortJob = (j: string | undefined) => (j ? code(j.split("/").pop()) : "—");
export const RAN_BY_SOURCE = { token: "the ARM token's claims", ci: "the CI actor", local: "the local user" } as const;
const metLabel = (met: boolean | undefined) => (met === undefined ? "no target" : met ? "met" : "**MISSED**");

export function rtoLine(r: DrillReport): string {
  if (r.rto.achievedSeconds === undefined) return "RTO (end to end): not measured";
  const target =
    r.rto.targetMinutes === undefined ? "" : ` against a target of ${r.rto.targetMinutes} min (${r.rto.met ? "met" : "MISSED"})`;
  return `RTO (end to end, first trigger → last application VM ${r.rto.toEvent ?? "running"}): ${fmtSeconds(r.rto.achievedSeconds)}${target}`;
}

export function rpoLine(r: DrillReport): string {
  if (r.rpo.worstSeconds === undefined) return "RPO: not measured";
  const target =
    r.rpo.targetMinutes === undefined ? "" : ` against a target of ${r.rpo.targetMinutes} min (${r.rpo.met ? "met" : "MISSED"})`;
  return `RPO (worst item, ${r.rpo.worstItem}): ${fmtSeconds(r.rpo.worstSeconds)}${target}`;
}

export function renderMarkdown(r: DrillReport): string {
  const L: string[] = [];
  const id = r.identity;
  L.push(`# DR drill ${r.drillId}: ${r.verdict.toUpperCase()}`, "");
  L.push(`${rtoLine(r)}.  `, `${rpoLine(r)}.`, "");
  L.push("## Identity", "", "| | |", "|---|---|");
  L.push(`| drill | ${code(r.drillId)} (stack ${code(r.stack)}) |`);
  L.push(`| started / generated (UTC) | ${r.startedAt} / ${r.generatedAt} |`);
  L.push(`| trigger | ${id.trigger.kind}${id.trigger.reference ? ` (${cell(id.trigger.reference)})` : ""} |`);
  L.push(
    `| ran by | ${cell(id.ranBy.name)} (from ${RAN_BY_SOURCE[id.ranBy.source]}${id.ranBy.objectId ? `, object id ${id.ranBy.objectId}` : ""}${id.ranBy.ciRunUrl ? `, ${id.ranBy.ciRunUrl}` : ""}) |`,
  );
  L.push(`| git commit | ${code(id.gitCommit)}${id.gitDirty ? " (with uncommitted changes)" : ""} |`);
  L.push(`| Pulumi update | ${code(id.pulumiUpdateId)} |`);
  L.push(`| tool / schema version | ${id.toolVersion} / ${id.schemaVersion} |`, "");

  L.push("## Scope", "");
  const s = r.scope;
  L.push(
    `${s.businessService ? `Business service **${cell(s.businessService)}**${s.tier ? ` (${cell(s.tier)})` : ""}. ` : ""}${s.kind === "recoveryPlan" ? `Recovery plan ${code(s.recoveryPlan)}` : "Protected items"}: ${s.items.map((i) => `${i.friendlyName}${i.role === "directory-copy" ? " (AD/DNS copy)" : ""}`).join(", ") || "none"}.`,
    "",
  );
  if (s.exclusions.length) L.push("Excluded:", ...s.exclusions.map((e) => `- ${cell(e.item)}: ${cell(e.reason)}`), "");

  L.push("## Targets and results", "");
  L.push(
    `Targets fixed at ${r.targets.recordedAt} (before the run): RTO ${r.targets.rtoMinutes ?? "—"} min, RPO ${r.targets.rpoMinutes ?? "—"} min.`,
    "",
  );
  L.push("| measure | achieved | target | result |", "|---|---|---|---|");
  L.push(
    `| RTO end to end (${r.rto.from ?? "?"} → ${r.rto.to ?? "?"}) | ${fmtSeconds(r.rto.achievedSeconds)} | ${r.rto.targetMinutes ?? "—"} min | ${metLabel(r.rto.met)} |`,
  );
  L.push(
    `| RPO worst (${cell(r.rpo.worstItem ?? "—")}) | ${fmtSeconds(r.rpo.worstSeconds)} | ${r.rpo.targetMinutes ?? "—"} min | ${metLabel(r.rpo.met)} |`,
  );
  for (const f of r.rto.perTestFailover) L.push(`| test failover ${cell(f.name)} (${f.role}) | ${fmtSeconds(f.seconds)} | | |`);
  for (const g of r.rto.perBootGroup)
    L.push(`| ${cell(g.group)} (ends ${fmtSeconds(g.fromFirstTriggerSeconds)} after the first trigger) | ${fmtSeconds(g.seconds)} | | |`);
  for (const p of r.rpo.perItem)
    L.push(
      `| RPO ${cell(p.friendlyName)} (point ${p.recoveryPointTime ?? "?"}, trigger ${p.triggeredAt ?? "?"}) | ${fmtSeconds(p.seconds)} | | |`,
    );
  L.push("");

  L.push(
    "## Preconditions",
    "",
    "| item | replication health | health errors | recovery point used | policy results |",
    "|---|---|---|---|---|",
  );
  for (const p of r.preconditions) {
    const errs = p.healthErrors.map((e) => `${e.code} ${cell(e.message)}`).join("<br>") || "none";
    const rp = p.recoveryPoint
      ? `${cell(p.recoveryPoint.name ?? "?")} at ${p.recoveryPoint.time ?? "?"} (${cell(p.recoveryPoint.type ?? "?")})`
      : "—";
    const pol = p.policies.map((x) => `${x.enforcementLevel} ${code(x.policyName)}`).join("<br>") || "none";
    L.push(`| ${cell(p.friendlyName)} | ${cell(p.replicationHealth ?? "?")} | ${errs} | ${rp} | ${pol} |`);
  }
  L.push("");

  L.push("## Timeline (UTC)", "", "| stage | job | started | ended |", "|---|---|---|---|");
  for (const st of r.timeline.stages)
    L.push(`| ${cell(st.stage)} | ${shortJob(st.jobId)} | ${st.startedAt ?? "—"} | ${st.endedAt ?? "—"} |`);
  L.push("", "| VM | role | job | triggered | created | running | verified |", "|---|---|---|---|---|---|---|");
  for (const v of r.timeline.vms)
    L.push(
      `| ${cell(v.friendlyName)} | ${v.role} | ${shortJob(v.jobId)} | ${v.triggeredAt ?? "—"} | ${v.createdAt ?? "—"} | ${v.runningAt ?? "—"} | ${v.verifiedAt ?? "—"} |`,
    );
  L.push("");

  for (const f of r.testFailovers) {
    L.push(`## ${f.role === "directory-copy" ? "AD/DNS copy" : "Application"} test failover: ${f.scope} — ${f.verdict}`, "");
    L.push(`Jobs: ${f.jobIds.map((j) => code(j.split("/").pop())).join(", ") || "none"}`, "");
    const connect = r.bastion !== undefined;
    L.push(
      `| VM | test VM | size | power | IPs | NICs | to running | checks |${connect ? " connect |" : ""}`,
      `|---|---|---|---|---|---|---|---|${connect ? "---|" : ""}`,
    );
    for (const vm of f.vms) {
      const checks = vm.checks.map((c) => `${c.passed ? "✅" : "❌"} ${c.name}${c.passed ? "" : `: ${cell(c.detail)}`}`).join("<br>");
      L.push(
        `| ${cell(vm.friendlyName)} | ${cell(vm.testVmName)} | ${cell(vm.size)} | ${cell(vm.powerState)} | ${cell(vm.ips.join(", "))} | ${vm.nicCount} | ${fmtSeconds(vm.secondsToRunning)} | ${checks} |${connect ? ` [connect](${bastionConnectUrl(vm.testVmId)}) |` : ""}`,
      );
    }
    if (f.failures.length) L.push("", "Failures:", ...f.failures.map((x) => `- ${cell(x)}`));
    L.push("");
  }

  L.push("## Isolation proof", "");
  if (r.bastion)
    L.push(
      `Access: Azure Bastion \`${r.bastion.name}\` (${r.bastion.sku} SKU), the only way in; RDP/SSH to the test subnets only from AzureBastionSubnet.`,
      "",
    );
  const iso = r.isolation;
  if (!iso) L.push("Not read (the test network was not up).");
  else {
    L.push(
      `Read back from ARM at ${iso.readAt ?? "?"} for ${code(iso.networkId)}: ${iso.isolated ? "**isolated**" : "**NOT proven isolated**"}.`,
      "",
    );
    L.push(`- peerings: ${iso.peerings.length ? iso.peerings.map(cell).join("; ") : "none"}`);
    L.push(`- public IPs: ${iso.publicIps.length ? iso.publicIps.map(cell).join("; ") : "none"}`);
    L.push(`- DNS servers: ${iso.dnsServers.join(", ") || "Azure-provided"}`);
    if (iso.error) L.push(`- problem: ${cell(iso.error)}`);
    L.push(
      "",
      "| NSG | rule | direction | access | priority | protocol | source | destination | ports |",
      "|---|---|---|---|---|---|---|---|---|",
    );
    for (const n of iso.nsgRules)
      L.push(
        `| ${cell(n.nsg)} | ${cell(n.name)} | ${n.direction} | ${n.access} | ${n.priority ?? ""} | ${cell(n.protocol)} | ${cell(n.source)} | ${cell(n.destination)} | ${cell(n.ports)} |`,
      );
  }
  L.push("");

  if (r.causes.length) {
    L.push("## Causes", "");
    for (const c of r.causes) {
      L.push(
        `**${c.source}${c.subject ? `: ${cell(c.subject)}` : ""}**`,
        "",
        "```text",
        ...c.lines.map((l) => l.replace(/```/g, "'''")),
        "```",
        "",
      );
    }
  }

  L.push("## Findings", "");
  if (!r.findings.length) L.push("None.");
  else {
    L.push("| id | kind | severity | finding | owner | status |", "|---|---|---|---|---|---|");
    for (const f of r.findings)
      L.push(`| ${code(f.id)} | ${f.kind} | ${f.severity} | ${cell(f.summary)} | ${cell(f.owner)} | ${f.status} |`);
  }
  L.push("");
  if (r.previousFindings) {
    L.push(`### Previous drill's findings (${r.previousFindings.drillId ?? "?"}, ${r.previousFindings.generatedAt ?? "?"})`, "");
    if (!r.previousFindings.findings.length) L.push("None.");
    else {
      L.push("| id | finding | owner | status then | in this drill |", "|---|---|---|---|---|");
      for (const f of r.previousFindings.findings)
        L.push(
          `| ${code(f.id)} | ${cell(f.summary)} | ${cell(f.owner)} | ${f.status} | ${f.now === "recurred" ? "**recurred**" : "not recurred"} |`,
        );
    }
    L.push("");
  }

  L.push(
    "## Trend",
    "",
    `The last ${r.trend.drills.length - 1} drill(s) of stack ${code(r.stack)} in the evidence store, then this one (regression margin ${r.trend.regressionMarginPercent}%).`,
    "",
  );
  L.push("| date (UTC) | drill | verdict | RTO | RPO |", "|---|---|---|---|---|");
  for (const d of r.trend.drills)
    L.push(
      `| ${d.generatedAt}${d.current ? " (this drill)" : ""} | ${code(d.drillId)} | ${d.verdict} | ${fmtSeconds(d.rtoSeconds)} | ${fmtSeconds(d.rpoSeconds)} |`,
    );
  L.push("");

  L.push("## Policy results", "");
  if (r.policies.length === 0) L.push("No findings.");
  for (const p of r.policies) L.push(`- **${p.enforcementLevel}** \`${p.policyName}\`: ${cell(p.message)}`);
  L.push("", "## Deviations", "", ...(r.deviations.length ? r.deviations.map((d) => `- ${cell(d)}`) : ["None."]));
  L.push("", "## Notes", "", r.notes || "(none)", "");
  L.push("## Cleanup", "");
  if (!r.cleanup) L.push("Not run yet (the drill was kept up with --keep).");
  else if (r.cleanup.clean)
    L.push(`Confirmed at ${r.cleanup.checkedAt}: no test VM, NIC or disk left; every protected item back to testFailoverState None.`);
  else L.push(`NOT confirmed at ${r.cleanup.checkedAt}:`, ...r.cleanup.leftovers.map((x) => `- ${cell(x)}`));
  if (r.evidence) {
    const e = r.evidence;
    L.push("", "## Evidence", "");
    if (e.error) L.push(`Not uploaded to ${e.store} container ${code(e.container)}: ${cell(e.error)}`);
    else
      L.push(
        `Uploaded to ${e.store}${e.accountName ? ` account ${code(e.accountName)}` : ""} container ${code(e.container)} under ${code(e.prefix)} (with manifest.sha256):`,
        ...e.blobs.map((b) => `- ${b.url}`),
      );
    if (e.preflight)
      L.push(
        "",
        `Version-level immutability (WORM) on the container: ${e.preflight.versionLevelImmutability ? "enabled" : "**not enabled**"} (checked ${e.preflight.checkedAt}).`,
      );
  }
  L.push("", "## Sign-off", "", "| | |", "|---|---|", "| name | |", "| role | |", "| date | |", "| signature | |", "| comments | |");
  return L.join("\n") + "\n";
}
