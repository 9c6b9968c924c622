// The trend: this stack's last drills from the evidence store (oldest first, then this one), a regression
// check against the previous drill, and the SVG chart of RTO and RPO over time against their targets.
import type { TrendEntry } from "./reportSchema";

export interface Regression {
  metric: "RTO" | "RPO";
  previousSeconds: number;
  currentSeconds: number;
  percent: number;
}

/** RTO or RPO worse than the previous drill's by more than the margin (percent of the previous value). */
export function regressions(drills: TrendEntry[], marginPercent: number): Regression[] {
  const current = drills.find((d) => d.current);
  const previous = drills.filter((d) => !d.current).pop();
  if (!current || !previous) return [];
  const out: Regression[] = [];
  for (const [metric, key] of [
    ["RTO", "rtoSeconds"],
    ["RPO", "rpoSeconds"],
  ] as const) {
    const before = previous[key];
    const now = current[key];
    if (before === undefined || now === undefined || before <= 0) continue;
    const percent = ((now - before) / before) * 100;
    if (percent > marginPercent) out.push({ metric, previousSeconds: before, currentSeconds: now, percent: Math.round(percent * 10) / 10 });
  }
  return out;
}

const esc = (s: unknown) =>
  String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string);

export const TREND_CHART = { width: 900, height: 220, left: 70, right: 50, top: 24, bottom: 40 };

/**
 * Two panels side by side (RTO, RPO): one point per drill (x = drill order, so drills months apart stay
 * readable), y in minutes from 0 to the larger of the values and the target; the target as a dashed line.
 * Each point carries data-* attributes with its values, so a test can check its position.
 */
export function renderTrendSvg(drills: TrendEntry[]): string {
  const { width, height, left, right, top, bottom } = TREND_CHART;
  const panelWidth = (width - left - right) / 2 - 30;
  const plotHeight = height - top - bottom;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" id="trend" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="RTO and RPO over the last drills">`,
  ];
  const panels = [
    { metric: "RTO", key: "rtoSeconds", target: "rtoTargetMinutes" },
    { metric: "RPO", key: "rpoSeconds", target: "rpoTargetMinutes" },
  ] as const;
  panels.forEach((panel, p) => {
    const x0 = left + p * (panelWidth + 60);
    const values = drills
      .map((d) => d[panel.key])
      .filter((v): v is number => v !== undefined)
      .map((s) => s / 60);
    const targets = drills.map((d) => d[panel.target]).filter((v): v is number => v !== undefined);
    const target = drills.filter((d) => d[panel.target] !== undefined).pop()?.[panel.target];
    const maxMinutes = Math.max(1, ...values, ...targets) * 1.1;
    const yOf = (minutes: number) => top + plotHeight - (minutes / maxMinutes) * plotHeight;
    const xOf = (i: number) => x0 + (drills.length <= 1 ? panelWidth / 2 : (i / (drills.length - 1)) * panelWidth);
    parts.push(
      `<g class="panel" data-metric="${panel.metric}" data-max-minutes="${maxMinutes}" data-x0="${x0}" data-width="${panelWidth}" data-top="${top}" data-plot-height="${plotHeight}">`,
      `<text x="${x0}" y="14" font-size="12" font-weight="bold">${panel.metric} (minutes)</text>`,
      `<line x1="${x0}" x2="${x0}" y1="${top}" y2="${top + plotHeight}" stroke="#888"/>`,
      `<line x1="${x0}" x2="${x0 + panelWidth}" y1="${top + plotHeight}" y2="${top + plotHeight}" stroke="#888"/>`,
      `<text x="${x0 - 6}" y="${top + plotHeight}" font-size="10" text-anchor="end">0</text>`,
      `<text x="${x0 - 6}" y="${top + 10}" font-size="10" text-anchor="end">${esc(maxMinutes.toFixed(1))}</text>`,
    );
    if (target !== undefined) {
      const y = yOf(target).toFixed(2);
      parts.push(
        `<line class="target" data-metric="${panel.metric}" data-target-minutes="${target}" x1="${x0}" x2="${x0 + panelWidth}" y1="${y}" y2="${y}" stroke="#c0392b" stroke-dasharray="6 4"><title>${panel.metric} target ${esc(target)} min</title></line>`,
        `<text x="${x0 + panelWidth}" y="${(Number(y) - 4).toFixed(2)}" font-size="10" text-anchor="end" fill="#c0392b">target ${esc(target)} min</text>`,
      );
    }
    const pts = drills
      .map((d, i) => ({ d, i, v: d[panel.key] }))
      .filter((x): x is { d: TrendEntry; i: number; v: number } => x.v !== undefined);
    if (pts.length > 1) {
      parts.push(
        `<polyline fill="none" stroke="#34495e" stroke-width="1.5" points="${pts.map((x) => `${xOf(x.i).toFixed(2)},${yOf(x.v / 60).toFixed(2)}`).join(" ")}"/>`,
      );
    }
    for (const x of pts) {
      const fill = x.d.verdict === "passed" ? "#2e8b57" : "#c0392b";
      parts.push(
        `<circle class="point" data-metric="${panel.metric}" data-drill="${esc(x.d.drillId)}" data-generated-at="${esc(x.d.generatedAt)}" data-index="${x.i}" data-minutes="${x.v / 60}" cx="${xOf(x.i).toFixed(2)}" cy="${yOf(x.v / 60).toFixed(2)}" r="${x.d.current ? 6 : 4}" fill="${fill}"${x.d.current ? ' stroke="#1b1b1b" stroke-width="2"' : ""}><title>${esc(x.d.generatedAt.slice(0, 10))} ${esc(x.d.drillId)}: ${panel.metric} ${(x.v / 60).toFixed(1)} min (${esc(x.d.verdict)})</title></circle>`,
      );
    }
    drills.forEach((d, i) => {
      parts.push(
        `<text x="${xOf(i).toFixed(2)}" y="${top + plotHeight + 14}" font-size="9" text-anchor="middle">${esc(d.generatedAt.slice(0, 10))}</text>`,
      );
    });
    parts.push("</g>");
  });
  parts.push("</svg>");
  return parts.join("");
}
