// The HTML drill report in a real browser (Debian's chromium, headless, via playwright-core): it renders,
// logs no console error, loads nothing from the network, and every timeline bar is as wide as its
// duration in report.json times the timeline's px-per-second.
// The report is re-rendered from a recorded report.json of a full Contoso drill on the twin
// (fixtures/contoso-tier1.report.json: real job timestamps, boot groups, evidence and cleanup).
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { renderHtml, TIMELINE_PX_PER_SECOND_MAX, type DrillReport } from "../../../scripts/report/drillReport";
import { chromiumArgs, ensureChromium, freshUserDataDir } from "./chromium";

const report = JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", "contoso-tier1.report.json"), "utf8")) as DrillReport;

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
    context = await chromium.launchPersistentContext(userDataDir, { executablePath, args, headless: true, viewport: { width: 1280, height: 1000 } });
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
    const span = Math.max(1, ...report.timeline.map((b) => b.end));
    const expectedScale = Math.min(TIMELINE_PX_PER_SECOND_MAX, (900 - 200 - 20) / span);
    const svgScale = Number(await page.getAttribute("#timeline", "data-px-per-second"));
    expect(svgScale).toBeCloseTo(expectedScale, 6);

    const bars = await page.$$eval("#timeline rect.bar", (rects) =>
      rects.map((r) => ({ lane: r.getAttribute("data-lane"), width: r.getBoundingClientRect().width, x: r.getBoundingClientRect().x })),
    );
    const svgLeft = await page.$eval("#timeline", (s) => s.getBoundingClientRect().x);
    expect(bars.map((b) => b.lane)).toEqual(report.timeline.map((b) => b.lane));
    report.timeline.forEach((entry, i) => {
      const duration = entry.end - entry.start;
      // Bars shorter than a pixel (a 0.2 s boot group) are drawn 1 px wide so they stay visible.
      const expected = Math.max(1, duration * expectedScale);
      expect({ lane: entry.lane, width: bars[i].width }).toEqual({ lane: entry.lane, width: expect.closeTo(expected, 0) });
      expect(Math.abs(bars[i].width - expected)).toBeLessThan(0.5);
      expect(Math.abs(bars[i].x - svgLeft - (200 + entry.start * expectedScale))).toBeLessThan(0.5);
    });
    // The real drill's bars are not all clamped: most widths carry the duration.
    expect(report.timeline.filter((b) => (b.end - b.start) * expectedScale > 1).length).toBeGreaterThanOrEqual(5);
  });
});
