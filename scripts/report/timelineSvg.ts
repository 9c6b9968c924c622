// The SVG timeline: one lane per boot group and per VM; a bar from trigger to running, a tick at
// "VM created". Widths = duration × data-px-per-second (at most 4 px/s); bars under a pixel drawn 1 px.
import type { DrillReport } from "./reportSchema";

export const TIMELINE_PX_PER_SECOND_MAX = 4;

const esc = (s: unknown) =>
  String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string);

export const fmtSeconds = (s: number | undefined) => (s === undefined ? "—" : s >= 120 ? `${(s / 60).toFixed(1)} min` : `${Math.round(s)} s`);

export function renderTimelineSvg(r: Pick<DrillReport, "timeline">): string {
  const bars = r.timeline.bars;
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
