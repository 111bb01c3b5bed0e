/**
 * Attackers and hostile Redis publishers in the normalized scenario form (SCENARIOS.md v1.1,
 * "Attackers"). docs/SCENARIOS-REFERENCE.md documents every kind precisely; lab/attack/frames.ts
 * builds their frames.
 */

/** Every attack kind, in the order the reference documents them. */
export const ATTACK_KINDS = ["deepJson", "garbageUpdate", "stateRequestFlood", "oversizeFrame", "presenceBomb", "editAsViewer"] as const;

export type AttackKind = (typeof ATTACK_KINDS)[number];

export type AttackerRole = "viewer" | "editor";

/** One hostile client (`attackers:` entry), every default filled in. */
export interface AttackerSpec {
  name: string; // a1..aN unless named
  doc: string; // d1..dN
  server: string; // s1..sN: the server it connects to (and reconnects to)
  role: AttackerRole;
  fromMs: number;
  forMs: number;
  /** Frames per second. */
  rate: number;
  /** Relative weights; a kind with weight 0 is never sent. */
  attacks: Record<AttackKind, number>;
}

/** The `redisInject` fault body, normalized. */
export interface RedisInjectSpec {
  replay: boolean;
  forge: boolean;
  forMs: number;
}

export function attackerEndMs(attacker: AttackerSpec): number {
  return attacker.fromMs + attacker.forMs;
}
