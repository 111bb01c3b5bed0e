/**
 * Random attackers for `lfcc fuzz`, swarm style: half the runs have none, the others one to three,
 * each with its own random subset of attack kinds and weights (TigerBeetle's swarm testing: a run
 * that leaves some kinds out explores the others harder). Like faults, an attacker is drawn
 * topology-free (indices, a start as a fraction of the run) and resolved by `compileAttackers`,
 * so every shrink step stays valid; everything shrinks toward fewer, weaker, shorter attackers.
 */
import fc from "fast-check";
import { ATTACK_KINDS, type AttackKind, type AttackerSpec } from "../attack/kinds.ts";
import type { Topology } from "../scenario/types.ts";
import { anyIndex, pick, serverNames, stepMs, TIME_STEP_MS } from "./units.ts";

export interface RawAttacker {
  server: number;
  doc: number;
  viewer: boolean;
  fromPermille: number;
  forMs: number;
  rate: number;
  weights: number[];
}

/** What an attack run may set on the relay: a cluster secret (signing paths), a shorter dedup window (replays past it). */
export interface RawAttackRelay {
  clusterSecret: boolean;
  dedupWindowS: number | undefined;
  /** Frame limit of an attacked run: oversize and presenceBomb frames scale with it (64 KiB keeps runs fast). */
  maxFrameKiB: number;
  /** A tight byte budget (128 KiB/s, 256 KiB burst) in some runs, so floods of big frames go over it. */
  tightByteBudget: boolean;
}

export const FUZZ_CLUSTER_SECRET = "fuzz-cluster-secret";

function rawAttackerArbitrary(): fc.Arbitrary<RawAttacker> {
  return fc.record({
    server: anyIndex(),
    doc: anyIndex(),
    viewer: fc.boolean().map((b) => !b), // shrinks toward a viewer (fewer rights, same attacks)
    fromPermille: fc.integer({ min: 0, max: 800 }),
    forMs: stepMs(1000, 15_000),
    rate: fc.integer({ min: 1, max: 25 }),
    weights: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: ATTACK_KINDS.length, maxLength: ATTACK_KINDS.length }),
  });
}

export function attackersArbitrary(maxAttackers: number): fc.Arbitrary<RawAttacker[]> {
  if (maxAttackers <= 0) return fc.constant([]);
  // Cross-shrink: a failure that needs no attacker shrinks to none (the array branch alone stops at one).
  return fc.oneof({ withCrossShrink: true }, fc.constant<RawAttacker[]>([]), fc.array(rawAttackerArbitrary(), { minLength: 1, maxLength: maxAttackers }));
}

export function attackRelayArbitrary(): fc.Arbitrary<RawAttackRelay> {
  return fc.record({
    clusterSecret: fc.boolean(),
    dedupWindowS: fc.option(fc.integer({ min: 3, max: 30 }), { nil: undefined }),
    maxFrameKiB: fc.constantFrom(16, 64),
    tightByteBudget: fc.boolean(),
  });
}

export function compileAttackers(raw: readonly RawAttacker[], topology: Topology, durationMs: number): AttackerSpec[] {
  return raw.map((attacker, i) => {
    const role = attacker.viewer ? "viewer" : "editor";
    const attacks = Object.fromEntries(ATTACK_KINDS.map((kind, k) => [kind, kind === "editAsViewer" && role !== "viewer" ? 0 : (attacker.weights[k] ?? 0)])) as Record<AttackKind, number>;
    if (ATTACK_KINDS.every((kind) => attacks[kind] === 0)) attacks.stateRequestFlood = 1;
    const steps = Math.floor(((attacker.fromPermille / 1000) * durationMs) / TIME_STEP_MS);
    return {
      name: `a${i + 1}`,
      doc: `d${(attacker.doc % topology.docs) + 1}`,
      server: pick(serverNames(topology.servers), attacker.server),
      role,
      fromMs: Math.min(steps * TIME_STEP_MS, durationMs - TIME_STEP_MS),
      forMs: attacker.forMs,
      rate: attacker.rate,
      attacks,
    };
  });
}

/** Relay settings of an attack run (only when it has attackers or a redisInject fault). */
export function attackRelayOverrides(raw: RawAttackRelay, attacked: boolean): Record<string, string | number> {
  if (!attacked) return {};
  return {
    ...(raw.tightByteBudget ? { rateLimitBytesPerSecond: 128 * 1024, rateLimitBurstBytes: 256 * 1024 } : {}),
    maxFrameBytes: raw.maxFrameKiB * 1024,
    ...(raw.clusterSecret ? { clusterSecret: FUZZ_CLUSTER_SECRET } : {}),
    ...(raw.dedupWindowS === undefined ? {} : { dedupWindowMs: raw.dedupWindowS * 1000 }),
  };
}
