/**
 * The run's timeline: connected clients on top, then one row per fault with its window shaded
 * (instant faults as a tick), so a reader sees at a glance what broke when and what it did.
 */
import type { AppliedFault, TimeSeries } from "../../lab/record.ts";
import { esc } from "./escape.ts";
import { CHART_MARGIN, CHART_WIDTH, faultBands, faultLabel, figure, svg, timeAxis } from "./line-chart.ts";
import { axisTime, downsample, linearScale } from "./scale.ts";

const ROW_HEIGHT = 18;
const CLIENTS_HEIGHT = 56;
const CLIENTS_COLOR = "#2b6cb0";

export function timelineChart(faults: readonly AppliedFault[], series: TimeSeries | undefined, xMaxMs: number): string {
  const x = linearScale(xMaxMs, CHART_MARGIN.left, CHART_WIDTH - CHART_MARGIN.right);
  const rowsTop = CHART_MARGIN.top + CLIENTS_HEIGHT + 8;
  const baseline = rowsTop + Math.max(1, faults.length) * ROW_HEIGHT + 4;
  const body = [
    faultBands(faults, x, CHART_MARGIN.top, baseline),
    connectedClientsPath(series, x),
    faults.map((f, i) => faultRow(f, i, rowsTop, x)).join(""),
    faults.length === 0 ? `<text class="axis" x="${CHART_MARGIN.left + 4}" y="${rowsTop + 12}">no faults</text>` : "",
    timeAxis(xMaxMs, x, baseline),
  ].join("");
  const legendHtml = `<ul class="legend"><li><span class="swatch" style="background:${CLIENTS_COLOR}"></span>connected clients</li><li><span class="swatch fault-swatch"></span>fault window</li></ul>`;
  return figure("timeline", "Timeline: faults and connected clients", svg("timeline", "Timeline", baseline + 22, body), legendHtml);
}

function connectedClientsPath(series: TimeSeries | undefined, x: (v: number) => number): string {
  if (!series || series.connectedClients.length === 0) return "";
  const { t, v } = downsample(series.tMs, series.connectedClients, 600);
  const max = Math.max(1, ...v);
  const y = linearScale(max, CHART_MARGIN.top + CLIENTS_HEIGHT, CHART_MARGIN.top);
  const d = t.map((tm, i) => (i === 0 ? `M${x(tm).toFixed(1)} ${y(v[i]!).toFixed(1)}` : `H${x(tm).toFixed(1)}V${y(v[i]!).toFixed(1)}`)).join("");
  const label = `<text class="axis" x="${CHART_MARGIN.left - 6}" y="${CHART_MARGIN.top + 8}" text-anchor="end">${max}</text><text class="axis" x="${CHART_MARGIN.left - 6}" y="${CHART_MARGIN.top + CLIENTS_HEIGHT}" text-anchor="end">0</text>`;
  return `${label}<path class="series" d="${d}" stroke="${CLIENTS_COLOR}"><title>connected clients</title></path>`;
}

function faultRow(fault: AppliedFault, index: number, rowsTop: number, x: (v: number) => number): string {
  const top = rowsTop + index * ROW_HEIGHT;
  const left = x(fault.startMs);
  const width = Math.max(3, x(fault.endMs) - left);
  const text = faultLabel(fault);
  // Label right of the bar when it fits, else left of it (a rough 5.6 px per character at 10.5 px).
  const labelWidth = text.length * 5.6;
  const fitsRight = left + width + 4 + labelWidth <= CHART_WIDTH - CHART_MARGIN.right;
  const anchor = fitsRight ? "start" : "end";
  const labelAt = fitsRight ? left + width + 4 : Math.max(left - 4, labelWidth);
  return (
    `<rect class="fault-bar${fault.skipped ? " skipped" : ""}" x="${left.toFixed(1)}" y="${top + 3}" width="${width.toFixed(1)}" height="${ROW_HEIGHT - 6}"><title>${esc(`${text} (${axisTime(fault.startMs)}-${axisTime(fault.endMs)})`)}</title></rect>` +
    `<text class="fault-label" x="${labelAt.toFixed(1)}" y="${top + 13}" text-anchor="${anchor}">${esc(text)}</text>`
  );
}
