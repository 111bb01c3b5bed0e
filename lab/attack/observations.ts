/**
 * What a run observed about its attackers and hostile Redis publishers, in the same shape in sim
 * and chaos (lab/attack/ledger.ts fills it in both). The attack checkers read only this.
 */
import type { AttackKind, AttackerRole } from "./kinds.ts";

/** One connection of an attacker, from WELCOME to its close. */
export interface AttackerSessionObservation {
  attacker: string;
  senderId: string;
  startMs: number;
  endMs: number | null;
  /** Close code seen by the attacker (1008 policy, 1009 too big, 1006 lost...), null while open. */
  closeCode: number | null;
  /** [time, bytes] of every frame the attacker sent on this connection. */
  frames: Array<[number, number]>;
  /** ERROR RATE_LIMITED frames received on this connection. */
  rateLimited: number;
}

/** Bytes attributed to one attack kind (docs/SCENARIOS-REFERENCE.md, "Amplification"). */
export interface KindAmplification {
  /** Bytes the attackers sent in frames of this kind. */
  sentBytes: number;
  /** Bytes relays wrote to other clients' sockets because of those frames. */
  causedBytes: number;
}

export interface InjectionObservation {
  tMs: number;
  client: string;
  what: string;
}

export interface AttackObservations {
  attackers: Array<{ name: string; role: AttackerRole }>;
  sessions: AttackerSessionObservation[];
  amplification: Partial<Record<AttackKind, KindAmplification>>;
  /** First injections (at most MAX_INJECTIONS_KEPT) and how many there were. */
  injections: InjectionObservation[];
  injectionCount: number;
  /** Delivery latencies (ms) of honest edits made while an attack ran. */
  honestLatenciesMs: number[];
  /** Routed messages the injector replayed / forged. */
  replayed: number;
  forged: number;
  /** The messageIds it replayed (routing excuses their second copies when relays do not sign). */
  replayedIds?: string[];
}

/** A relay process that ended or stopped serving (noCrash), in either mode. */
export interface CrashObservation {
  tMs: number;
  server: string;
  message: string;
}
