// The timeline: one lane per test failover, its groups folded under it (boot groups of a plan, or each
// item's job) and each group's VMs folded under the group — `<details>`, so a 1,000-VM drill opens at a
// dozen lanes and needs no script. Every lane shares one time axis (ticks at a sensible unit: 5 s ... 6 h)
// and one scale: a bar is duration × data-px-per-second wide (at most 4 px/s), bars under a pixel 1 px.
import type { DrillReport, TimelineBar } from "./reportSchema";

export const TIMELINE_PX_PER_SECOND_MAX = 4;
export const TIMELINE_WIDTH = 900;
export const TIMELINE_LABEL_WIDTH = 200;
/** Groups open by default while the drill has at most this many VMs (the Contoso drill opens fully). */
const OPEN_GROUPS_UP_TO_VMS = 30;
/** Test failovers open by default while the drill has at most this many groups. */
const OPEN_FAILOVERS_UP_TO_GROUPS = 60;
const LANE = 22;

const esc = (s: unknown) =>
  String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string);

export const fmtSeconds = (s: number | undefined) =>
  s === undefined ? "—" : s >= 120 ? `${(s / 60).toFixed(1)} min` : `${Math.round(s)} s`;

/** The scale every lane uses: the whole drill fits the drawing width, never more than 4 px a second. */
export function timelineScale(bars: Pick<TimelineBar, "end">[]): number {
  const span = Math.max(1, ...bars.map((b) => b.end));
  return Math.min(TIMELINE_PX_PER_SECOND_MAX, (TIMELINE_WIDTH - TIMELINE_LABEL_WIDTH - 20) / span);
}

const STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];

/** Tick step (seconds): the smallest sensible unit that gives at most `maxTicks` intervals over the span. */
export function tickStep(spanSeconds: number, maxTicks = 10): number {
  return STEPS.find((s) => spanSeconds / s <= maxTicks) ?? Math.ceil(spanSeconds / maxTicks / 86400) * 86400;
}

/** "45 s", "5 min", "1 h 30 min": a tick label in the step's own unit. */
export function fmtElapsed(t: number): string {
  if (t < 60) return `${t} s`;
  if (t < 3600) return t % 60 === 0 ? `${t / 60} min` : `${Math.floor(t / 60)} min ${t % 60} s`;
  const h = Math.floor(t / 3600);
  const m = Math.round((t % 3600) / 60);
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

function axis(span: number, scale: number, t0: string | undefined): string {
  const step = tickStep(span);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="axis" width="${TIMELINE_WIDTH}" height="${LANE}" role="img" aria-label="time since the first trigger">`,
  ];
  const clock = t0 ? ` (${esc(t0.slice(11, 19))} UTC)` : "";
  parts.push(`<text x="${TIMELINE_LABEL_WIDTH - 8}" y="14" text-anchor="end">since first trigger${clock}</text>`);
  for (let t = 0; t <= span + 1e-9; t += step) {
    const x = TIMELINE_LABEL_WIDTH + t * scale;
    parts.push(
      `<line class="tick" x1="${x.toFixed(2)}" x2="${x.toFixed(2)}" y1="16" y2="${LANE}"/><text class="tick-label" x="${x.toFixed(2)}" y="12" text-anchor="middle" data-seconds="${t}">${esc(fmtElapsed(t))}</text>`,
    );
  }
  parts.push("</svg>");
  return parts.join("");
}

const CLASS: Record<TimelineBar["kind"], string> = { testFailover: "failover", group: "group", vm: "vm" };

// A VM lane is drawn lean (its colour, font and the created tick come from the page's CSS, its test
// failover from the enclosing <details data-test-failover>): 1,000 of them stay well under 1.5 MB.
function barShapes(b: TimelineBar, y: number, scale: number, label: string): string {
  const x = TIMELINE_LABEL_WIDTH + b.start * scale;
  const w = Math.max(1, (b.end - b.start) * scale);
  const vm = b.kind === "vm";
  let out = `<text x="${TIMELINE_LABEL_WIDTH - 8}" y="${y + 13}" text-anchor="end">${label}</text>`;
  const cls = `bar ${CLASS[b.kind]}${vm ? (b.passed ? " ok" : " ko") : ""}`;
  const data = `data-lane="${esc(b.lane)}"${!vm && b.testFailover ? ` data-test-failover="${esc(b.testFailover)}"` : ""} data-start-seconds="${b.start}" data-duration-seconds="${b.end - b.start}"`;
  out += vm
    ? `<rect class="${cls}" x="${x.toFixed(2)}" y="${y + 2}" width="${w.toFixed(2)}" height="16" ${data}/>`
    : `<rect class="${cls}" x="${x.toFixed(2)}" y="${y + 2}" width="${w.toFixed(2)}" height="16" ${data}><title>${esc(b.lane)}: ${esc(fmtSeconds(b.end - b.start))}</title></rect>`;
  if (b.created !== undefined)
    out += `<line class="created" x1="${(TIMELINE_LABEL_WIDTH + b.created * scale).toFixed(2)}" x2="${(TIMELINE_LABEL_WIDTH + b.created * scale).toFixed(2)}" y1="${y}" y2="${y + 20}"/>`;
  return out;
}

/** The page CSS the timeline's lean shapes take their look from (renderHtml inlines it). */
export const TIMELINE_CSS =
  ".timeline text{font-size:12px}.timeline text.tick-label{font-size:10px}.timeline rect.failover{fill:#5b6f8f}.timeline rect.group{fill:#8a9bb5}" +
  ".timeline rect.vm.ok{fill:#2e8b57}.timeline rect.vm.ko{fill:#c0392b}.timeline line.created{stroke:#1b1b1b;stroke-width:2}.timeline line.tick{stroke:#555}";

/** One SVG holding `bars` as consecutive lanes. */
function lanes(bars: TimelineBar[], scale: number, label: (b: TimelineBar) => string): string {
  const h = bars.length * LANE;
  return `<svg xmlns="http://www.w3.org/2000/svg" class="lanes" width="${TIMELINE_WIDTH}" height="${h}">${bars.map((b, i) => barShapes(b, i * LANE, scale, label(b))).join("")}</svg>`;
}

const short = (s: string, n = 28) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

export function renderTimelineSvg(r: Pick<DrillReport, "timeline"> & { rto?: { from?: string } }): string {
  const bars = r.timeline.bars;
  const scale = timelineScale(bars);
  const span = Math.max(1, ...bars.map((b) => b.end));
  const vmCount = bars.filter((b) => b.kind === "vm").length;
  const groupCount = bars.filter((b) => b.kind === "group").length;
  const out: string[] = [
    `<div id="timeline" class="timeline" data-px-per-second="${scale}" data-label-width="${TIMELINE_LABEL_WIDTH}">`,
    axis(span, scale, r.rto?.from),
  ];
  // Bars of older reports carry no testFailover: they are drawn as one flat list.
  const failovers = bars.filter((b) => b.kind === "testFailover");
  if (failovers.length === 0 && bars.length > 0) out.push(lanes(bars, scale, (b) => esc(short(b.lane))));
  for (const f of failovers) {
    const mine = bars.filter((b) => b.testFailover === f.testFailover && b.kind !== "testFailover");
    const groups = mine.filter((b) => b.kind === "group");
    const vms = mine.filter((b) => b.kind === "vm");
    const vmsOf = (g: TimelineBar) => vms.filter((v) => v.group === g.lane);
    const loose = vms.filter((v) => !v.group || !groups.some((g) => g.lane === v.group));
    const count = `${vms.length} VM${vms.length === 1 ? "" : "s"}`;
    out.push(
      `<details class="tfo" data-test-failover="${esc(f.testFailover ?? "")}"${groupCount <= OPEN_FAILOVERS_UP_TO_GROUPS ? " open" : ""}><summary>${lanes([f], scale, (b) => `${esc(short(b.lane, 20))} (${count})`)}</summary>`,
    );
    for (const g of groups) {
      const inside = vmsOf(g);
      if (inside.length === 0) {
        out.push(`<div class="lane">${lanes([g], scale, (b) => esc(short(b.lane)))}</div>`);
        continue;
      }
      out.push(
        `<details class="group"${vmCount <= OPEN_GROUPS_UP_TO_VMS ? " open" : ""}><summary>${lanes([g], scale, (b) => `${esc(short(b.lane, 22))} (${inside.length})`)}</summary>${lanes(inside, scale, (b) => esc(short(b.lane)))}</details>`,
      );
    }
    if (loose.length) out.push(lanes(loose, scale, (b) => esc(short(b.lane))));
    out.push("</details>");
  }
  out.push("</div>");
  return out.join("");
}
