/**
 * The report as a person sees it: index.html opened offline in real headless Chromium. No console
 * errors, every chart of every run drawn (counting its SVG elements), a screenshot saved; and
 * junit.xml parsed by the browser's XML parser to check its structure.
 */
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeReport } from "../../reports/write-report.ts";
import { FAULTS, sampleRecords } from "./fixtures.ts";

const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];
const CHART_KINDS = ["timeline", "queue", "divergence", "latency", "recovery"];

let browser: Browser;
let outDir: string;

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), "lfcc-report-browser-"));
  await writeReport(sampleRecords(), outDir);
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
});

afterAll(async () => {
  await browser?.close();
});

async function openReport(): Promise<{ page: Page; problems: string[] }> {
  // Offline: any network request at all would mean the file is not self-contained.
  const context = await browser.newContext({ offline: true, viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("console", (msg) => msg.type() === "error" && problems.push(msg.text()));
  page.on("pageerror", (error) => problems.push(error.message));
  page.on("request", (request) => !request.url().startsWith("file:") && problems.push(`network: ${request.url()}`));
  await page.goto(pathToFileURL(join(outDir, "index.html")).href);
  return { page, problems };
}

describe("index.html in headless Chromium", () => {
  it("opens offline with no console errors, draws every chart of every run, and saves a screenshot", async () => {
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
          width: figure.querySelector("svg")!.getBoundingClientRect().width,
        })),
      })),
    );
    expect(runs).toHaveLength(3);
    for (const run of runs) {
      expect(run.charts.map((c) => c.kind)).toEqual(CHART_KINDS);
      for (const chart of run.charts) {
        expect(chart.width).toBeGreaterThan(200);
        expect(chart.faults).toBe(FAULTS.length);
      }
      const byKind = Object.fromEntries(run.charts.map((c) => [c.kind, c]));
      expect(byKind.timeline!.bars).toBe(FAULTS.length);
      expect(byKind.timeline!.series).toBe(1); // connected clients
      expect(byKind.queue!.series).toBe(3); // s1..s3
      expect(byKind.queue!.guides).toBe(1); // the shared bound
      expect(byKind.divergence!.series).toBe(2); // d1, d2
      expect(byKind.latency!.series).toBe(4); // p50, p90, p99, max
      expect(byKind.recovery!.series).toBe(2);
    }
    const screenshot = join(outDir, "report.png");
    await page.screenshot({ path: screenshot, fullPage: true });
    expect((await readFile(screenshot)).subarray(1, 4).toString()).toBe("PNG");
    expect(problems).toEqual([]);
  });

  it("shows the summary table with verdicts and replay commands, and sim next to chaos", async () => {
    const { page } = await openReport();
    const rows = await page.$$eval("table.summary tbody tr", (trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent?.trim())));
    expect(rows).toEqual([
      ["crash-and-partition", "1", "chaos", "PASS", "-", "1.8 s", "npx lfcc chaos scenarios/crash-and-partition.yaml"],
      ["crash-and-partition", "1", "sim", "PASS", "-", "1.8 s", "npx lfcc sim crash-and-partition --seed 1"],
      ["redis-outage-bounded-queue", "7", "sim", "FAIL", "converge, queueBound", "-", "npx lfcc replay lfcc-out/failures/redis-outage-bounded-queue-seed7.json"],
    ]);
    // Side by side: the sim and chaos cards of one scenario share a row (same top, different left).
    const boxes = await page.$$eval("section.scenario:first-of-type article.run", (as) => as.map((a) => a.getBoundingClientRect()).map((b) => ({ top: b.top, left: b.left })));
    expect(boxes).toHaveLength(2);
    expect(boxes[0]!.top).toBe(boxes[1]!.top);
    expect(boxes[0]!.left).toBeLessThan(boxes[1]!.left);
    // Escaped, shown as text.
    expect(await page.textContent("body")).toContain(`clocks 40..57 <"&'>`);
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
