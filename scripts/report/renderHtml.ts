// report.html: self-contained (inline CSS and SVG, no script that runs, no external request), from the
// same object as report.json, which it also embeds verbatim (#report-data) while that stays small; a
// larger report.json (a 1,000-VM drill's is ~1.4 MB) is named instead, beside the page in the manifest.
import { bastionConnectUrl } from "../../components/bastionAccess";
import type { DrillReport } from "./reportSchema";
import { RAN_BY_SOURCE, rpoLine, rtoLine } from "./renderMarkdown";
import { fmtSeconds, renderTimelineSvg, TIMELINE_CSS } from "./timelineSvg";
import { renderTrendSvg } from "./trend";

const esc = (s: unknown) =>
  String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string);
const td = (...cells: unknown[]) => `<tr>${cells.map((c) => `<td>${c}</td>`).join("")}</tr>`;
const table = (id: string, head: string[], rows: string[]) =>
  `<table id="${id}"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead><tbody>\n${rows.join("\n")}\n</tbody></table>`;
/** Rows past this many go into a collapsed block (a 1,000-VM drill's tables stay one click away). */
const FOLD_ROWS = 20;
/** A table, folded under `<details>` with its row count when it is long. */
const foldedTable = (id: string, head: string[], rows: string[], what: string) =>
  rows.length > FOLD_ROWS
    ? `<details class="fold"><summary>${rows.length} ${esc(what)}</summary>${table(id, head, rows)}</details>`
    : table(id, head, rows);

/** Checks as one cell: "7/7 ✔", or "5/7 ✘" with each failed check spelled out (name and detail). */
export function checksCell(checks: { name: string; passed: boolean; detail: string }[]): string {
  if (checks.length === 0) return "—";
  const passed = checks.filter((c) => c.passed).length;
  const all = esc(checks.map((c) => `${c.passed ? "✔" : "✘"} ${c.name}`).join("\n"));
  if (passed === checks.length) return `<span class="ok" title="${all}">${passed}/${checks.length} ✔</span>`;
  const failed = checks
    .filter((c) => !c.passed)
    .map((c) => `<br><span class="ko">✘ ${esc(c.name)}: ${esc(c.detail)}</span>`)
    .join("");
  return `<span class="ko" title="${all}">${passed}/${checks.length} ✘</span>${failed}`;
}

/** A run of more than 10 quoted names in a message (a policy finding's VMs) folds into a collapsed list. */
export function foldNameLists(message: string): string {
  const re = /(?:"[^"]{1,100}", ){10,}"[^"]{1,100}"/g;
  let out = "";
  let last = 0;
  for (const m of message.matchAll(re)) {
    const names = m[0].split(/", "/).length;
    out += esc(message.slice(last, m.index)) + `<details class="names"><summary>${names} VMs</summary>${esc(m[0])}</details>`;
    last = m.index! + m[0].length;
  }
  return out + esc(message.slice(last));
}

const met = (m: boolean | undefined) =>
  m === undefined ? "no target" : m ? '<span class="ok">met</span>' : '<span class="ko">MISSED</span>';

/** report.json embedded up to this size; above it the page names the file (report.html stays < 1.5 MB). */
export const EMBED_REPORT_DATA_MAX_BYTES = 256 * 1024;

function embeddedData(r: DrillReport): string {
  const json = JSON.stringify(r).replace(/</g, "\\u003c");
  if (Buffer.byteLength(json) <= EMBED_REPORT_DATA_MAX_BYTES) return `<script type="application/json" id="report-data">${json}</script>`;
  return `<p id="report-data-file">The data of this page is <code>report.json</code> beside it (${(Buffer.byteLength(json) / 1024).toFixed(0)} KiB, too large to embed; its SHA-256 is in <code>manifest.sha256</code>).</p>`;
}

export function renderHtml(r: DrillReport): string {
  const id = r.identity;
  const identity = table(
    "identity",
    ["", ""],
    [
      td("drill", `<code>${esc(r.drillId)}</code> (stack <code>${esc(r.stack)}</code>)`),
      td("started / generated (UTC)", `${esc(r.startedAt)} / ${esc(r.generatedAt)}`),
      td("trigger", `${esc(id.trigger.kind)}${id.trigger.reference ? ` (${esc(id.trigger.reference)})` : ""}`),
      td(
        "ran by",
        `${esc(id.ranBy.name)} (from ${esc(RAN_BY_SOURCE[id.ranBy.source])}${id.ranBy.objectId ? `, object id ${esc(id.ranBy.objectId)}` : ""}${id.ranBy.ciRunUrl ? `, ${esc(id.ranBy.ciRunUrl)}` : ""})`,
      ),
      td("git commit", `<code>${esc(id.gitCommit)}</code>${id.gitDirty ? " (with uncommitted changes)" : ""}`),
      td("Pulumi update", `<code>${esc(id.pulumiUpdateId ?? "—")}</code>`),
      td("tool / schema version", `${esc(id.toolVersion)} / ${esc(id.schemaVersion)}`),
    ],
  );
  const s = r.scope;
  const itemNames = esc(s.items.map((i) => `${i.friendlyName}${i.role === "directory-copy" ? " (AD/DNS copy)" : ""}`).join(", "));
  const plansText = s.recoveryPlans?.length
    ? `Recovery plans ${s.recoveryPlans.map((p) => `<code>${esc(p)}</code>`).join(", ")}`
    : s.kind === "recoveryPlan"
      ? `Recovery plan <code>${esc(s.recoveryPlan)}</code>`
      : "Protected items";
  const scope = `<p id="scope">${s.businessService ? `Business service <b>${esc(s.businessService)}</b>${s.tier ? ` (${esc(s.tier)})` : ""}. ` : ""}${plansText}: ${s.items.length > FOLD_ROWS ? `<details class="names"><summary>${s.items.length} items</summary>${itemNames}</details>` : `${itemNames}.`}</p>${
    s.exclusions.length ? `<ul id="exclusions">${s.exclusions.map((e) => `<li>${esc(e.item)}: ${esc(e.reason)}</li>`).join("")}</ul>` : ""
  }`;
  const rpoRows = r.rpo.perItem.map((p) =>
    td(`RPO ${esc(p.friendlyName)} (point ${esc(p.recoveryPointTime ?? "?")})`, esc(fmtSeconds(p.seconds)), "", ""),
  );
  const results =
    table(
      "results",
      ["measure", "achieved", "target", "result"],
      [
        td(
          `RTO end to end (${esc(r.rto.from ?? "?")} → ${esc(r.rto.to ?? "?")}, to ${esc(r.rto.toEvent ?? "?")})`,
          esc(fmtSeconds(r.rto.achievedSeconds)),
          r.rto.targetMinutes === undefined ? "—" : `${r.rto.targetMinutes} min`,
          met(r.rto.met),
        ),
        td(
          `RPO worst (${esc(r.rpo.worstItem ?? "—")})`,
          esc(fmtSeconds(r.rpo.worstSeconds)),
          r.rpo.targetMinutes === undefined ? "—" : `${r.rpo.targetMinutes} min`,
          met(r.rpo.met),
        ),
        ...r.rto.perTestFailover.map((f) => td(`test failover ${esc(f.name)} (${esc(f.role)})`, esc(fmtSeconds(f.seconds)), "", "")),
        ...r.rto.perBootGroup.map((g) =>
          td(
            `${esc(g.group)} (ends ${esc(fmtSeconds(g.fromFirstTriggerSeconds))} after the first trigger)`,
            esc(fmtSeconds(g.seconds)),
            "",
            "",
          ),
        ),
        ...(rpoRows.length > FOLD_ROWS ? [] : rpoRows),
      ],
    ) + (rpoRows.length > FOLD_ROWS ? foldedTable("rpo-per-item", ["measure", "achieved", "target", "result"], rpoRows, "items' RPO") : "");
  const preconditions = foldedTable(
    "preconditions",
    ["item", "replication health", "health errors", "recovery point used", "policy results"],
    r.preconditions.map((p) =>
      td(
        esc(p.friendlyName),
        esc(p.replicationHealth ?? "?"),
        p.healthErrors
          .map(
            (e) =>
              `<span class="ko">${esc(e.code)}</span> ${esc(e.message)}${e.recommendedAction ? ` <i>${esc(e.recommendedAction)}</i>` : ""}`,
          )
          .join("<br>") || "none",
        p.recoveryPoint
          ? `${esc(p.recoveryPoint.name ?? "?")} at ${esc(p.recoveryPoint.time ?? "?")} (${esc(p.recoveryPoint.type ?? "?")})`
          : "—",
        p.policies.map((x) => `${esc(x.enforcementLevel)} <code>${esc(x.policyName)}</code>`).join("<br>") || "none",
      ),
    ),
    "items' preconditions",
  );
  const stages = foldedTable(
    "stages",
    ["stage", "job", "started (UTC)", "ended (UTC)"],
    r.timeline.stages.map((st) =>
      td(esc(st.stage), `<code>${esc(st.jobId?.split("/").pop() ?? "—")}</code>`, esc(st.startedAt ?? "—"), esc(st.endedAt ?? "—")),
    ),
    "stages",
  );
  const vmTimes = foldedTable(
    "vm-times",
    ["VM", "role", "job", "triggered", "created", "running", "verified"],
    r.timeline.vms.map((v) =>
      td(
        esc(v.friendlyName),
        esc(v.role),
        `<code>${esc(v.jobId?.split("/").pop() ?? "—")}</code>`,
        esc(v.triggeredAt ?? "—"),
        esc(v.createdAt ?? "—"),
        esc(v.runningAt ?? "—"),
        esc(v.verifiedAt ?? "—"),
      ),
    ),
    "VMs' times",
  );
  const connect = r.bastion !== undefined;
  const vms = table(
    "vms",
    ["VM", "role", "test VM", "size", "power", "IPs", "NICs", "to running", "checks", ...(connect ? ["connect"] : [])],
    r.testFailovers.flatMap((f) =>
      f.vms.map((vm) =>
        td(
          esc(vm.friendlyName),
          esc(f.role),
          esc(vm.testVmName),
          esc(vm.size),
          esc(vm.powerState),
          esc(vm.ips.join(", ")),
          vm.nicCount,
          esc(fmtSeconds(vm.secondsToRunning)),
          checksCell(vm.checks),
          ...(connect ? [`<a href="${esc(bastionConnectUrl(vm.testVmId))}">connect</a>`] : []),
        ),
      ),
    ),
  );
  const iso = r.isolation;
  const bastionLine = r.bastion
    ? `<p id="bastion">Access: Azure Bastion <code>${esc(r.bastion.name)}</code> (${esc(r.bastion.sku)} SKU), the only way in; RDP/SSH to the test subnets only from AzureBastionSubnet.</p>`
    : "";
  const isolation = !iso
    ? '<p id="isolation">Not read (the test network was not up).</p>'
    : `<div id="isolation"><p class="${iso.isolated ? "ok" : "ko"}">Read back from ARM at ${esc(iso.readAt ?? "?")}: ${iso.isolated ? "isolated" : "NOT proven isolated"}${iso.error ? ` (${esc(iso.error)})` : ""}.</p><ul><li>peerings: <span id="peerings">${esc(iso.peerings.join("; ") || "none")}</span></li><li>public IPs: <span id="public-ips">${esc(iso.publicIps.join("; ") || "none")}</span></li><li>DNS servers: <span id="dns-servers">${esc(iso.dnsServers.join(", ") || "Azure-provided")}</span></li></ul>${table(
        "nsg-rules",
        ["NSG", "rule", "direction", "access", "priority", "protocol", "source", "destination", "ports"],
        iso.nsgRules.map((n) =>
          td(
            esc(n.nsg),
            esc(n.name),
            esc(n.direction),
            esc(n.access),
            esc(n.priority ?? ""),
            esc(n.protocol ?? ""),
            esc(n.source ?? ""),
            esc(n.destination ?? ""),
            esc(n.ports ?? ""),
          ),
        ),
      )}</div>`;
  const causes = r.causes.length
    ? `<h2>Causes</h2>\n<div id="causes">${r.causes.map((c) => `<div class="cause"><b>${esc(c.source)}${c.subject ? `: ${esc(c.subject)}` : ""}</b><pre>${esc(c.lines.join("\n"))}</pre></div>`).join("")}</div>`
    : "";
  const findings = r.findings.length
    ? table(
        "findings",
        ["id", "kind", "severity", "finding", "owner", "status"],
        r.findings.map((f) => td(`<code>${esc(f.id)}</code>`, esc(f.kind), esc(f.severity), esc(f.summary), esc(f.owner), esc(f.status))),
      )
    : '<p id="findings">None.</p>';
  const previous = r.previousFindings
    ? `<h3>Previous drill's findings (${esc(r.previousFindings.drillId ?? "?")}, ${esc(r.previousFindings.generatedAt ?? "?")})</h3>${
        r.previousFindings.findings.length
          ? table(
              "previous-findings",
              ["id", "finding", "owner", "status then", "in this drill"],
              r.previousFindings.findings.map((f) =>
                td(
                  `<code>${esc(f.id)}</code>`,
                  esc(f.summary),
                  esc(f.owner),
                  esc(f.status),
                  f.now === "recurred" ? '<span class="ko">recurred</span>' : "not recurred",
                ),
              ),
            )
          : "<p>None.</p>"
      }`
    : "";
  const trendRows = table(
    "trend-table",
    ["date (UTC)", "drill", "verdict", "RTO", "RPO"],
    r.trend.drills.map((d) =>
      td(
        `${esc(d.generatedAt)}${d.current ? " (this drill)" : ""}`,
        `<code>${esc(d.drillId)}</code>`,
        esc(d.verdict),
        esc(fmtSeconds(d.rtoSeconds)),
        esc(fmtSeconds(d.rpoSeconds)),
      ),
    ),
  );
  const policies = r.policies.length
    ? `<ul id="policy-results">${r.policies.map((p) => `<li><b>${esc(p.enforcementLevel)}</b> <code>${esc(p.policyName)}</code>: ${foldNameLists(p.message)}</li>`).join("")}</ul>`
    : "<p>No findings.</p>";
  const cleanup = !r.cleanup
    ? '<p id="cleanup">Not run yet (kept up with --keep).</p>'
    : r.cleanup.clean
      ? `<p class="ok" id="cleanup">Confirmed at ${esc(r.cleanup.checkedAt)}: nothing left.</p>`
      : `<div class="ko" id="cleanup">NOT confirmed at ${esc(r.cleanup.checkedAt)}:<ul>${r.cleanup.leftovers.map((l) => `<li>${esc(l)}</li>`).join("")}</ul></div>`;
  const e = r.evidence;
  const evidence = !e
    ? ""
    : `<h2>Evidence</h2>\n<div id="evidence">${
        e.error
          ? `<p class="ko">Not uploaded to ${esc(e.store)} container <code>${esc(e.container)}</code>: ${esc(e.error)}</p>`
          : `<p>Uploaded to ${esc(e.store)}${e.accountName ? ` account <code>${esc(e.accountName)}</code>` : ""} container <code>${esc(e.container)}</code> under <code>${esc(e.prefix)}</code> (with manifest.sha256):</p><ul>${e.blobs.map((b) => `<li><code>${esc(b.url)}</code></li>`).join("")}</ul>`
      }${e.preflight ? `<p>Version-level immutability (WORM) on the container: ${e.preflight.versionLevelImmutability ? "enabled" : '<span class="ko">not enabled</span>'}.</p>` : ""}</div>`;
  const signOff = table(
    "sign-off",
    ["", ""],
    ["name", "role", "date", "signature", "comments"].map((f) => td(esc(f), '<span class="blank"></span>')),
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>DR drill ${esc(r.drillId)}: ${esc(r.verdict)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem;color:#1b1b1b}table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}
${TIMELINE_CSS}
.timeline summary{list-style:none;cursor:pointer;position:relative}.timeline summary::-webkit-details-marker{display:none}.timeline summary::before{content:"▸";position:absolute;left:2px;top:3px;font-size:12px}.timeline details[open]>summary::before{content:"▾"}.timeline svg{display:block}details.fold>summary,details.names>summary{cursor:pointer;color:#2a4d8f}details.names{display:inline}
.ok{color:#1e7b45}.ko{color:#b03020}.verdict{font-size:1.4rem}pre{background:#f6f6f6;padding:.5rem;white-space:pre-wrap}.blank{display:inline-block;min-width:20rem;border-bottom:1px solid #555}
</style></head>
<body>
<h1>DR drill <code>${esc(r.drillId)}</code></h1>
<p class="verdict ${r.verdict === "passed" ? "ok" : "ko"}" id="verdict">${esc(r.verdict.toUpperCase())}</p>
<p id="rto-line">${esc(rtoLine(r))}.</p>
<p id="rpo-line">${esc(rpoLine(r))}.</p>
<h2>Identity</h2>
${identity}
<h2>Scope</h2>
${scope}
<h2>Targets and results</h2>
<p id="targets">Targets fixed at ${esc(r.targets.recordedAt)} (before the run): RTO ${esc(r.targets.rtoMinutes ?? "—")} min, RPO ${esc(r.targets.rpoMinutes ?? "—")} min.</p>
${results}
<h2>Preconditions</h2>
${preconditions}
<h2>Timeline (UTC)</h2>
${renderTimelineSvg(r)}
${stages}
${vmTimes}
<h2>Test VMs</h2>
${vms}
<h2>Isolation proof</h2>
${bastionLine}${isolation}
${causes}
<h2>Findings</h2>
${findings}
${previous}
<h2>Trend</h2>
${renderTrendSvg(r.trend.drills)}
${trendRows}
<h2>Policy results</h2>
${policies}
<h2>Deviations</h2>
${r.deviations.length ? `<ul id="deviations">${r.deviations.map((d) => `<li>${esc(d)}</li>`).join("")}</ul>` : '<p id="deviations">None.</p>'}
<h2>Notes</h2>
<p id="notes">${esc(r.notes)}</p>
<h2>Cleanup</h2>
${cleanup}
${evidence}
<h2>Sign-off</h2>
${signOff}
${embeddedData(r)}
</body></html>
`;
}
