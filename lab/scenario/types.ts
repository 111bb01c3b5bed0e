/**
 * A scenario after parsing and validation (shared/SCENARIOS.md), normalized: every duration is in
 * milliseconds, every size in bytes, every default filled in. The simulator, the chaos runner,
 * the fuzzer and failure files all speak this type; only `lab/scenario/parse.ts` knows YAML.
 */
import type { RelayConfig } from "../../relay/config.ts";
import { attackerEndMs, type AttackerSpec } from "../attack/kinds.ts";

export type NodeName = string; // "s1".."sN", "c1".."cN", "redis", shards "r1".."rN"

export interface Topology {
  servers: number; // s1..sN
  docs: number; // d1..dN
  clients: number; // c1..cN, spread round-robin over docs, then servers
  /** How many of c1..cN are real y-websocket WebsocketProviders (the LAST ones); absent: none. */
  yWebsocketClients?: number;
  /** Redis Cluster masters r1..rN carrying the document channels (SCENARIOS.md v1.1). Absent or 1: one Redis. */
  redisShards?: number;
  /** Chaos only: clients reach the relays through real nginx hashing on the docId (the sim ignores it). */
  loadBalancer?: "nginx";
}

export interface Workload {
  /** Edits per second, per client. Default 2. */
  editsPerSecond: number;
  /** Relative weights of the operations. Default insertText 6, deleteText 2, setMap 1, presence 1. */
  ops: { insertText: number; deleteText: number; setMap: number; presence: number };
}

export interface NetworkSettings {
  /** Default one-way latency of every link. Default base 2 ms, jitter 3 ms. */
  latency: { baseMs: number; jitterMs: number };
}

export type Fault =
  | { atMs: number; kind: "crash"; server: NodeName; restartAfterMs?: number }
  | { atMs: number; kind: "stop"; server: NodeName; restartAfterMs?: number }
  /** `shard`: only that master (r1..rN); absent: all of Redis. */
  | { atMs: number; kind: "redisOutage"; forMs: number; shard?: NodeName }
  | { atMs: number; kind: "redisRestart"; shard?: NodeName }
  | { atMs: number; kind: "partition"; sides: NodeName[][]; forMs: number }
  | { atMs: number; kind: "disconnect"; clients: NodeName[]; forMs: number }
  | { atMs: number; kind: "latency"; link: [NodeName, NodeName]; addMs: number; jitterMs: number; forMs: number }
  | { atMs: number; kind: "slowClient"; client: NodeName; forMs: number }
  | { atMs: number; kind: "clockSkew"; server: NodeName; offsetMs: number }
  | { atMs: number; kind: "join"; clients: NodeName[]; doc?: string; server?: NodeName }
  | { atMs: number; kind: "leave"; clients: NodeName[] }
  | { atMs: number; kind: "redisInject"; replay: boolean; forge: boolean; forMs: number };

export type FaultKind = Fault["kind"];

export interface Expectations {
  converge?: { withinMs: number };
  noDataLoss?: boolean;
  queueBound?: boolean;
  noGhostPresence?: { withinMs: number };
  /** Attack invariants (SCENARIOS.md v1.1, lab/checkers/attack-*.ts). */
  noCrash?: boolean;
  noInjection?: boolean;
  amplification?: { max: number };
  honestLatency?: { p99Ms: number };
  /** Extension: attackers over their rate budget are refused (RATE_LIMITED or a close). */
  attackersThrottled?: boolean;
  /** Additive (docs/CHECKERS.md): judged from the routing monitor and peer samples (sim). */
  presenceComplete?: { withinMs: number };
  efficiency?: { factor: number };
  snapshots?: boolean;
  rateLimitFair?: boolean;
  routing?: boolean;
  accounting?: boolean;
}

export interface Scenario {
  name: string;
  description: string;
  seed: number;
  durationMs: number;
  topology: Topology;
  /** Overrides of the production relay config (scenario `relay:` block, mapped to RelayConfig). */
  relay: Partial<Omit<RelayConfig, "serverId">>;
  workload: Workload;
  network: NetworkSettings;
  faults: Fault[];
  expect: Expectations;
  /** Hostile clients (SCENARIOS.md v1.1); absent when the file has none. Not part of topology.clients. */
  attackers?: AttackerSpec[];
}

/** When a fault stops acting (its heal time); instant faults heal when they happen. */
export function faultEndMs(fault: Fault): number {
  if ("forMs" in fault) return fault.atMs + fault.forMs;
  if ((fault.kind === "crash" || fault.kind === "stop") && fault.restartAfterMs !== undefined) {
    return fault.atMs + fault.restartAfterMs;
  }
  return fault.atMs;
}

/** The moment convergence is measured from: workload over and every fault healed. */
export function quiescenceStartMs(scenario: Scenario): number {
  return Math.max(scenario.durationMs, ...scenario.faults.map(faultEndMs), ...(scenario.attackers ?? []).map(attackerEndMs));
}
