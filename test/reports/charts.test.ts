import { describe, expect, it } from "vitest";
import { runCharts } from "../../reports/html/run-charts.ts";
import { downsample, niceTicks } from "../../reports/html/scale.ts";
import { runRecord } from "./fixtures.ts";

const count = (html: string, pattern: RegExp): number => html.match(pattern)?.length ?? 0;

describe("chart building blocks", () => {
  it("downsampling keeps every bucket's peak, so a one-sample overflow survives", () => {
    const tMs = Array.from({ length: 10_000 }, (_, i) => i);
    const values = tMs.map((t) => (t === 7_777 ? 999 : t % 7));
    const { t, v } = downsample(tMs, values, 600);
    expect(v).toHaveLength(600);
    expect(Math.max(...v)).toBe(999);
    expect(t[v.indexOf(999)]).toBe(7_777);
  });

  it("picks round ticks that cover the maximum", () => {
    expect(niceTicks(230)).toEqual([0, 100, 200, 300]);
    expect(niceTicks(0)).toEqual([0, 1]);
    expect(niceTicks(75_000, 6)).toEqual([0, 20_000, 40_000, 60_000, 80_000]);
  });
});

describe("run charts", () => {
  it("scales the queue chart to the data and names a bound far above it instead of flattening the data", () => {
    const record = runRecord({ scenario: "x", seed: 1, mode: "sim" });
    const series = { ...record.timeSeries!, queueBound: { s1: 10_000, s2: 10_000, s3: 10_000 } };
    const html = runCharts({ ...record, timeSeries: series });
    const queue = html.slice(html.indexOf('data-chart="queue"'), html.indexOf('data-chart="divergence"'));
    expect(queue).toContain("↑ bound 10000 (above this scale)");
    expect(count(queue, /class="guide"/g)).toBe(0);
    const ticks = [...queue.matchAll(/text-anchor="end">(\d+)<\/text>/g)].map((m) => Number(m[1]));
    expect(Math.max(...ticks)).toBeLessThan(400); // the data peak is 200, not 10,000
  });

  it("keeps a bound the data reaches on the scale, as a dashed line", () => {
    const html = runCharts(runRecord({ scenario: "x", seed: 1, mode: "sim" }));
    const queue = html.slice(html.indexOf('data-chart="queue"'), html.indexOf('data-chart="divergence"'));
    expect(count(queue, /class="guide"/g)).toBe(1);
    expect(queue).not.toContain("above this scale");
  });

  it("breaks the latency lines where a window delivered nothing, even in records without counts", () => {
    const record = runRecord({ scenario: "x", seed: 1, mode: "sim" });
    for (const series of [record.timeSeries!, { ...record.timeSeries!, deliveryLatencyMs: { ...record.timeSeries!.deliveryLatencyMs, count: undefined } }]) {
      const html = runCharts({ ...record, timeSeries: series });
      const latency = html.slice(html.indexOf('data-chart="latency"'), html.indexOf('data-chart="recovery"'));
      const p50 = /<path class="series" d="([^"]+)"/.exec(latency)![1]!;
      expect(p50.match(/M/g)).toHaveLength(2);
    }
  });

  it("draws only the timeline and presence, and says so, for a run without time series", () => {
    const html = runCharts(runRecord({ scenario: "x", seed: 1, mode: "chaos", timeSeries: undefined }));
    expect(count(html, /<figure class="chart"/g)).toBe(2);
    expect(html).toContain("No time series recorded for this run.");
  });

  it("draws a run without faults with no fault shading and a 'no faults' note", () => {
    const html = runCharts(runRecord({ scenario: "x", seed: 1, mode: "sim", faults: [] }));
    expect(count(html, /<figure class="chart"/g)).toBe(6);
    expect(count(html, /class="fault/g)).toBe(0);
    expect(html).toContain("no faults");
  });

  it("says 'no samples recorded' in a chart whose series are all empty, instead of drawing nothing", () => {
    const record = runRecord({ scenario: "x", seed: 1, mode: "chaos" });
    const empty = { p50: [], p90: [], p99: [], max: [] };
    const html = runCharts({ ...record, timeSeries: { ...record.timeSeries!, deliveryLatencyMs: empty } });
    const latency = html.slice(html.indexOf('data-chart="latency"'), html.indexOf('data-chart="recovery"'));
    expect(latency).toContain("no samples recorded");
    expect(count(latency, /class="series"/g)).toBe(0);
  });
});
