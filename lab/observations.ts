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
}
