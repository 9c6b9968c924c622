// The drill report an auditor asks for: what was tested, when each test VM ran, what was verified, what
// the policy pack said, the notes, and proof of the cleanup. Built from the TestFailover resources'
// recorded state (their outputs), so a drill that failed half-way still gets a report.
// Three renderings: JSON (machine-readable), Markdown (PR comment / ticket), self-contained HTML with an
// SVG timeline.
import * as fs from "fs";
import * as path from "path";
import { TEST_FAILOVER_TYPE, type TestFailoverOutputs, type TestVmReport } from "../../components/drillTypes";
import { bastionConnectUrl } from "../../components/bastionAccess";
import type { CleanupConfirmation } from "../lib/cleanupCheck";
import type { EvidenceRecord } from "../lib/evidence";
import type { PolicyEvent, PulumiStack } from "../lib/pulumiCli";

export interface TimelineBar {
  lane: string;
  kind: "group" | "vm";
  /** Seconds from the drill's first trigger. */
  start: number;
  end: number;
  /** For VMs: when the VM was created (seconds from the first trigger). */
  created?: number;
  passed: boolean;
}

export interface ReportTestFailover {
  name: string;
  role: string;
  scope: string;
  jobIds: string[];
  verdict: string;
  failures: string[];
  vms: TestVmReport[];
}

export interface DrillReport {
  drillId: string;
  stack: string;
  generatedAt: string;
  verdict: "passed" | "failed";
  upSucceeded: boolean;
  upErrors: string[];
  rtoTargetMinutes?: number;
  rtoAchievedSeconds?: number;
  testFailovers: ReportTestFailover[];
  timeline: TimelineBar[];
  policies: PolicyEvent[];
  notes: string;
  cleanup?: CleanupConfirmation;
  /** Where report.{json,md,html} were uploaded (Azurite in twin mode, the drill storage account in Azure). */
  evidence?: EvidenceRecord;
  /** The drill's Azure Bastion (testNetwork.access.bastion): the isolation proof lists it, each VM gets a connect link. */
  bastion?: BastionInReport;
}

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

function isolationLine(b: BastionInReport): string {
  return `Access: Azure Bastion \`${b.name}\` (${b.sku} SKU) — the drill's only public endpoint; test subnets allow RDP/SSH only from the AzureBastionSubnet and keep denying the Internet both ways.`;
}

function seconds(from: string | undefined, to: string | undefined): number | undefined {
  if (!from || !to) return undefined;
  const d = (Date.parse(to) - Date.parse(from)) / 1000;
  return Number.isFinite(d) ? d : undefined;
}

function describeScope(o: TestFailoverOutputs): string {
  if (!o.scope) return "unknown";
  return o.scope.kind === "recoveryPlan"
    ? `recovery plan ${o.scope.recoveryPlanName}`
    : `protected items ${o.scope.items.map((i) => i.friendlyName).join(", ")}`;
}

/** Pure: the report from the TestFailover outputs found in state. */
export function reportFromOutputs(input: {
  stack: string;
  failovers: { name: string; outputs: TestFailoverOutputs }[];
  policies: PolicyEvent[];
  upSucceeded: boolean;
  upErrors: string[];
  now?: Date;
  bastion?: BastionInReport;
}): DrillReport {
  const ordered = [...input.failovers].sort((a, b) => (a.outputs.role === "directory-copy" ? -1 : 0) - (b.outputs.role === "directory-copy" ? -1 : 0));
  const triggers = ordered
    .flatMap((f) => [...(f.outputs.testVms ?? []).map((v) => v.triggeredAt), ...(f.outputs.groupTimings ?? []).map((g) => g.startTime)])
    .filter((t): t is string => Boolean(t))
    .sort();
  const t0 = triggers[0];
  const timeline: TimelineBar[] = [];
  for (const f of ordered) {
    for (const g of f.outputs.groupTimings ?? []) {
      const start = seconds(t0, g.startTime);
      const end = seconds(t0, g.endTime);
      if (start !== undefined && end !== undefined) {
        timeline.push({ lane: `${f.outputs.role === "directory-copy" ? "AD/DNS copy" : "plan"}: ${g.group}`, kind: "group", start, end, passed: f.outputs.verdict === "passed" });
      }
    }
    for (const vm of f.outputs.testVms ?? []) {
      const start = seconds(t0, vm.triggeredAt);
      const end = seconds(t0, vm.runningAt);
      if (start !== undefined && end !== undefined) {
        timeline.push({
          lane: vm.friendlyName,
          kind: "vm",
          start,
          end,
          created: seconds(t0, vm.createdAt),
          passed: vm.checks.every((c) => c.passed),
        });
      }
    }
  }
  const app = ordered.find((f) => f.outputs.role === "application") ?? ordered[ordered.length - 1];
  const failed = !input.upSucceeded || ordered.length === 0 || ordered.some((f) => f.outputs.verdict !== "passed");
  return {
    drillId: app?.outputs.drillId ?? "unknown-drill",
    stack: input.stack,
    generatedAt: (input.now ?? new Date()).toISOString(),
    verdict: failed ? "failed" : "passed",
    upSucceeded: input.upSucceeded,
    upErrors: input.upErrors,
    rtoTargetMinutes: app?.outputs.rtoTargetMinutes,
    rtoAchievedSeconds: app?.outputs.rtoAchievedSeconds,
    testFailovers: ordered.map((f) => ({
      name: f.name,
      role: f.outputs.role,
      scope: describeScope(f.outputs),
      jobIds: f.outputs.jobIds ?? [],
      verdict: f.outputs.verdict ?? "failed",
      failures: f.outputs.failures ?? [],
      vms: f.outputs.testVms ?? [],
    })),
    timeline,
    policies: input.policies,
    notes: app?.outputs.notes ?? "",
    ...(input.bastion ? { bastion: input.bastion } : {}),
  };
}

/** Reads the TestFailover resources from the stack's state and builds the report. */
export async function buildDrillReport(input: {
  stack: PulumiStack;
  policies: PolicyEvent[];
  upSucceeded: boolean;
  upOutput: string;
}): Promise<DrillReport> {
  const resources = await input.stack.resources();
  const failovers = resources
    .filter((r) => r.type === TEST_FAILOVER_TYPE && r.outputs)
    .map((r) => ({ name: r.urn.split("::").pop() ?? r.urn, outputs: r.outputs as unknown as TestFailoverOutputs }));
  const upErrors = input.upOutput
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => /^error:/.test(l));
  return reportFromOutputs({ stack: input.stack.opts.stack, failovers, policies: input.policies, upSucceeded: input.upSucceeded, upErrors, bastion: bastionFromState(resources) });
}

// ---- renderings ------------------------------------------------------------------------------------

const esc = (s: unknown) =>
  String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string);
const mdCell = (s: unknown) => String(s ?? "").replace(/\|/g, "\\|").replace(/\n/g, " ");
const fmtSeconds = (s: number | undefined) => (s === undefined ? "—" : s >= 120 ? `${(s / 60).toFixed(1)} min` : `${Math.round(s)} s`);

function rtoLine(r: DrillReport): string {
  if (r.rtoAchievedSeconds === undefined) return "RTO achieved: not measured";
  const target = r.rtoTargetMinutes === undefined ? "" : ` against a target of ${r.rtoTargetMinutes} min (${r.rtoAchievedSeconds <= r.rtoTargetMinutes * 60 ? "met" : "MISSED"})`;
  return `RTO achieved: ${fmtSeconds(r.rtoAchievedSeconds)}${target}`;
}

export function renderMarkdown(r: DrillReport): string {
  const lines: string[] = [];
  lines.push(`# DR drill ${r.drillId}: ${r.verdict.toUpperCase()}`, "");
  lines.push(`Stack \`${r.stack}\`, generated ${r.generatedAt}. ${rtoLine(r)}.`, "");
  for (const f of r.testFailovers) {
    lines.push(`## ${f.role === "directory-copy" ? "AD/DNS copy" : "Application"} test failover: ${f.scope} — ${f.verdict}`, "");
    lines.push(`Jobs: ${f.jobIds.map((j) => `\`${j.split("/").pop()}\``).join(", ") || "none"}`, "");
    const connect = r.bastion !== undefined;
    lines.push(`| VM | test VM | size | power | IPs | NICs | to running | checks |${connect ? " connect |" : ""}`, `|---|---|---|---|---|---|---|---|${connect ? "---|" : ""}`);
    for (const vm of f.vms) {
      const checks = vm.checks.map((c) => `${c.passed ? "✅" : "❌"} ${c.name}${c.passed ? "" : `: ${c.detail}`}`).join("<br>");
      lines.push(
        `| ${mdCell(vm.friendlyName)} | ${mdCell(vm.testVmName)} | ${mdCell(vm.size)} | ${mdCell(vm.powerState)} | ${mdCell(vm.ips.join(", "))} | ${vm.nicCount} | ${fmtSeconds(vm.secondsToRunning)} | ${checks} |${connect && vm.testVmId ? ` [connect](${bastionConnectUrl(vm.testVmId)}) |` : connect ? " — |" : ""}`,
      );
    }
    if (f.failures.length) lines.push("", "Failures:", ...f.failures.map((x) => `- ${x}`));
    lines.push("");
  }
  if (r.bastion) lines.push("## Isolation", "", isolationLine(r.bastion), "");
  lines.push("## Policy results", "");
  if (r.policies.length === 0) lines.push("No findings.");
  for (const p of r.policies) lines.push(`- **${p.enforcementLevel}** \`${p.policyName}\`: ${mdCell(p.message)}`);
  lines.push("", "## Notes", "", r.notes || "(none)", "");
  lines.push("## Cleanup", "");
  if (!r.cleanup) lines.push("Not run yet (the drill was kept up with --keep).");
  else if (r.cleanup.clean) lines.push(`Confirmed at ${r.cleanup.checkedAt}: no test VM, NIC or disk left; every protected item back to testFailoverState None.`);
  else lines.push(`NOT confirmed at ${r.cleanup.checkedAt}:`, ...r.cleanup.leftovers.map((x) => `- ${x}`));
  if (r.evidence) {
    lines.push("", "## Evidence", "");
    if (r.evidence.error) lines.push(`Not uploaded to ${r.evidence.store} container \`${r.evidence.container}\`: ${mdCell(r.evidence.error)}`);
    else lines.push(`Uploaded to ${r.evidence.store} container \`${r.evidence.container}\` under \`${r.evidence.prefix}\`:`, ...r.evidence.blobs.map((b) => `- ${b.url}`));
  }
  if (r.upErrors.length) lines.push("", "## Errors", "", ...r.upErrors.map((e) => `- ${mdCell(e)}`));
  return lines.join("\n") + "\n";
}

export const TIMELINE_PX_PER_SECOND_MAX = 4;

/** The SVG timeline: one lane per group and per VM; a bar from trigger to running, a tick at "created". */
export function renderTimelineSvg(r: DrillReport): string {
  const bars = r.timeline;
  const span = Math.max(1, ...bars.map((b) => b.end));
  const width = 900;
  const labelWidth = 200;
  const scale = Math.min(TIMELINE_PX_PER_SECOND_MAX, (width - labelWidth - 20) / span); // px per second
  const laneHeight = 26;
  const height = 40 + bars.length * laneHeight;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" id="timeline" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" data-px-per-second="${scale}" role="img" aria-label="Drill timeline">`,
  );
  parts.push(`<text x="${labelWidth}" y="14" font-size="11">0 s</text><text x="${labelWidth + span * scale}" y="14" font-size="11" text-anchor="end">${esc(fmtSeconds(span))}</text>`);
  bars.forEach((b, i) => {
    const y = 24 + i * laneHeight;
    const x = labelWidth + b.start * scale;
    const w = Math.max(1, (b.end - b.start) * scale);
    const fill = b.kind === "group" ? "#8a9bb5" : b.passed ? "#2e8b57" : "#c0392b";
    parts.push(`<text x="${labelWidth - 8}" y="${y + 14}" font-size="12" text-anchor="end">${esc(b.lane)}</text>`);
    parts.push(
      `<rect class="bar ${b.kind}" x="${x.toFixed(2)}" y="${y}" width="${w.toFixed(2)}" height="18" fill="${fill}" data-lane="${esc(b.lane)}" data-start-seconds="${b.start}" data-duration-seconds="${b.end - b.start}"><title>${esc(b.lane)}: ${esc(fmtSeconds(b.end - b.start))}</title></rect>`,
    );
    if (b.created !== undefined) {
      const cx = labelWidth + b.created * scale;
      parts.push(`<line class="created" x1="${cx.toFixed(2)}" x2="${cx.toFixed(2)}" y1="${y - 2}" y2="${y + 20}" stroke="#1b1b1b" stroke-width="2"><title>VM created</title></line>`);
    }
  });
  parts.push("</svg>");
  return parts.join("");
}

function evidenceHtml(r: DrillReport): string {
  const e = r.evidence;
  if (!e) return "";
  const body = e.error
    ? `<p class="ko">Not uploaded to ${esc(e.store)} container <code>${esc(e.container)}</code>: ${esc(e.error)}</p>`
    : `<p>Uploaded to ${esc(e.store)} container <code>${esc(e.container)}</code> under <code>${esc(e.prefix)}</code>:</p><ul>${e.blobs.map((b) => `<li><code>${esc(b.url)}</code></li>`).join("")}</ul>`;
  return `<h2>Evidence</h2>\n<div id="evidence">${body}</div>`;
}

export function renderHtml(r: DrillReport): string {
  const rows = r.testFailovers
    .flatMap((f) =>
      f.vms.map(
        (vm) =>
          `<tr><td>${esc(vm.friendlyName)}</td><td>${esc(f.role)}</td><td>${esc(vm.testVmName)}</td><td>${esc(vm.size)}</td><td>${esc(vm.powerState)}</td><td>${esc(vm.ips.join(", "))}</td><td>${vm.nicCount}</td><td>${esc(fmtSeconds(vm.secondsToRunning))}</td><td>${vm.checks
            .map((c) => `<span class="${c.passed ? "ok" : "ko"}" title="${esc(c.detail)}">${c.passed ? "✔" : "✘"} ${esc(c.name)}</span>`)
            .join("<br>")}</td>${r.bastion ? `<td>${vm.testVmId ? `<a href="${esc(bastionConnectUrl(vm.testVmId))}">connect</a>` : "—"}</td>` : ""}</tr>`,
      ),
    )
    .join("\n");
  const policies = r.policies.length
    ? `<ul>${r.policies.map((p) => `<li><b>${esc(p.enforcementLevel)}</b> <code>${esc(p.policyName)}</code>: ${esc(p.message)}</li>`).join("")}</ul>`
    : "<p>No findings.</p>";
  const cleanup = !r.cleanup
    ? "<p>Not run yet (kept up with --keep).</p>"
    : r.cleanup.clean
      ? `<p class="ok" id="cleanup">Confirmed at ${esc(r.cleanup.checkedAt)}: nothing left.</p>`
      : `<div class="ko" id="cleanup">NOT confirmed:<ul>${r.cleanup.leftovers.map((l) => `<li>${esc(l)}</li>`).join("")}</ul></div>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>DR drill ${esc(r.drillId)}: ${esc(r.verdict)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem;color:#1b1b1b}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}
.ok{color:#1e7b45}.ko{color:#b03020}.verdict{font-size:1.4rem}
</style></head>
<body>
<h1>DR drill <code>${esc(r.drillId)}</code></h1>
<p class="verdict ${r.verdict === "passed" ? "ok" : "ko"}" id="verdict">${esc(r.verdict.toUpperCase())}</p>
<p>Stack <code>${esc(r.stack)}</code>, generated ${esc(r.generatedAt)}. ${esc(rtoLine(r))}.</p>
<h2>Timeline</h2>
${renderTimelineSvg(r)}
<h2>Test VMs</h2>
<table id="vms"><thead><tr><th>VM</th><th>role</th><th>test VM</th><th>size</th><th>power</th><th>IPs</th><th>NICs</th><th>to running</th><th>checks</th>${r.bastion ? "<th>connect</th>" : ""}</tr></thead><tbody>
${rows}
</tbody></table>
${r.bastion ? `<h2>Isolation</h2>\n<p id="isolation">${esc(isolationLine(r.bastion))}</p>` : ""}
<h2>Policy results</h2>
${policies}
<h2>Notes</h2>
<p id="notes">${esc(r.notes)}</p>
<h2>Cleanup</h2>
${cleanup}
${evidenceHtml(r)}
<script type="application/json" id="report-data">${JSON.stringify(r).replace(/</g, "\\u003c")}</script>
</body></html>
`;
}

/** Writes <reportsDir>/<drill-id>/report.{json,md,html} (default <root>/reports); returns the folder. */
export function writeDrillReport(r: DrillReport, root: string, reportsDir = path.join(root, "reports")): string {
  const dir = path.join(reportsDir, r.drillId);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "report.json"), JSON.stringify(r, null, 2) + "\n");
  fs.writeFileSync(path.join(dir, "report.md"), renderMarkdown(r));
  fs.writeFileSync(path.join(dir, "report.html"), renderHtml(r));
  return dir;
}
