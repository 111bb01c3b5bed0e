import type { AttackObservations, CrashObservation } from "./attack/observations.ts";

/**
 * What a run observed, in the same shape whether it ran in the simulator or against real
 * infrastructure: the checkers (lab/checkers/) read only this, so sim and chaos are judged by the
 * same code. Times are ms since the run started (virtual in sim, wall in chaos).
 */

/** One local edit: a Yjs update produced by a client's own transaction (not one it received). */
export interface EditObservation {
  tMs: number;
  client: string; // scenario client name, e.g. "c3"
  docId: string;
  update: Uint8Array;
}

/** One connection of a client: from WELCOME to the end of that socket. */
export interface SessionObservation {
  client: string;
  docId: string;
  /** The senderId the server assigned in WELCOME: the identity peers see in JOIN/LEAVE. */
  senderId: string;
  /**
   * False when the client never learns the senderId its server assigned (a y-websocket client: the
   * dialect sends no WELCOME), so `senderId` is made up and peers cannot be judged by it.
   */
  senderIdKnown?: boolean;
  server: string; // scenario server name, e.g. "s2"
  startMs: number;
  /** When the connection ended (client side), or null while still open at the end of the run. */
  endMs: number | null;
  /** Why it ended: "leave" (the client left), "crash", "stop", "disconnect", "network", ... */
  endReason: string | null;
}

/** Client `observer` saw a LEAVE for `senderId` (or lost sight of it by its own reconnect). */
export interface LeaveObservation {
  tMs: number;
  observer: string; // client name
  docId: string;
  senderId: string;
}

/** Outage-queue size of one server, sampled at every enqueue (and every drain). */
export interface QueueSample {
  tMs: number;
  server: string;
  depthMessages: number;
  depthBytes: number;
  maxMessages: number;
  maxBytes: number;
}

/** Digest of every live replica of every doc at one moment (for convergence and divergence). */
export interface ReplicaSample {
  tMs: number;
  docId: string;
  /** client name -> digest of its Yjs state (equal digests <=> same content). */
  digests: Record<string, string>;
}

/** A client's replica at the end of the run. */
export interface FinalReplica {
  client: string;
  docId: string;
  /** false when the client left (leave fault) before the end: its replica is not judged. */
  live: boolean;
  /** Y.encodeStateAsUpdate of its doc. */
  state: Uint8Array;
}

export interface Observations {
  /** When convergence is measured from: workload stopped and every fault healed. */
  quiescenceMs: number;
  /** When the run ended. */
  endMs: number;
  edits: EditObservation[];
  sessions: SessionObservation[];
  leaves: LeaveObservation[];
  /**
   * Client `observer` learned that `senderId` is present (WELCOME.peers, JOIN or PRESENCE).
   * Optional (additive): when given, noGhostPresence judges only observers that saw the sender.
   */
  peersSeen?: LeaveObservation[];
  queueSamples: QueueSample[];
  replicaSamples: ReplicaSample[];
  finalReplicas: FinalReplica[];
  /** Relay processes that ended or stopped serving (additive; judged by noCrash). */
  crashes?: CrashObservation[];
  /** Attackers and the Redis injector (additive; present when the scenario has either). */
  attack?: AttackObservations;
  /** Optional (additive): the routing monitor's findings (sim); see MonitorObservations. */
  monitor?: MonitorObservations;
  /** Optional (additive): each connected client's peer set, sampled (sim). */
  peerSamples?: PeerSample[];
}

/**
 * What the routing monitor (lab/fuzz/routing-monitor.ts) saw at the relays' edges: sockets and
 * the bus. Optional (additive): the simulator records it in every run; a mode that cannot watch
 * the relays from inside (chaos) leaves it out and the checkers that need it are not judged.
 */
export interface MonitorObservations {
  wire: WireCounts;
  routing: RoutingObservation;
  snapshots: SnapshotObservation[];
  rateLimit: RateLimitObservation[];
  accounting: AccountingObservation;
}

/** Messages and bytes on the wire (relay -> client frames; Redis -> relay routed messages). */
export interface WireCounts {
  /** CRDT_UPDATE frames the relays sent to clients, and their bytes. */
  clientUpdates: number;
  clientUpdateBytes: number;
  /** CRDT_UPDATE routed messages relays took off Redis (members of a BATCH one by one), and bytes. */
  crossServerUpdates: number;
  crossServerUpdateBytes: number;
  /** Every frame / routed message, whatever its type. */
  clientFrames: number;
  clientBytes: number;
  crossServerMessages: number;
  crossServerBytes: number;
}

export interface RoutingViolationObservation {
  kind: "self-echo" | "unrequested-snapshot-response" | "duplicate-delivery" | "wrong-doc" | "forged-delivery";
  tMs: number;
  /** The receiving client's senderId. */
  receiver: string;
  detail: string;
  /** duplicate-delivery: the messageId delivered twice. */
  messageId?: string;
}

export interface RoutingObservation {
  violations: RoutingViolationObservation[];
  /** How many violations there were in all (the list keeps the first few). */
  violationCount: number;
  /** Frames delivered twice to the same client (by messageId). */
  duplicates: number;
}

/** One SNAPSHOT_REQUEST a client sent, and what came back on that connection. */
export interface SnapshotObservation {
  requester: string; // senderId
  docId: string;
  requestId: string;
  sentMs: number;
  /** senderIds of other connections of the doc (any server) that had state when the request was sent. */
  sourcesAtRequest: string[];
  /** The first answer carrying this requestId, or null. */
  answeredMs: number | null;
  /**
   * "null": update null; "source": bytes some client sent as a snapshot; "cache": the opt-in
   * snapshot cache's entry (`source: "cache"`, a fallback like null); "unknown": other bytes.
   */
  answer: "null" | "source" | "cache" | "unknown" | null;
  sourcesAtAnswer: string[];
  /** The requester's connection closed before the end of the run, and when. */
  closedMs: number | null;
  /** SNAPSHOT_RESPONSE frames for request ids this connection never sent (wrong request id). */
  foreignAnswers: number;
}

/** One client connection judged against an ideal token bucket with the relay's own limits. */
export interface RateLimitObservation {
  senderId: string;
  docId: string;
  frames: number;
  /** Frames the relay refused (ERROR RATE_LIMITED, or the close for sustained abuse). */
  refused: number;
  /** Frames the ideal bucket refuses (the client was over its budget). */
  overBudget: number;
  /** Refusals while the ideal bucket had clear room (more than the tolerance left), with the first time. */
  unfair: number;
  firstUnfairMs: number | null;
  firstOverBudgetMs: number | null;
  /** RESYNC frames this connection received (each starts a state-vector exchange with every peer). */
  resyncs: number;
}

export interface AccountingObservation {
  /** Checks of each server's outage queue against an ideal bounded FIFO that drops the oldest. */
  queueViolations: { tMs: number; server: string; detail: string }[];
  /** Messages the ideal queue dropped, and what the queues reported dropped. */
  modelDropped: number;
  reportedDropped: number;
  /** Clients attached when their relay's Redis link came (back) up that got no RESYNC for it. */
  missedResyncs: { tMs: number; server: string; senderId: string; docId: string }[];
  resyncsExpected: number;
  /** How soon after the link came up the RESYNC was owed. */
  resyncDeadlineMs: number;
}

/** A client's peer set at one moment (the provider's `peers`). */
export interface PeerSample {
  tMs: number;
  client: string;
  docId: string;
  senderId: string;
  peers: string[];
}
