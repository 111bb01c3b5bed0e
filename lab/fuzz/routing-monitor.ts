/**
 * The routing monitor: an oracle for what the state invariants cannot see, because the client
 * provider tolerates it (Yjs updates are idempotent, the provider ignores frames not meant for it,
 * resync repairs what was dropped). It wraps every relay a factory makes, every socket a relay is
 * handed (monitor/socket-spy.ts) and the relay's bus (monitor/bus-spy.ts), and records
 * MonitorObservations (lab/observations.ts) for the checkers:
 * - routing: self-echo, a frame of another doc, a SNAPSHOT_RESPONSE for a request never made,
 *   the same messageId delivered twice to one client (counted);
 * - wire: CRDT_UPDATE messages and bytes to clients and across servers (efficiency);
 * - snapshots: each request, its answer, and whether a source existed (snapshot correctness);
 * - rateLimit: each connection against an ideal token bucket with the relay's limits (fairness);
 * - accounting: each outage queue against an ideal bounded FIFO, and a RESYNC for every attached
 *   client whenever a relay's Redis link comes (back) up.
 * The wrapped relay behaves exactly like the original (every call is forwarded, nothing is
 * scheduled), so a run's trace hash is the same with or without the monitor.
 */
import type { MessageBus } from "../../relay/bus/message-bus.ts";
import { DEFAULT_RELAY_CONFIG } from "../../relay/config.ts";
import type { RelaySocket } from "../../relay/ports.ts";
import { frameBytes } from "../../relay/protocol/client-frame.ts";
import type { MonitorObservations, RoutingViolationObservation, SnapshotObservation } from "../observations.ts";
import { spyOnBus } from "./monitor/bus-spy.ts";
import type { RateLimitSettings } from "./monitor/rate-model.ts";
import { SocketSpy, type SpyContext } from "./monitor/socket-spy.ts";

export type RoutingViolation = RoutingViolationObservation;

/** What the monitor needs from a relay (the simulator's host interface has the same shape). */
export interface MonitoredRelay {
  initialize(): unknown;
  handleConnection(socket: RelaySocket, docId: string, senderId: string, ctx?: { role?: "editor" | "viewer" }): unknown;
  handleMessage(socket: RelaySocket, data: string): unknown;
  handleDisconnection(socket: RelaySocket): unknown;
  shutdown(): unknown;
  stats(): unknown;
}

/** What the monitor reads from a relay factory's options (all optional: defaults otherwise). */
export interface MonitoredOptions extends Partial<RateLimitSettings> {
  serverId?: string;
  enableRateLimiting?: boolean;
  redisAdapter?: MessageBus;
  ports?: { clock?: { now(): number } };
}

/** The senderId of the simulator's Redis forger (sim/world/forger.ts): no client may ever receive its messages. */
export { FORGED_SENDER } from "./monitor/socket-spy.ts";

/** Keep at most this many violations of each list: one is enough to fail, a few help to read. */
const MAX_KEPT = 20;
/** A RESYNC owed at a link-up must arrive within this long. */
export const RESYNC_DEADLINE_MS = 1_000;

export class RoutingMonitor {
  private readonly routing: MonitorObservations["routing"] = { violations: [], violationCount: 0, duplicates: 0 };
  private readonly wire: MonitorObservations["wire"] = {
    clientUpdates: 0, clientUpdateBytes: 0, crossServerUpdates: 0, crossServerUpdateBytes: 0,
    clientFrames: 0, clientBytes: 0, crossServerMessages: 0, crossServerBytes: 0,
  };
  private readonly snapshots: SnapshotObservation[] = [];
  private readonly accounting: MonitorObservations["accounting"] = { queueViolations: [], modelDropped: 0, reportedDropped: 0, missedResyncs: [], resyncsExpected: 0, resyncDeadlineMs: RESYNC_DEADLINE_MS };
  private readonly allSpies: SocketSpy[] = [];
  private readonly withState = new Map<string, Set<SocketSpy>>();
  private readonly sourceUpdates = new Map<string, Set<string>>();
  private readonly owedResyncs: { tMs: number; server: string; spy: SocketSpy }[] = [];
  /** Observation time (ms since the run started); the simulator sets it, else the relays' clock. */
  private nowMs: () => number = () => 0;
  private hasTimeSource = false;

  /** Kept for older callers: the routing violations so far. */
  get violations(): RoutingViolation[] {
    return this.routing.violations;
  }

  /** Times observations on the run's own clock (ms since it started), like every other observation. */
  useTimeSource(nowMs: () => number): void {
    this.nowMs = nowMs;
    this.hasTimeSource = true;
  }

  /** Wraps a relay factory; every relay it makes reports here. */
  wrap<O extends MonitoredOptions, R extends MonitoredRelay>(factory: (options: O) => R): (options: O) => R {
    return (options) => {
      const clock = options.ports?.clock;
      if (clock && !this.hasTimeSource) this.nowMs = () => clock.now();
      const server = options.serverId ?? "relay";
      const spies = new Map<RelaySocket, SocketSpy>();
      if (options.redisAdapter) spyOnBus(options.redisAdapter, server, this.busReport(server, spies));
      const relayNowMs = clock ? () => clock.now() : () => this.nowMs();
      return this.watch(factory(options), limitsOf(options), spies, relayNowMs);
    };
  }

  /** Everything observed so far (the run calls it once at the end). */
  report(): MonitorObservations {
    const rateLimit = this.allSpies.map((spy) => ({ senderId: spy.senderId, docId: spy.docId, ...spy.rate, resyncs: spy.resyncTimesMs.length }));
    const missedResyncs = this.owedResyncs
      .filter(({ tMs, spy }) => !spy.resyncTimesMs.some((t) => t >= tMs && t <= tMs + RESYNC_DEADLINE_MS) && !(spy.closedMs !== null && spy.closedMs <= tMs + RESYNC_DEADLINE_MS))
      .map(({ tMs, server, spy }) => ({ tMs, server, senderId: spy.senderId, docId: spy.docId }));
    return {
      wire: { ...this.wire },
      routing: { ...this.routing, violations: [...this.routing.violations] },
      snapshots: this.snapshots,
      rateLimit,
      accounting: { ...this.accounting, missedResyncs, resyncsExpected: this.owedResyncs.length },
    };
  }

  private watch<R extends MonitoredRelay>(relay: R, limits: RateLimitSettings, spies: Map<RelaySocket, SocketSpy>, relayNowMs: () => number): R {
    const spyOf = (socket: RelaySocket) => spies.get(socket) ?? socket;
    return Object.assign(Object.create(relay) as R, {
      handleConnection: (socket: RelaySocket, docId: string, senderId: string, ctx?: { role?: "editor" | "viewer" }) => {
        const spy = new SocketSpy(socket, docId, senderId, limits, { ...this.context(), relayNowMs });
        spies.set(socket, spy);
        this.allSpies.push(spy);
        return ctx ? relay.handleConnection(spy, docId, senderId, ctx) : relay.handleConnection(spy, docId, senderId);
      },
      handleMessage: (socket: RelaySocket, data: string) => {
        const spy = spies.get(socket);
        spy?.beforeClientFrame(data, frameBytes(data));
        const result = relay.handleMessage(spyOf(socket), data);
        spy?.afterClientFrame();
        return result;
      },
      handleDisconnection: (socket: RelaySocket) => {
        const spy = spies.get(socket);
        spy?.markClosed();
        if (spy) this.withState.get(spy.docId)?.delete(spy);
        const result = relay.handleDisconnection(spyOf(socket));
        spies.delete(socket);
        return result;
      },
      initialize: () => relay.initialize(),
      shutdown: () => relay.shutdown(),
      stats: () => relay.stats(),
    });
  }

  private busReport(server: string, spies: Map<RelaySocket, SocketSpy>) {
    return {
      crossServer: (bytes: number, updates: number, updateBytes: number) => {
        this.wire.crossServerMessages++;
        this.wire.crossServerBytes += bytes;
        this.wire.crossServerUpdates += updates;
        this.wire.crossServerUpdateBytes += updateBytes;
      },
      queueViolation: (detail: string) => {
        if (this.accounting.queueViolations.length < MAX_KEPT) this.accounting.queueViolations.push({ tMs: this.nowMs(), server, detail });
      },
      queueDropped: (model: number, reported: number) => {
        this.accounting.modelDropped += model;
        this.accounting.reportedDropped += reported;
      },
      linkUp: (scope: ((channel: string) => boolean) | undefined) => {
        const tMs = this.nowMs();
        for (const spy of spies.values()) {
          const inScope = !scope || scope(`lfcc:doc:${spy.docId}`);
          if (inScope && spy.welcomed && spy.closedMs === null) this.owedResyncs.push({ tMs, server, spy });
        }
      },
    };
  }

  private context(): Omit<SpyContext, "relayNowMs"> {
    return {
      nowMs: () => this.nowMs(),
      violation: (violation) => {
        this.routing.violationCount++;
        if (this.routing.violations.length < MAX_KEPT) this.routing.violations.push({ ...violation, tMs: this.nowMs() });
      },
      duplicate: () => void this.routing.duplicates++,
      clientUpdate: (updateBytes: number) => {
        this.wire.clientUpdates++;
        this.wire.clientUpdateBytes += updateBytes;
      },
      clientFrame: (bytes: number) => {
        this.wire.clientFrames++;
        this.wire.clientBytes += bytes;
      },
      sourcesOf: (docId, except) => [...(this.withState.get(docId) ?? [])].filter((spy) => spy !== except && spy.closedMs === null).map((spy) => spy.senderId),
      hasState: (spy) => {
        let set = this.withState.get(spy.docId);
        if (!set) this.withState.set(spy.docId, (set = new Set()));
        set.add(spy);
      },
      sourceUpdate: (docId, update) => {
        let set = this.sourceUpdates.get(docId);
        if (!set) this.sourceUpdates.set(docId, (set = new Set()));
        set.add(update);
      },
      isSourceUpdate: (docId, update) => this.sourceUpdates.get(docId)?.has(update) === true,
      snapshot: (observation) => void this.snapshots.push(observation),
    };
  }
}

function limitsOf(options: MonitoredOptions): RateLimitSettings {
  const pick = <K extends keyof RateLimitSettings>(key: K) => options[key] ?? DEFAULT_RELAY_CONFIG[key];
  const enabled = options.enableRateLimiting ?? DEFAULT_RELAY_CONFIG.enableRateLimiting;
  if (!enabled) return { rateLimitMessagesPerSecond: Infinity, rateLimitBurstMessages: Infinity, rateLimitBytesPerSecond: Infinity, rateLimitBurstBytes: Infinity };
  return {
    rateLimitMessagesPerSecond: pick("rateLimitMessagesPerSecond"),
    rateLimitBurstMessages: pick("rateLimitBurstMessages"),
    rateLimitBytesPerSecond: pick("rateLimitBytesPerSecond"),
    rateLimitBurstBytes: pick("rateLimitBurstBytes"),
  };
}
