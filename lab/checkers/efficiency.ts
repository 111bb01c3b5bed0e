/**
 * efficiency { factor }: the wire cost of the edits stays within `factor` of the ideal for the
 * topology the run actually had, so an echo or a storm fails a run even when documents converge.
 *
 * The ideal for one edit made by client C on doc D at time t: one CRDT_UPDATE frame to every other
 * client with an open session on D at t, and one routed message taken off Redis by every other
 * server hosting such a session (C's own server publishes once; each subscribed server receives
 * it once). Bytes are the base64 `update` payloads only (envelopes vary by mode), so the ideal
 * bytes are the edit's base64 size times the same fan-outs. Measured (routing monitor): CRDT_UPDATE
 * frames the relays sent to clients and CRDT_UPDATE routed messages relays took off Redis
 * (members of a BATCH one by one, counted before de-duplication), with their payload bytes.
 * Sync traffic (snapshot answers, SYNC_STEP1 answers after reconnects and resyncs) comes on top of
 * the ideal; an allowance covers it: SYNC_ALLOWANCE deliveries per session start and client of its
 * doc (for bytes: each such delivery may carry the whole document, its final size in base64).
 * Not judged below MIN_IDEAL ideal deliveries (a near-idle run says nothing about cost).
 */
import type { Observations, SessionObservation } from "../observations.ts";
import type { InvariantResult } from "../record.ts";

export const DEFAULT_EFFICIENCY_FACTOR = 2.5;
/** Bytes get twice the factor: sync answers legitimately carry more than one edit each. */
export const BYTES_FACTOR_MULTIPLIER = 2;
/** Extra CRDT_UPDATE deliveries allowed per session start and per client of its doc (sync answers). */
export const SYNC_ALLOWANCE = 2;
const MIN_IDEAL = 20;

interface Ideal {
  client: number;
  clientBytes: number;
  cross: number;
  crossBytes: number;
  allowance: number;
  allowanceBytes: number;
}

export function checkEfficiency(obs: Observations, factor: number): InvariantResult {
  const name = "efficiency";
  const wire = obs.monitor?.wire;
  if (!wire) return { name, passed: true, detail: "not judged: no wire counts in this mode" };
  const refused = (obs.monitor?.rateLimit ?? []).reduce((sum, c) => sum + c.refused, 0);
  // A refused frame is recovered by a state-vector exchange with every peer (PROTOCOL.md section 5):
  // rate limiting buys safety with traffic, so its runs are not judged for cost.
  if (refused > 0) return { name, passed: true, detail: `not judged: ${refused} frames were rate limited (each resume resyncs with every peer)` };
  const ideal = idealCost(obs);
  if (ideal.client + ideal.cross < MIN_IDEAL) return { name, passed: true, detail: `not judged: ${ideal.client + ideal.cross} ideal deliveries (< ${MIN_IDEAL})` };
  const measures = [
    { what: "CRDT_UPDATE frames to clients", actual: wire.clientUpdates, ideal: ideal.client, allow: ideal.allowance },
    { what: "CRDT_UPDATE messages across servers", actual: wire.crossServerUpdates, ideal: ideal.cross, allow: ideal.allowance },
    { what: "update bytes to clients", actual: wire.clientUpdateBytes, ideal: ideal.clientBytes, allow: ideal.allowanceBytes },
    { what: "update bytes across servers", actual: wire.crossServerUpdateBytes, ideal: ideal.crossBytes, allow: ideal.allowanceBytes },
  ];
  const ratio = (m: (typeof measures)[number]) => (m.ideal > 0 ? m.actual / m.ideal : 0);
  const limitOf = (m: (typeof measures)[number]) => (m.what.includes("bytes") ? factor * BYTES_FACTOR_MULTIPLIER : factor) * m.ideal + m.allow;
  const over = measures.filter((m) => m.actual > limitOf(m));
  const summary = measures.map((m) => `${m.what} ${m.actual} / ideal ${Math.round(m.ideal)} (${ratio(m).toFixed(2)}x)`).join("; ");
  if (over.length > 0) return { name, passed: false, detail: `over ${factor}x the ideal (+ sync allowance ${Math.round(ideal.allowance)}): ${over.map((m) => `${m.what} ${m.actual} vs ideal ${Math.round(m.ideal)} (${ratio(m).toFixed(2)}x)`).join("; ")}` };
  return { name, passed: true, detail: summary };
}

function idealCost(obs: Observations): Ideal {
  const ideal: Ideal = { client: 0, clientBytes: 0, cross: 0, crossBytes: 0, allowance: 0, allowanceBytes: 0 };
  const byDoc = new Map<string, SessionObservation[]>();
  for (const s of obs.sessions) byDoc.set(s.docId, [...(byDoc.get(s.docId) ?? []), s]);
  const openAt = (s: SessionObservation, tMs: number) => s.startMs <= tMs && (s.endMs === null || s.endMs > tMs);
  for (const edit of obs.edits) {
    const sessions = (byDoc.get(edit.docId) ?? []).filter((s) => openAt(s, edit.tMs));
    const own = sessions.find((s) => s.client === edit.client);
    const others = sessions.filter((s) => s.client !== edit.client);
    const servers = new Set(others.map((s) => s.server));
    if (own) servers.delete(own.server);
    const b64 = Math.ceil(edit.update.byteLength / 3) * 4;
    ideal.client += others.length;
    ideal.clientBytes += others.length * b64;
    ideal.cross += servers.size;
    ideal.crossBytes += servers.size * b64;
  }
  const clientsOf = (docId: string) => new Set((byDoc.get(docId) ?? []).map((s) => s.client)).size;
  const docBytes = new Map<string, number>();
  for (const r of obs.finalReplicas) docBytes.set(r.docId, Math.max(docBytes.get(r.docId) ?? 0, Math.ceil(r.state.byteLength / 3) * 4));
  // Every session start and every RESYNC a client receives starts a state-vector exchange with its peers.
  const exchanges = [...obs.sessions.map((s) => s.docId), ...(obs.monitor?.rateLimit ?? []).flatMap((c) => Array<string>(c.resyncs).fill(c.docId))];
  for (const docId of exchanges) {
    ideal.allowance += SYNC_ALLOWANCE * clientsOf(docId);
    ideal.allowanceBytes += SYNC_ALLOWANCE * clientsOf(docId) * (docBytes.get(docId) ?? 0);
  }
  return ideal;
}
