/**
 * The report as a person sees it: index.html opened offline in real headless Chromium. No console
 * errors, the verdict banner, the failures first with their replay commands, the summary table
 * with a column per invariant, every chart of every run drawn (counting its SVG elements), passing
 * runs collapsed and failing ones open, sim and chaos of one seed on the same axes, the presence
 * chart with its ghost, the view across seeds and the fidelity section; a screenshot of the top
 * of the page is checked to be a real, non-blank image. junit.xml is parsed by the browser's XML
 * parser to check its structure.
 */
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeReport } from "../../reports/write-report.ts";
import { BUILD, FAULTS, fidelityRecords, sampleRecords } from "./fixtures.ts";

const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];
const CHART_KINDS = ["timeline", "queue", "divergence", "latency", "recovery", "presence"];

let browser: Browser;
let outDir: string;
let fidelityDir: string;

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), "lfcc-report-browser-"));
  fidelityDir = await mkdtemp(join(tmpdir(), "lfcc-report-fidelity-"));
  await writeReport(sampleRecords(), outDir, { build: BUILD });
  await writeReport(fidelityRecords(), fidelityDir, { build: BUILD });
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
});

afterAll(async () => {
  await browser?.close();
});

async function openReport(dir = outDir): Promise<{ page: Page; problems: string[] }> {
  // Offline: any network request at all would mean the file is not self-contained.
  const context = await browser.newContext({ offline: true, viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("console", (msg) => msg.type() === "error" && problems.push(msg.text()));
  page.on("pageerror", (error) => problems.push(error.message));
  page.on("request", (request) => !request.url().startsWith("file:") && problems.push(`network: ${request.url()}`));
  await page.goto(pathToFileURL(join(dir, "index.html")).href);
  return { page, problems };
}

describe("index.html in headless Chromium", () => {
  it("opens offline with no console errors, draws every chart of every run, and its screenshot is not blank", async () => {
    const { page, problems } = await openReport();
    const runs = await page.$$eval("article.run", (articles) =>
      articles.map((article) => ({
        id: article.id,
        charts: [...article.querySelectorAll("figure.chart")].map((figure) => ({
          kind: figure.getAttribute("data-chart"),
          series: figure.querySelectorAll("svg path.series").length,
          faults: figure.querySelectorAll("svg rect.fault").length,
          bars: figure.querySelectorAll("svg rect.fault-bar").length,
          guides: figure.querySelectorAll("svg line.guide").length,
          beliefs: figure.querySelectorAll("svg rect.belief").length,
          ghosts: figure.querySelectorAll("svg rect.belief.ghost").length,
          deadlines: figure.querySelectorAll("svg line.ghost-deadline").length,
          width: figure.querySelector("svg")!.getBoundingClientRect().width,
        })),
      })),
    );
    expect(runs).toHaveLength(3);
    for (const run of runs) {
      expect(run.charts.map((c) => c.kind)).toEqual(CHART_KINDS);
      for (const chart of run.charts) expect(chart.faults).toBe(FAULTS.length);
      const byKind = Object.fromEntries(run.charts.map((c) => [c.kind, c]));
      expect(byKind.timeline!.bars).toBe(FAULTS.length);
      expect(byKind.timeline!.series).toBe(1); // connected clients
      expect(byKind.queue!.series).toBe(3); // s1..s3
      expect(byKind.queue!.guides).toBe(1); // the shared bound, within the data's scale here
      expect(byKind.divergence!.series).toBe(2); // d1, d2
      expect(byKind.latency!.series).toBe(4); // p50, p90, p99, max
      expect(byKind.recovery!.series).toBe(2);
      // c2 still shows c3 at 50 s, 5 s past its deadline: one ghost segment, one red deadline tick.
      expect(byKind.presence!.ghosts).toBe(1);
      expect(byKind.presence!.deadlines).toBe(1);
      expect(byKind.presence!.beliefs).toBeGreaterThanOrEqual(5);
    }
    // The failing run is open; passing runs are collapsed.
    const visible = await page.$$eval("article.run", (as) => as.map((a) => [a.id, a.closest("details")!.open && a.checkVisibility()]));
    expect(Object.fromEntries(visible)).toEqual({ "run-redis-outage-bounded-queue-7-sim": true, "run-crash-and-partition-1-sim": false, "run-crash-and-partition-1-chaos": false });
    const screenshot = await page.screenshot({ clip: { x: 0, y: 0, width: 1400, height: 900 } });
    expect(screenshot.subarray(1, 4).toString()).toBe("PNG");
    expect(screenshot.length).toBeGreaterThan(20_000); // a blank 1400x900 PNG is a few KB
    await page.screenshot({ path: join(outDir, "report.png"), fullPage: true });
    expect(problems).toEqual([]);
  });

  it("leads with the verdict, the build identity and the failures with their replay commands", async () => {
    const { page } = await openReport();
    const banner = await page.$eval("section.verdict", (el) => ({ verdict: el.getAttribute("data-verdict"), text: el.textContent, color: getComputedStyle(el).backgroundColor }));
    expect(banner.verdict).toBe("fail");
    expect(banner.text).toContain("FAIL");
    expect(banner.text).toContain("3 runs (2 sim, 1 chaos): 2 passed, 1 failed");
    expect(banner.text).toContain("Failing invariants: converge in 1 run, queueBound in 1 run");
    expect(banner.color).toBe("rgb(197, 48, 48)");
    expect(await page.textContent("p.build")).toBe("lfcc 9.9.9-testcommit abc123def456written 2026-01-02 03:04:05 UTChost ci-runner-7Node v20.99.0");
    // Failures come before the table of all runs.
    const order = await page.$$eval("body > h2, body > section", (els) => els.map((el) => el.id || el.className || el.textContent));
    expect(order.indexOf("failures")).toBeLessThan(order.indexOf("All runs"));
    const failure = await page.$eval("#failures li.failure", (li) => ({ text: li.textContent, replay: li.querySelector("pre.replay")?.textContent }));
    expect(failure.replay).toBe("npx lfcc replay lfcc-out/failures/redis-outage-bounded-queue-seed7.json");
    expect(failure.text).toContain(`clocks 40..57 <"&'>`); // escaped, shown as text
  });

  it("shows the summary table failures first, with one column per invariant and the key metrics", async () => {
    const { page } = await openReport();
    const head = await page.$$eval("table.summary thead th", (ths) => ths.map((th) => th.textContent));
    expect(head).toEqual(["scenario", "seed", "mode", "result", "converge", "noDataLoss", "queueBound", "noGhostPresence", "peak queue", "dropped", "p99 latency", "convergence", "reconnects", "replay"]);
    const rows = await page.$$eval("table.summary tbody tr", (trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent?.trim())));
    expect(rows).toEqual([
      ["redis-outage-bounded-queue", "7", "sim", "FAIL", "✗", "✓", "✗", "·", "235", "0", "-", "never", "7", "npx lfcc replay lfcc-out/failures/redis-outage-bounded-queue-seed7.json"],
      ["crash-and-partition", "1", "chaos", "PASS", "✓", "✓", "✓", "✓", "200", "812", "2.2 s", "1.8 s", "7", "npx lfcc chaos scenarios/crash-and-partition.yaml"],
      ["crash-and-partition", "1", "sim", "PASS", "✓", "✓", "✓", "✓", "200", "812", "2.2 s", "1.8 s", "7", "npx lfcc sim crash-and-partition --seed 1"],
    ]);
  });

  it("draws sim and chaos of one seed side by side on the same axes, latency with gaps and in seconds", async () => {
    const { page } = await openReport();
    await page.$$eval("details.seed-group", (ds) => ds.forEach((d) => d.setAttribute("open", "")));
    const boxes = await page.$$eval("section.scenario#scenario-crash-and-partition article.run", (as) => as.map((a) => a.getBoundingClientRect()).map((b) => ({ top: b.top, left: b.left })));
    expect(boxes).toHaveLength(2);
    expect(boxes[0]!.top).toBe(boxes[1]!.top);
    expect(boxes[0]!.left).toBeLessThan(boxes[1]!.left);
    const axes = await page.$$eval("section.scenario#scenario-crash-and-partition article.run figure[data-chart=latency]", (figs) =>
      figs.map((fig) => ({
        ticks: [...fig.querySelectorAll("text.axis")].map((t) => t.textContent),
        unit: fig.querySelector("text.y-label")?.textContent,
        pieces: (fig.querySelector("path.series")?.getAttribute("d")?.match(/M/g) ?? []).length,
      })),
    );
    expect(axes[0]!.ticks).toEqual(axes[1]!.ticks);
    expect(axes[0]!.unit).toBe("s"); // 8 s maxima read as seconds, not "8k" ms
    expect(axes[0]!.pieces).toBe(2); // broken where nothing was delivered (40-44 s)
    const markers = await page.$$eval("#run-crash-and-partition-1-sim figure[data-chart=divergence] text.marker-label", (ts) => ts.map((t) => t.textContent));
    expect(markers).toEqual(["heal", "converged", "deadline"]);
  });

  it("shows the spread across seeds and flags where chaos falls outside the simulator's range", async () => {
    const { page, problems } = await openReport(fidelityDir);
    expect(await page.$$eval("#across-seeds svg.strip circle.seed-dot", (cs) => cs.length)).toBe(3 * 4);
    const flagged = await page.$$eval("table.fidelity-table tr.outside", (trs) => trs.map((tr) => tr.getAttribute("data-metric")));
    expect(flagged).toEqual(["crossServerMessages", "latencyP50", "latencyP90", "latencyP99"]);
    const edits = await page.$eval("table.fidelity-table tr[data-metric=edits]", (tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent));
    expect(edits).toEqual(["edits", "3600 [3595 - 3605]", "3600", "1.00x", ""]);
    expect(problems).toEqual([]);
  });
});

describe("junit.xml", () => {
  it("is well-formed, with one testcase per scenario x seed x mode and failures holding the replay command", async () => {
    const xml = await readFile(join(outDir, "junit.xml"), "utf8");
    const page = await browser.newPage();
    const parsed = await page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, "application/xml");
      const attrs = (el: Element): Record<string, string> => Object.fromEntries([...el.attributes].map((a) => [a.name, a.value]));
      return {
        parseError: doc.querySelector("parsererror")?.textContent ?? null,
        root: attrs(doc.documentElement),
        suites: [...doc.querySelectorAll("testsuite")].map((suite) => ({
          attrs: attrs(suite),
          cases: [...suite.querySelectorAll("testcase")].map((tc) => ({ ...attrs(tc), failure: tc.querySelector("failure")?.getAttribute("message") ?? null, body: tc.querySelector("failure")?.textContent ?? null })),
        })),
      };
    }, xml);
    await page.close();
    expect(parsed.parseError).toBeNull();
    expect(parsed.root).toMatchObject({ name: "lfcc", tests: "3", failures: "1" });
    expect(parsed.suites.map((s) => [s.attrs.name, s.attrs.tests, s.attrs.failures])).toEqual([
      ["lfcc chaos", "1", "0"],
      ["lfcc sim", "2", "1"],
    ]);
    const failing = parsed.suites[1]!.cases.find((c) => c.failure !== null)!;
    expect(failing).toMatchObject({ classname: "sim", name: "redis-outage-bounded-queue seed 7" });
    expect(failing.failure).toBe("violated: converge, queueBound; replay: npx lfcc replay lfcc-out/failures/redis-outage-bounded-queue-seed7.json");
    expect(failing.body).toContain(`converge: d1: final replicas differ`);
    expect(failing.body).toContain(`<"&'>`);
  });
});
