/**
 * One SVG line chart with fault windows shaded behind the data (Jepsen style): the building block
 * of every per-run chart. Pure string output, no script: the report works with JS disabled.
 * Drawn elements carry classes the browser test counts: rect.fault, path.series, line.guide.
 */
import type { AppliedFault } from "../../lab/record.ts";
import { esc } from "./escape.ts";
import { axisTime, downsample, linearScale, niceTicks, type Scale } from "./scale.ts";

export interface Series {
  name: string;
  values: readonly number[];
  color: string;
  /** Hold each value until the next sample (counts, distinct states) instead of interpolating. */
  stepped?: boolean;
}

export interface Guide {
  value: number;
  label: string;
  color: string;
}

export interface LineChartSpec {
  kind: string;
  title: string;
  yLabel: string;
  tMs: readonly number[];
  xMaxMs: number;
  series: Series[];
  faults: readonly AppliedFault[];
  guides?: Guide[];
  /** Vertical markers at moments that matter for reading the chart (heal, converge deadline). */
  markers?: Marker[];
  /**
   * Top of the y scale before rounding to a nice tick (sim and chaos of one seed share it). By
   * default the data's maximum: a guide far above the data (a queue bound of 10,000 over a peak of
   * 128) is then named at the top instead of flattening the data to a line at zero.
   */
  yMax?: number;
  /** Counts: no fractional ticks. */
  integer?: boolean;
}

export interface Marker {
  atMs: number;
  label: string;
}

export const CHART_WIDTH = 600;
const HEIGHT = 190;
const MARGIN = { left: 46, right: 14, top: 12, bottom: 26 };
const MAX_POINTS = 600;

export function lineChart(spec: LineChartSpec): string {
  const x = linearScale(spec.xMaxMs, MARGIN.left, CHART_WIDTH - MARGIN.right);
  const yMax = spec.yMax ?? seriesMax(spec.series);
  const yTicks = niceTicks(Math.max(yMax, 1e-9) * 1.05, 4, spec.integer ? 1 : 0);
  const yTop = yTicks[yTicks.length - 1]!;
  const y = linearScale(yTop, HEIGHT - MARGIN.bottom, MARGIN.top);
  const guides = spec.guides ?? [];
  const body = [
    faultBands(spec.faults, x, MARGIN.top, HEIGHT - MARGIN.bottom),
    yAxis(yTicks, y, spec.yLabel),
    timeAxis(spec.xMaxMs, x, HEIGHT - MARGIN.bottom),
    ...guides.filter((g) => g.value <= yTop).map((g) => guideLine(g, y)),
    ...guides.filter((g) => g.value > yTop).map((g, i) => guideAboveScale(g, i)),
    ...(spec.markers ?? []).filter((m) => m.atMs >= 0 && m.atMs <= spec.xMaxMs).map((m, i) => markerLine(m, x, i)),
    ...spec.series.map((s) => seriesPath(s, spec.tMs, x, y)),
    hasData(spec.series) ? "" : `<text class="no-data" x="${CHART_WIDTH / 2}" y="${HEIGHT / 2}" text-anchor="middle">no samples recorded</text>`,
  ].join("");
  return figure(spec.kind, spec.title, svg(spec.kind, spec.title, HEIGHT, body), legend(spec.series, spec.guides ?? []));
}

export function figure(kind: string, title: string, svgText: string, legendHtml: string): string {
  return `<figure class="chart" data-chart="${esc(kind)}"><figcaption>${esc(title)}</figcaption>${svgText}${legendHtml}</figure>`;
}

export function svg(kind: string, title: string, height: number, body: string): string {
  return `<svg viewBox="0 0 ${CHART_WIDTH} ${height}" width="${CHART_WIDTH}" height="${height}" role="img" aria-label="${esc(title)}" data-chart="${esc(kind)}" xmlns="http://www.w3.org/2000/svg">${body}</svg>`;
}

/** Shaded fault windows; instant faults (crash, redisRestart, leave) as a thin bar. */
export function faultBands(faults: readonly AppliedFault[], x: Scale, top: number, bottom: number): string {
  return faults
    .map((f) => {
      const left = x(f.startMs);
      const width = Math.max(2, x(f.endMs) - left);
      const label = `${faultLabel(f)} (${axisTime(f.startMs)}-${axisTime(f.endMs)})`;
      return `<rect class="fault${f.skipped ? " skipped" : ""}" x="${r(left)}" y="${top}" width="${r(width)}" height="${bottom - top}"><title>${esc(label)}</title></rect>`;
    })
    .join("");
}

export function timeAxis(xMaxMs: number, x: Scale, baseline: number): string {
  const ticks = niceTicks(xMaxMs, 6).filter((t) => t <= xMaxMs * 1.0001);
  const labels = ticks
    .map((t) => `<line class="tick" x1="${r(x(t))}" x2="${r(x(t))}" y1="${baseline}" y2="${baseline + 4}"/><text class="axis" x="${r(x(t))}" y="${baseline + 16}" text-anchor="middle">${axisTime(t)}</text>`)
    .join("");
  return `<line class="axis-line" x1="${MARGIN.left}" x2="${CHART_WIDTH - MARGIN.right}" y1="${baseline}" y2="${baseline}"/>${labels}`;
}

function yAxis(ticks: number[], y: Scale, label: string): string {
  const lines = ticks
    .map((t) => `<line class="grid" x1="${MARGIN.left}" x2="${CHART_WIDTH - MARGIN.right}" y1="${r(y(t))}" y2="${r(y(t))}"/><text class="axis" x="${MARGIN.left - 6}" y="${r(y(t)) + 4}" text-anchor="end">${compact(t)}</text>`)
    .join("");
  return `${lines}<text class="axis y-label" x="10" y="${MARGIN.top + 4}" transform="rotate(-90 10 ${MARGIN.top + 4})" text-anchor="end">${esc(label)}</text>`;
}

function guideLine(guide: Guide, y: Scale): string {
  const at = r(y(guide.value));
  return `<line class="guide" x1="${MARGIN.left}" x2="${CHART_WIDTH - MARGIN.right}" y1="${at}" y2="${at}" stroke="${guide.color}"/><text class="guide-label" x="${CHART_WIDTH - MARGIN.right - 4}" y="${at - 4}" text-anchor="end" fill="${guide.color}">${esc(guide.label)}</text>`;
}

/** The data's maximum, at least 1 (an empty or all-zero chart still gets a scale). */
export function seriesMax(series: readonly Series[]): number {
  return Math.max(1, ...series.flatMap((s) => s.values.filter(Number.isFinite)));
}

/** A guide far above the data: named in the top right corner, with an arrow, instead of drawn. */
function guideAboveScale(guide: Guide, index: number): string {
  const at = MARGIN.top + 9 + index * 12;
  return `<text class="guide-label above" x="${CHART_WIDTH - MARGIN.right - 4}" y="${at}" text-anchor="end" fill="${guide.color}">↑ ${esc(guide.label)} (above this scale)</text>`;
}

function markerLine(marker: Marker, x: Scale, index = 0): string {
  const at = r(x(marker.atMs));
  // Labels near the right edge go on the left of their line so they stay inside the chart; each
  // marker's label sits one line lower than the previous one's, so close markers stay readable.
  const nearRight = at > CHART_WIDTH - MARGIN.right - 60;
  const label = `<text class="marker-label" x="${nearRight ? at - 3 : at + 3}" y="${MARGIN.top + 9 + (index % 4) * 11}" text-anchor="${nearRight ? "end" : "start"}">${esc(marker.label)}</text>`;
  return `<line class="marker" x1="${at}" x2="${at}" y1="${MARGIN.top}" y2="${HEIGHT - MARGIN.bottom}"/>${label}`;
}

function hasData(series: readonly Series[]): boolean {
  return series.some((s) => s.values.some(Number.isFinite));
}

function seriesPath(series: Series, tMs: readonly number[], x: Scale, y: Scale): string {
  const { t, v } = downsample(tMs, series.values, MAX_POINTS);
  let d = "";
  let penDown = false;
  for (let i = 0; i < t.length; i++) {
    if (!Number.isFinite(v[i])) {
      penDown = false;
      continue;
    }
    if (penDown && series.stepped) d += `H${r(x(t[i]!))}`;
    d += `${penDown ? "L" : "M"}${r(x(t[i]!))} ${r(y(v[i]!))}`;
    penDown = true;
  }
  if (d === "") return "";
  return `<path class="series" d="${d}" stroke="${series.color}"><title>${esc(series.name)}</title></path>`;
}

function legend(series: Series[], guides: Guide[]): string {
  const items = [
    ...series.map((s) => `<li><span class="swatch" style="background:${s.color}"></span>${esc(s.name)}</li>`),
    ...guides.map((g) => `<li><span class="swatch dashed" style="border-color:${g.color}"></span>${esc(g.label)}</li>`),
    `<li><span class="swatch fault-swatch"></span>fault window</li>`,
  ];
  return `<ul class="legend">${items.join("")}</ul>`;
}

function compact(value: number): string {
  if (value >= 1_000_000) return `${Number((value / 1_000_000).toFixed(1))}M`;
  if (value >= 10_000) return `${Number((value / 1000).toFixed(1))}k`;
  return String(Number(value.toPrecision(6)));
}

function r(value: number): number {
  return Math.round(value * 10) / 10;
}

export const CHART_MARGIN = MARGIN;

/** "crash s2, restart after 3000 ms": the kind once, even when the runner's detail repeats it. */
export function faultLabel(fault: AppliedFault): string {
  const detail = fault.detail.startsWith(fault.kind) ? fault.detail.slice(fault.kind.length).trim() : fault.detail;
  return `${fault.kind}${fault.skipped ? " (skipped)" : ""}${detail ? ` ${detail}` : ""}`;
}
