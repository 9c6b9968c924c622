// The HTML drill report in a real browser (Debian's chromium, headless, via playwright-core): it renders,
// logs no console error, loads nothing from the network, every timeline bar is as wide as its duration in
// report.json times the timeline's px-per-second, and the trend chart puts each drill's RTO and RPO where
// its value and the target put them.
// The report is re-rendered from a recorded report.json (schema v2) of the second of two Contoso drills
// on the twin (fixtures/contoso-tier1.report.json, kept by tests/e2e/drillEvidence.test.ts with
// DRILL_EVIDENCE_FIXTURE: real job timestamps, boot groups, evidence, cleanup and a two-drill trend).
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { composeReport, renderHtml, TIMELINE_PX_PER_SECOND_MAX, type DrillReport } from "../../../scripts/report/drillReport";
import { validateReport } from "../../../scripts/report/reportSchema";
import { TREND_CHART } from "../../../scripts/report/trend";
import { chromiumArgs, ensureChromium, freshUserDataDir } from "./chromium";
import { largeDrill, startRecord } from "./reportFixtures";

const report: DrillReport = validateReport(
  JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", "contoso-tier1.report.json"), "utf8")),
);

describe("drill report HTML in headless chromium", () => {
  let context: BrowserContext;
  let page: Page;
  let userDataDir: string;
  const consoleErrors: string[] = [];
  const requests: string[] = [];
  let htmlFile: string;

  beforeAll(async () => {
    const executablePath = ensureChromium();
    userDataDir = freshUserDataDir();
    // --user-data-dir is given through launchPersistentContext (playwright refuses it in args).
    const args = chromiumArgs(userDataDir).filter((a) => !a.startsWith("--user-data-dir"));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath,
      args,
      headless: true,
      viewport: { width: 1280, height: 1000 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on("console", (m) => {
      if (m.type() === "error") consoleErrors.push(m.text());
    });
    page.on("pageerror", (e) => consoleErrors.push(`pageerror: ${e.message}`));
    page.on("request", (r) => requests.push(r.url()));
    htmlFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "failover-drill-report-")), "report.html");
    fs.writeFileSync(htmlFile, renderHtml(report));
    await page.goto(`file://${htmlFile}`, { waitUntil: "load" });
  }, 900_000);

  afterAll(async () => {
    await context?.close();
    if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
    if (htmlFile) fs.rmSync(path.dirname(htmlFile), { recursive: true, force: true });
  });

  it("renders the verdict, the VM table, the notes, the cleanup and the evidence without console errors", async () => {
    expect(await page.title()).toBe(`DR drill ${report.drillId}: ${report.verdict}`);
    expect((await page.textContent("#verdict"))?.trim()).toBe(report.verdict.toUpperCase());
    const vms = report.testFailovers.flatMap((f) => f.vms.map((v) => v.friendlyName));
    expect(await page.locator("#vms tbody tr").count()).toBe(vms.length);
    for (const name of vms) expect(await page.locator("#vms").textContent()).toContain(name);
    expect((await page.textContent("#notes"))?.trim()).toBe(report.notes.trim());
    expect(await page.textContent("#cleanup")).toContain("nothing left");
    expect(await page.textContent("#evidence")).toContain(report.evidence!.prefix);
    // The embedded JSON round-trips to the same report.
    expect(JSON.parse((await page.textContent("#report-data")) ?? "null")).toEqual(report);
    expect(consoleErrors).toEqual([]);
    // Self-contained: the page itself is the only thing loaded.
    expect(requests.filter((u) => !u.startsWith("file://"))).toEqual([]);
  });

  it("draws one bar per timeline entry, each as wide as duration × px-per-second", async () => {
    const span = Math.max(1, ...report.timeline.bars.map((b) => b.end));
    const expectedScale = Math.min(TIMELINE_PX_PER_SECOND_MAX, (900 - 200 - 20) / span);
    const svgScale = Number(await page.getAttribute("#timeline", "data-px-per-second"));
    expect(svgScale).toBeCloseTo(expectedScale, 6);

    const bars = await page.$$eval("#timeline rect.bar", (rects) =>
      rects.map((r) => ({ lane: r.getAttribute("data-lane"), width: r.getBoundingClientRect().width, x: r.getBoundingClientRect().x })),
    );
    const svgLeft = await page.$eval("#timeline", (s) => s.getBoundingClientRect().x);
    expect(bars.map((b) => b.lane)).toEqual(report.timeline.bars.map((b) => b.lane));
    report.timeline.bars.forEach((entry, i) => {
      const duration = entry.end - entry.start;
      // Bars shorter than a pixel (a 0.2 s boot group) are drawn 1 px wide so they stay visible.
      const expected = Math.max(1, duration * expectedScale);
      expect({ lane: entry.lane, width: bars[i].width }).toEqual({ lane: entry.lane, width: expect.closeTo(expected, 0) });
      expect(Math.abs(bars[i].width - expected)).toBeLessThan(0.5);
      expect(Math.abs(bars[i].x - svgLeft - (200 + entry.start * expectedScale))).toBeLessThan(0.5);
    });
    // The real drill's bars are not all clamped: most widths carry the duration.
    expect(report.timeline.bars.filter((b) => (b.end - b.start) * expectedScale > 1).length).toBeGreaterThanOrEqual(5);
  });

  it("draws the trend: one point per drill and metric at its value, the current drill marked, the targets as lines", async () => {
    const drills = report.trend.drills;
    expect(drills.length).toBeGreaterThanOrEqual(2);
    expect(drills.filter((d) => d.current)).toHaveLength(1);
    const panels = await page.$$eval("#trend g.panel", (gs) =>
      gs.map((g) => ({
        metric: g.getAttribute("data-metric"),
        maxMinutes: Number(g.getAttribute("data-max-minutes")),
        x0: Number(g.getAttribute("data-x0")),
        width: Number(g.getAttribute("data-width")),
        top: Number(g.getAttribute("data-top")),
        plotHeight: Number(g.getAttribute("data-plot-height")),
      })),
    );
    expect(panels.map((p) => p.metric)).toEqual(["RTO", "RPO"]);
    const svg = await page.$eval("#trend", (s) => ({
      x: s.getBoundingClientRect().x,
      y: s.getBoundingClientRect().y,
      w: s.getBoundingClientRect().width,
    }));
    expect(svg.w).toBeCloseTo(TREND_CHART.width, 0);
    const points = await page.$$eval("#trend circle.point", (cs) =>
      cs.map((c) => {
        const b = c.getBoundingClientRect();
        return {
          metric: c.getAttribute("data-metric"),
          index: Number(c.getAttribute("data-index")),
          cx: b.x + b.width / 2,
          cy: b.y + b.height / 2,
          r: b.width / 2,
        };
      }),
    );
    for (const panel of panels) {
      const key = panel.metric === "RTO" ? "rtoSeconds" : "rpoSeconds";
      const expected = drills.map((d, i) => ({ d, i })).filter(({ d }) => d[key] !== undefined);
      const mine = points.filter((p) => p.metric === panel.metric);
      expect(mine.map((p) => p.index)).toEqual(expected.map((e) => e.i));
      // Every value fits the axis, and so does the target.
      const target = drills[drills.length - 1][panel.metric === "RTO" ? "rtoTargetMinutes" : "rpoTargetMinutes"]!;
      expect(panel.maxMinutes).toBeGreaterThanOrEqual(Math.max(target, ...expected.map((e) => e.d[key]! / 60)));
      expected.forEach(({ d, i }, n) => {
        const x = svg.x + panel.x0 + (drills.length <= 1 ? panel.width / 2 : (i / (drills.length - 1)) * panel.width);
        const y = svg.y + panel.top + panel.plotHeight - (d[key]! / 60 / panel.maxMinutes) * panel.plotHeight;
        expect(Math.abs(mine[n].cx - x)).toBeLessThan(0.5);
        expect(Math.abs(mine[n].cy - y)).toBeLessThan(0.5);
        // The current drill is drawn larger.
        expect(mine[n].r).toBeCloseTo(d.current ? 6 : 4, 0);
      });
      const line = await page.$eval(`#trend line.target[data-metric="${panel.metric}"]`, (l) => ({
        y: l.getBoundingClientRect().y,
        minutes: Number(l.getAttribute("data-target-minutes")),
      }));
      expect(line.minutes).toBe(target);
      expect(Math.abs(line.y - (svg.y + panel.top + panel.plotHeight - (target / panel.maxMinutes) * panel.plotHeight))).toBeLessThan(1);
    }
    // The table beside the chart lists the same drills.
    expect(await page.locator("#trend-table tbody tr").count()).toBe(drills.length);
    expect(consoleErrors).toEqual([]);
    expect(requests.filter((u) => !u.startsWith("file://"))).toEqual([]);
  });

  it("shows the v2 evidence sections: identity, targets fixed before the run, isolation, findings, empty sign-off", async () => {
    expect(await page.textContent("#identity")).toContain(report.identity.gitCommit);
    expect(await page.textContent("#targets")).toContain(report.targets.recordedAt);
    expect((await page.textContent("#dns-servers"))?.trim()).toBe(report.isolation!.dnsServers.join(", "));
    expect((await page.textContent("#peerings"))?.trim()).toBe("none");
    expect(await page.locator("#findings tbody tr").count()).toBe(report.findings.length);
    expect(await page.locator("#preconditions tbody tr").count()).toBe(report.preconditions.length);
    const blanks = await page.$$eval("#sign-off span.blank", (s) =>
      s.map((x) => ({ text: x.textContent, width: x.getBoundingClientRect().width })),
    );
    expect(blanks).toHaveLength(5);
    for (const b of blanks) expect(b).toEqual({ text: "", width: expect.any(Number) });
    for (const b of blanks) expect(b.width).toBeGreaterThan(100);
  });
});

// A generated 1,000-VM drill (10 plans × 100 VMs in boot groups of 25, plus the AD/DNS copy, 7 checks per
// VM): the page renders without console errors, opens at one lane per test failover, and once every
// <details> is opened each bar — test failover, group, VM — is as wide as its duration in report.json
// times the one scale, at its start on the shared axis.
describe("a 1,000-VM drill report in headless chromium", () => {
  let context: BrowserContext;
  let page: Page;
  let userDataDir: string;
  let htmlFile: string;
  const consoleErrors: string[] = [];
  const requests: string[] = [];
  const big: DrillReport = composeReport({
    start: {
      ...startRecord(),
      configuredScope: { recoveryPlans: Array.from({ length: 10 }, (_, i) => `rp-synthetic-${i + 1}`), directoryCopy: ["DC01"] },
    },
    failovers: largeDrill({ plans: 10, perPlan: 100, checks: 7, failing: ["VM00042"] }),
    policies: [],
    upSucceeded: true,
    upOutput: "",
  });
  const html = renderHtml(big);

  beforeAll(async () => {
    const executablePath = ensureChromium();
    userDataDir = freshUserDataDir();
    const args = chromiumArgs(userDataDir).filter((a) => !a.startsWith("--user-data-dir"));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath,
      args,
      headless: true,
      viewport: { width: 1280, height: 1000 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on("console", (m) => {
      if (m.type() === "error") consoleErrors.push(m.text());
    });
    page.on("pageerror", (e) => consoleErrors.push(`pageerror: ${e.message}`));
    page.on("request", (r) => requests.push(r.url()));
    htmlFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "failover-drill-report-1000-")), "report.html");
    fs.writeFileSync(htmlFile, html);
    await page.goto(`file://${htmlFile}`, { waitUntil: "load" });
  }, 900_000);

  afterAll(async () => {
    await context?.close();
    if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
    if (htmlFile) fs.rmSync(path.dirname(htmlFile), { recursive: true, force: true });
  });

  it("is under 1.5 MB, renders the verdict and one row per VM, without console errors or requests", async () => {
    expect(Buffer.byteLength(html)).toBeLessThan(1.5 * 1024 * 1024);
    expect((await page.textContent("#verdict"))?.trim()).toBe("FAILED");
    expect(await page.locator("#vms tbody tr").count()).toBe(1001);
    expect(await page.locator("#vms").textContent()).toContain("6/7 ✘");
    expect(consoleErrors).toEqual([]);
    expect(requests.filter((u) => !u.startsWith("file://"))).toEqual([]);
  });

  it("opens at one lane per test failover; VM lanes are folded until a group is opened", async () => {
    // checkVisibility: false inside a closed <details> (its content is not rendered).
    const visible = async (sel: string) => page.$$eval(sel, (els) => els.filter((e) => e.checkVisibility()).length);
    expect(await visible("#timeline rect.bar.failover")).toBe(11);
    expect(await visible("#timeline rect.bar.vm")).toBe(0);
    // The axis ticks every minute over the ~6-minute drill, labelled in minutes.
    const ticks = await page.$$eval("#timeline text.tick-label", (ts) => ts.map((t) => t.textContent));
    expect(ticks.slice(0, 3)).toEqual(["0 s", "1 min", "2 min"]);
  });

  it("with every group opened, each bar is duration × px-per-second wide at its start, as report.json says", async () => {
    await page.$$eval("#timeline details", (ds) => ds.forEach((d) => d.setAttribute("open", "")));
    const scale = Number(await page.getAttribute("#timeline", "data-px-per-second"));
    const span = Math.max(...big.timeline.bars.map((b) => b.end));
    expect(scale).toBeCloseTo(Math.min(TIMELINE_PX_PER_SECOND_MAX, (900 - 200 - 20) / span), 6);
    const drawn = await page.$$eval("#timeline rect.bar", (rects) =>
      rects.map((r) => {
        const own = r.closest("svg")!.getBoundingClientRect();
        const b = r.getBoundingClientRect();
        const tfo = r.closest("details.tfo")!.getAttribute("data-test-failover");
        return { key: `${tfo} ${r.getAttribute("data-lane")}`, width: b.width, x: b.x - own.x, visible: r.checkVisibility() };
      }),
    );
    expect(drawn).toHaveLength(big.timeline.bars.length);
    expect(drawn.every((d) => d.visible)).toBe(true);
    // Group lanes repeat across plans ("plan: Group 1: Start"): a bar is its test failover and lane.
    const byKey = new Map(drawn.map((d) => [d.key, d]));
    expect(byKey.size).toBe(big.timeline.bars.length);
    for (const bar of big.timeline.bars) {
      const d = byKey.get(`${bar.testFailover} ${bar.lane}`)!;
      expect(Math.abs(d.width - Math.max(1, (bar.end - bar.start) * scale))).toBeLessThan(0.5);
      expect(Math.abs(d.x - (200 + bar.start * scale))).toBeLessThan(0.5);
    }
    expect(consoleErrors).toEqual([]);
  });
});
