// The trend from the evidence store: the last N drill runs of the same stack (<stack>/<drill-id>/<UTC>/),
// each report.json read back and checked against its manifest.sha256, oldest first; the newest one's
// findings are "the previous drill's findings". Reports of schema v1 (no stack prefix) are not found here.
import type { ContainerClient } from "@azure/storage-blob";
import { createHash } from "crypto";
import type { TrendInput } from "../report/drillReport";
import type { DrillReport, TrendEntry } from "../report/reportSchema";
import { downloadEvidence } from "./evidence";

const REPORT_BLOB = /^(.+)\/([^/]+)\/(\d{8}T\d{6}Z)\/report\.json$/;

/** `count` previous drills of `stack` (excluding `currentPrefix`), oldest first. */
export async function readTrend(container: ContainerClient, stack: string, count: number, currentPrefix?: string): Promise<TrendInput> {
  const runs: { prefix: string; at: string }[] = [];
  for await (const blob of container.listBlobsFlat({ prefix: `${stack}/` })) {
    const m = REPORT_BLOB.exec(blob.name);
    if (!m || m[1] !== stack) continue;
    const prefix = blob.name.slice(0, -"report.json".length);
    if (prefix !== currentPrefix) runs.push({ prefix, at: m[3] });
  }
  runs.sort((a, b) => a.at.localeCompare(b.at));
  const previous: TrendEntry[] = [];
  const problems: string[] = [];
  let newest: DrillReport | undefined;
  let newestPrefix: string | undefined;
  for (const run of runs.slice(-count)) {
    let text: string;
    try {
      text = await downloadEvidence(container, `${run.prefix}report.json`);
    } catch (err) {
      problems.push(`${run.prefix}report.json could not be read: ${(err as Error).message.split("\n")[0]}`);
      continue;
    }
    const tampered = await manifestMismatch(container, run.prefix, text);
    if (tampered) problems.push(`${run.prefix}report.json: ${tampered}`);
    let r: DrillReport;
    try {
      r = JSON.parse(text) as DrillReport;
    } catch {
      problems.push(`${run.prefix}report.json is not JSON`);
      continue;
    }
    if (r.schemaVersion !== 2) continue;
    previous.push({
      drillId: r.drillId,
      generatedAt: r.startedAt ?? r.generatedAt,
      verdict: r.verdict,
      rtoSeconds: r.rto?.achievedSeconds,
      rpoSeconds: r.rpo?.worstSeconds,
      rtoTargetMinutes: r.targets?.rtoMinutes,
      rpoTargetMinutes: r.targets?.rpoMinutes,
      prefix: run.prefix,
    });
    newest = r;
    newestPrefix = run.prefix;
  }
  return {
    previous,
    previousDrill: newest
      ? {
          drillId: newest.drillId,
          generatedAt: newest.startedAt ?? newest.generatedAt,
          prefix: newestPrefix,
          findings: newest.findings ?? [],
        }
      : undefined,
    error: problems.length ? problems.join("; ") : undefined,
  };
}

/** Why report.json does not match its run's manifest.sha256, or undefined when it does. */
async function manifestMismatch(container: ContainerClient, prefix: string, reportText: string): Promise<string | undefined> {
  let manifest: string;
  try {
    manifest = await downloadEvidence(container, `${prefix}manifest.sha256`);
  } catch {
    return "no manifest.sha256 beside it";
  }
  const line = manifest.split("\n").find((l) => l.endsWith("  report.json"));
  if (!line) return "manifest.sha256 does not list it";
  const hash = createHash("sha256").update(Buffer.from(reportText, "utf8")).digest("hex");
  return line.startsWith(hash) ? undefined : "its SHA-256 differs from manifest.sha256 (edited after the drill?)";
}
