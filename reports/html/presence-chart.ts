/**
 * Presence: who each client believes is present, over time (lab/presence.ts). One row per client,
 * grouped by doc; inside a row one thin lane per peer, drawn while the client shows that peer.
 * Blue: the peer is really there. Amber: the peer's session has ended but the client still shows
 * it (the LEAVE is on its way). Red: still shown after the noGhostPresence deadline, a ghost, with
 * a red tick at the deadline. This is the picture behind a noGhostPresence failure.
 */
import type { PresenceBelief, PresenceTimeline } from "../../lab/presence.ts";
import type { AppliedFault } from "../../lab/record.ts";
import { esc } from "./escape.ts";
import { CHART_MARGIN, CHART_WIDTH, faultBands, figure, svg, timeAxis } from "./line-chart.ts";
import { axisTime, linearScale, type Scale } from "./scale.ts";

const LANE = 4;
const DOC_HEADER = 14;
const MAX_ROWS = 24;
const COLORS = { present: "#3182ce", stale: "#dd6b20", ghost: "#e53e3e" };

interface Row {
  docId: string;
  observer: string;
  peers: string[];
  beliefs: PresenceBelief[];
}

export function presenceChart(timeline: PresenceTimeline, faults: readonly AppliedFault[], xMaxMs: number): string {
  const x = linearScale(xMaxMs, CHART_MARGIN.left, CHART_WIDTH - CHART_MARGIN.right);
  const rows = rowsOf(timeline.beliefs);
  const shown = rows.slice(0, MAX_ROWS);
  let y = CHART_MARGIN.top;
  const parts: string[] = [];
  let lastDoc = "";
  for (const row of shown) {
    if (row.docId !== lastDoc) {
      parts.push(`<text class="axis doc-label" x="${CHART_MARGIN.left}" y="${y + 10}">${esc(row.docId)}</text>`);
      y += DOC_HEADER;
      lastDoc = row.docId;
    }
    parts.push(rowSvg(row, y, x, timeline.ghostWithinMs));
    y += rowHeight(row);
  }
  const baseline = Math.max(y, CHART_MARGIN.top + 20) + 4;
  const empty = rows.length === 0 ? `<text class="no-data" x="${CHART_WIDTH / 2}" y="${CHART_MARGIN.top + 14}" text-anchor="middle">no client saw another (nothing to show)</text>` : "";
  const body = [faultBands(faults, x, CHART_MARGIN.top, baseline), ...parts, empty, timeAxis(xMaxMs, x, baseline)].join("");
  const more = rows.length > shown.length ? `<p class="note">${rows.length - shown.length} more clients not drawn.</p>` : "";
  const deadline = timeline.ghostWithinMs === null ? "no noGhostPresence expectation" : `ghost deadline: ${axisTime(timeline.ghostWithinMs)} after a peer's session ends`;
  const title = `Presence: who each client believes is present (${deadline})`;
  return figure("presence", title, svg("presence", title, baseline + 22, body), legend(timeline.ghostWithinMs !== null)) + more;
}

function rowsOf(beliefs: readonly PresenceBelief[]): Row[] {
  const rows = new Map<string, Row>();
  const peersByDoc = new Map<string, Set<string>>();
  for (const belief of beliefs) {
    const key = `${belief.docId}|${belief.observer}`;
    const row = rows.get(key) ?? { docId: belief.docId, observer: belief.observer, peers: [], beliefs: [] };
    row.beliefs.push(belief);
    rows.set(key, row);
    peersByDoc.set(belief.docId, (peersByDoc.get(belief.docId) ?? new Set()).add(belief.peer));
  }
  // Every row of a doc has the same lanes, in the same order, so a peer is on the same line everywhere.
  for (const row of rows.values()) row.peers = [...peersByDoc.get(row.docId)!].sort(byName);
  return [...rows.values()].sort((a, b) => a.docId.localeCompare(b.docId, undefined, { numeric: true }) || byName(a.observer, b.observer));
}

function byName(a: string, b: string): number {
  return a.localeCompare(b, undefined, { numeric: true });
}

function rowHeight(row: Row): number {
  return Math.max(12, row.peers.length * LANE + 4);
}

function rowSvg(row: Row, top: number, x: Scale, ghostWithinMs: number | null): string {
  const height = rowHeight(row);
  const label = `<text class="axis" x="${CHART_MARGIN.left - 6}" y="${top + height / 2 + 3}" text-anchor="end">${esc(row.observer)}</text>`;
  const frame = `<rect class="presence-row" x="${CHART_MARGIN.left}" y="${top}" width="${CHART_WIDTH - CHART_MARGIN.left - CHART_MARGIN.right}" height="${height - 1}"/>`;
  const lanes = row.beliefs.map((belief) => beliefSvg(belief, top + 2 + row.peers.indexOf(belief.peer) * LANE, x, ghostWithinMs, top, height)).join("");
  return label + frame + lanes;
}

function beliefSvg(belief: PresenceBelief, laneTop: number, x: Scale, ghostWithinMs: number | null, rowTop: number, rowHeightPx: number): string {
  const goneMs = belief.peerEndMs ?? belief.toMs;
  const deadlineMs = belief.peerEndMs === null || ghostWithinMs === null ? Number.POSITIVE_INFINITY : belief.peerEndMs + ghostWithinMs;
  const who = `${belief.observer} shows ${belief.peer}`;
  const parts = [
    segment("present", belief.fromMs, goneMs, laneTop, x, `${who} present ${axisTime(belief.fromMs)}-${axisTime(goneMs)}`),
    segment("stale", goneMs, Math.min(belief.toMs, deadlineMs), laneTop, x, `${who} after it left at ${axisTime(goneMs)}, until ${axisTime(Math.min(belief.toMs, deadlineMs))}`),
    segment("ghost", deadlineMs, belief.toMs, laneTop, x, `GHOST: ${who} past the deadline ${axisTime(deadlineMs)}, until ${axisTime(belief.toMs)}`),
  ];
  if (belief.toMs > deadlineMs) {
    const at = x(deadlineMs).toFixed(1);
    parts.push(`<line class="ghost-deadline" x1="${at}" x2="${at}" y1="${rowTop}" y2="${rowTop + rowHeightPx - 1}"><title>${esc(`${belief.peer}'s LEAVE was due at ${axisTime(deadlineMs)}`)}</title></line>`);
  }
  return parts.join("");
}

function segment(kind: keyof typeof COLORS, fromMs: number, toMs: number, top: number, x: Scale, title: string): string {
  if (!(toMs > fromMs)) return "";
  const left = x(fromMs);
  const width = Math.max(1, x(toMs) - left);
  return `<rect class="belief ${kind}" x="${left.toFixed(1)}" y="${top}" width="${width.toFixed(1)}" height="${LANE - 0.6}" fill="${COLORS[kind]}"><title>${esc(title)}</title></rect>`;
}

function legend(hasDeadline: boolean): string {
  const items = [
    `<li><span class="swatch" style="background:${COLORS.present}"></span>peer present (one lane per peer)</li>`,
    `<li><span class="swatch" style="background:${COLORS.stale}"></span>peer gone, still shown</li>`,
    ...(hasDeadline ? [`<li><span class="swatch" style="background:${COLORS.ghost}"></span>ghost: shown past the deadline (red tick)</li>`] : []),
    `<li><span class="swatch fault-swatch"></span>fault window</li>`,
  ];
  return `<ul class="legend">${items.join("")}</ul>`;
}
