// The Markdown summary of a policy gate (`pulumi preview --policy-pack policy`), for a pull-request
// comment: verdict first, then mandatory findings, then advisory ones, each with the resource it names.
import type { PolicyEvent } from "../lib/drillStack";

export interface PolicySummaryInput {
  stack: string;
  /** "the Azure twin (fixture …)" or "subscription …": where the preview ran. */
  target: string;
  policies: PolicyEvent[];
  previewOk: boolean;
  /** Why the preview failed when no mandatory policy explains it. */
  failure?: string;
  generatedAt?: Date;
}

/** The marker lets a CI job find and update its own earlier comment. */
export const POLICY_SUMMARY_MARKER = "<!-- failover-drill:policy-check -->";

// Table cells: no pipes, no raw angle brackets (GitHub would read "<VM>" as HTML), one line.
const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\r?\n/g, " ");
const resourceOf = (p: PolicyEvent) => (p.resourceUrn ? (p.resourceUrn.split("::").pop() ?? p.resourceUrn) : "(stack)");

export function policyVerdict(input: Pick<PolicySummaryInput, "policies" | "previewOk" | "failure">): "passed" | "blocked" | "error" {
  if (input.policies.some((p) => p.enforcementLevel === "mandatory")) return "blocked";
  if (!input.previewOk) return "error";
  return "passed";
}

export function renderPolicySummary(input: PolicySummaryInput): string {
  const verdict = policyVerdict(input);
  const mandatory = input.policies.filter((p) => p.enforcementLevel === "mandatory");
  const others = input.policies.filter((p) => p.enforcementLevel !== "mandatory");
  const lines: string[] = [POLICY_SUMMARY_MARKER];
  const heading = {
    passed: "✅ Drill policy check passed",
    blocked: `❌ Drill policy check: blocked by ${mandatory.length} mandatory finding${mandatory.length === 1 ? "" : "s"}`,
    error: "⚠️ Drill policy check: the preview failed",
  }[verdict];
  lines.push(`## ${heading}`, "");
  lines.push(
    `\`pulumi preview --policy-pack policy\` on stack \`${input.stack}\` against ${input.target}, ${(input.generatedAt ?? new Date()).toISOString()}. ` +
      (verdict === "blocked"
        ? "`pulumi up` would stop before any test failover is triggered."
        : verdict === "passed"
          ? "No mandatory finding: the drill may run."
          : ""),
    "",
  );
  const table = (title: string, rows: PolicyEvent[]) => {
    if (rows.length === 0) return;
    lines.push(`### ${title}`, "", "| level | policy | resource | message |", "|---|---|---|---|");
    for (const p of rows) lines.push(`| ${p.enforcementLevel} | \`${p.policyName}\` | ${cell(resourceOf(p))} | ${cell(p.message)} |`);
    lines.push("");
  };
  table("Mandatory", mandatory);
  table("Advisory", others);
  if (input.policies.length === 0) lines.push("No policy findings.", "");
  if (verdict === "error" && input.failure) lines.push("### Preview error", "", "```", input.failure.trim().slice(0, 4000), "```", "");
  return lines.join("\n");
}
