/**
 * The programmatic simulator: build a world (servers, clients, Redis, network), schedule actions
 * and faults at virtual times, run, inspect. The scenario runner (sim/world/run.ts) is built on it, and
 * tests use it directly:
 *
 *   const world = createWorld({ seed: 1 });
 *   world.addServer("s1"); world.addClient("c1", "d1", "s1");
 *   world.at(1000, () => world.crash("s1"));
 *   await world.runUntil(5000);
 *   world.replicaDigests("d1");
 */
import * as Y from "yjs";
import type { Observations, PeerSample } from "../../lab/observations.ts";
import type { Workload } from "../../lab/scenario/types.ts";
import type { RelayConfig } from "../../relay/config.ts";
import type { CrashObservation } from "../../lab/attack/observations.ts";
import type { Scenario } from "../../lab/scenario/types.ts";
import { SimKernel, UNHANDLED_NODE } from "../kernel/kernel.ts";
import { SimAttackHost } from "./attack-host.ts";
import { Network, type LatencySettings } from "../net/network.ts";
import { VirtualRedis, REDIS_NODE } from "../redis/server.ts";
import { createVirtualCluster } from "../redis/shards.ts";
import { SimClient } from "./client.ts";
import { SimYwsClient } from "./yws-client.ts";

/** A simulated client of either kind (LfccProvider or the real y-websocket WebsocketProvider). */
export type AnySimClient = SimClient | SimYwsClient;
import { ObservationLog } from "./observer.ts";
import { productionRelay, type RelayFactory } from "./relay-host.ts";
import { SimServer } from "./server.ts";
import { TimeSeriesRecorder } from "./time-series.ts";

export interface WorldOptions {
  seed: number;
  keepTrace?: boolean;
  /** Default one-way latency of every link. Default base 2 ms, jitter 3 ms (SCENARIOS.md). */
  latency?: LatencySettings;
  relay?: Partial<Omit<RelayConfig, "serverId">>;
  relayFactory?: RelayFactory;
  /** How often replica digests are sampled (virtual ms). Default 250. */
  replicaSampleEveryMs?: number;
  /**
   * Before this time, replica digests are sampled only every SPARSE_SAMPLE_EVERY_MS. Digests cost
   * a walk over the whole doc, and while the workload runs replicas change between samples anyway;
   * convergence is judged from quiescence on, where sampling is dense. Default 0 (always dense).
   */
  sparseReplicaSamplingUntilMs?: number;
  /** How often the time series is sampled (virtual ms). Default 500. */
  timeSeriesEveryMs?: number;
  /** How often every connected client's peer set is sampled (virtual ms). Default 500. */
  peerSampleEveryMs?: number;
  /** Redis Cluster masters r1..rN instead of one "redis" node (SCENARIOS.md v1.1). Default 1. */
  redisShards?: number;
}

/** Replica sampling period before `sparseReplicaSamplingUntilMs`. */
export const SPARSE_SAMPLE_EVERY_MS = 1000;

/** How long Redis refuses connections while it restarts. */
export const REDIS_RESTART_DOWN_MS = 100;

export class SimWorld {
  readonly kernel: SimKernel;
  readonly network: Network;
  /** The single Redis, or the first master of a cluster. */
  readonly redis: VirtualRedis;
  /** Every Redis node: [redis], or the cluster masters r1..rN. */
  readonly redisNodes: VirtualRedis[];
  readonly observer: ObservationLog;
  readonly servers = new Map<string, SimServer>();
  readonly clients = new Map<string, AnySimClient>();
  readonly timeSeries: TimeSeriesRecorder;
  readonly peerSamples: PeerSample[] = [];
  private readonly relayFactory: RelayFactory;
  private readonly serverNames = new Map<string, string>();
  /** Relay processes that died of an error (noCrash): an exception escaping a relay callback ends a real process. */
  readonly crashes: CrashObservation[] = [];
  /** Attackers and the Redis injector, when the scenario has them (enableAttacks). */
  attackHost: SimAttackHost | undefined;

  constructor(private readonly options: WorldOptions) {
    this.kernel = new SimKernel({ seed: options.seed, keepTrace: options.keepTrace });
    this.network = new Network(this.kernel, this.kernel.stream("net"), options.latency ?? { baseMs: 2, jitterMs: 3 });
    const shards = options.redisShards ?? 1;
    this.redisNodes = shards > 1 ? createVirtualCluster(this.kernel, this.network, shards) : [new VirtualRedis(this.kernel, this.network)];
    this.redis = this.redisNodes[0]!;
    this.observer = new ObservationLog(() => this.kernel.nowMs);
    this.relayFactory = options.relayFactory ?? productionRelay;
    this.timeSeries = new TimeSeriesRecorder(this);
    this.kernel.onError = (node, message) => this.nodeFailed(node, message);
    this.every(options.replicaSampleEveryMs ?? 250, () => this.sampleReplicas());
    this.every(options.timeSeriesEveryMs ?? 500, () => this.timeSeries.sample(this.kernel.nowMs));
    this.every(options.peerSampleEveryMs ?? 500, () => this.samplePeers());
  }

  get nowMs(): number {
    return this.kernel.nowMs;
  }

  addServer(name: string): SimServer {
    const server = new SimServer(
      {
        kernel: this.kernel,
        network: this.network,
        observer: this.observer,
        relayFactory: this.relayFactory,
        relayConfig: this.options.relay ?? {},
        redisShards: this.options.redisShards,
      },
      name,
    );
    this.servers.set(name, server);
    this.startServer(name);
    return server;
  }

  addClient(name: string, docId: string, homeServer: string, kind: "lfcc" | "yWebsocket" = "lfcc"): AnySimClient {
    if (this.clients.has(name)) throw new Error(`client ${name} already exists`);
    this.kernel.trace.record(name, "client.add", kind === "lfcc" ? { docId, homeServer } : { docId, homeServer, kind });
    const Kind = kind === "lfcc" ? SimClient : SimYwsClient;
    const client = new Kind(
      {
        kernel: this.kernel,
        network: this.network,
        observer: this.observer,
        urlFor: (c) => `ws://${this.pickServer(c)}/`,
        serverNameOf: (serverId) => this.serverNames.get(serverId) ?? serverId,
        attackObserver: this.attackHost?.observerFor(name),
      },
      name,
      docId,
      homeServer,
    );
    this.clients.set(name, client);
    return client;
  }

  /** Hosts the scenario's attackers and Redis injector; call before adding clients. */
  enableAttacks(scenario: Scenario): SimAttackHost {
    this.attackHost ??= new SimAttackHost(this, scenario);
    return this.attackHost;
  }

  startWorkload(client: string, workload: Workload, untilMs: number): void {
    this.client(client).startWorkload(workload, untilMs);
  }

  /** Runs `fn` at virtual time `atMs`. */
  at(atMs: number, fn: () => void): void {
    this.kernel.at(atMs, "world", fn);
  }

  /** `maxEvents`: stop there (kernel.exhausted says so) instead of simulating a storm to the end. */
  runUntil(endMs: number, onEvent?: () => void, maxEvents?: number): Promise<void> {
    return this.kernel.runUntil(endMs, onEvent, maxEvents);
  }

  // ---- faults (each is an immediate action; sim/world/faults.ts schedules them and their heals)

  crash(server: string): void {
    this.fault("crash", { server });
    this.server(server).crash();
  }

  stop(server: string): void {
    this.fault("stop", { server });
    this.server(server).stop();
  }

  startServer(server: string): void {
    const serverId = this.server(server).start();
    this.serverNames.set(serverId, server);
  }

  /** Redis (or one cluster master, `shard`) unreachable from every server; returns the heal. */
  redisOutage(shard?: string): () => void {
    this.fault("redisOutage", shard === undefined ? {} : { shard });
    const nodes = this.redisTargets(shard).map((redis) => redis.node);
    for (const node of nodes) this.network.isolate(node);
    return () => {
      this.fault("redisOutage.heal", shard === undefined ? {} : { shard });
      for (const node of nodes) this.network.reconnectNode(node);
    };
  }

  redisRestart(shard?: string): void {
    this.fault("redisRestart", shard === undefined ? {} : { shard });
    for (const redis of this.redisTargets(shard)) redis.restart(REDIS_RESTART_DOWN_MS);
  }

  partition(sides: string[][]): () => void {
    this.fault("partition", { sides });
    const id = this.network.partition(sides.map((side) => side.flatMap((node) => this.expandRedis(node))));
    return () => {
      this.fault("partition.heal", { sides });
      this.network.healPartition(id);
    };
  }

  disconnect(clients: string[]): () => void {
    this.fault("disconnect", { clients });
    for (const client of clients) this.network.isolate(client);
    return () => {
      this.fault("disconnect.heal", { clients });
      for (const client of clients) this.network.reconnectNode(client);
    };
  }

  latency(a: string, b: string, addMs: number, jitterMs: number): () => void {
    this.fault("latency", { a, b, addMs, jitterMs });
    const ids = this.expandRedis(a).flatMap((from) => this.expandRedis(b).map((to) => this.network.addLatency(from, to, addMs, jitterMs)));
    return () => {
      this.fault("latency.heal", { a, b });
      for (const id of ids) this.network.removeLatency(id);
    };
  }

  /** The Redis nodes a fault names: one master by name, or all of Redis. */
  private redisTargets(shard: string | undefined): VirtualRedis[] {
    if (shard === undefined) return this.redisNodes;
    const target = this.redisNodes.find((redis) => redis.node === shard);
    if (!target) throw new Error(`unknown Redis shard ${shard} (nodes: ${this.redisNodes.map((r) => r.node).join(", ")})`);
    return [target];
  }

  /** "redis" names every master of a cluster (SCENARIOS.md v1.1); other names stay. */
  private expandRedis(node: string): string[] {
    return node === REDIS_NODE ? this.redisNodes.map((redis) => redis.node) : [node];
  }

  slowClient(client: string): () => void {
    this.fault("slowClient", { client });
    this.client(client).setSlow(true);
    return () => {
      this.fault("slowClient.heal", { client });
      this.client(client).setSlow(false);
    };
  }

  clockSkew(server: string, offsetMs: number): void {
    this.fault("clockSkew", { server, offsetMs });
    this.server(server).setSkew(offsetMs);
  }

  leave(clients: string[]): void {
    this.fault("leave", { clients });
    for (const client of clients) this.client(client).leave();
  }

  // ---- inspection

  server(name: string): SimServer {
    const server = this.servers.get(name);
    if (!server) throw new Error(`unknown server ${name} (servers: ${[...this.servers.keys()].join(", ")})`);
    return server;
  }

  client(name: string): AnySimClient {
    const client = this.clients.get(name);
    if (!client) throw new Error(`unknown client ${name} (clients: ${[...this.clients.keys()].join(", ")})`);
    return client;
  }

  docIds(): string[] {
    return [...new Set([...this.clients.values()].map((c) => c.docId))].sort();
  }

  /** The latest replica sample of each doc (time series reuse it instead of digesting again). */
  latestDivergence(docId: string): number {
    for (let i = this.observer.replicaSamples.length - 1; i >= 0; i--) {
      const sample = this.observer.replicaSamples[i];
      if (sample.docId === docId) return new Set(Object.values(sample.digests)).size;
    }
    return 1;
  }

  /** Digest of every live replica of a doc (client name -> digest). */
  replicaDigests(docId: string): Record<string, string> {
    const digests: Record<string, string> = {};
    for (const client of this.clients.values()) {
      if (client.docId === docId && !client.left) digests[client.name] = client.digest();
    }
    return digests;
  }

  observations(quiescenceMs: number): Observations {
    return {
      quiescenceMs,
      endMs: this.kernel.nowMs,
      edits: this.observer.edits,
      sessions: this.observer.sessions,
      leaves: this.observer.leaves,
      peersSeen: this.observer.peersSeen,
      peerSamples: this.peerSamples,
      queueSamples: this.observer.queueSamples,
      replicaSamples: this.observer.replicaSamples,
      crashes: this.crashes,
      ...(this.attackHost ? { attack: this.attackHost.ledger.observations() } : {}),
      finalReplicas: [...this.clients.values()].map((client) => ({
        client: client.name,
        docId: client.docId,
        live: !client.left,
        state: encodeState(client),
      })),
    };
  }

  /** The load balancer: the client's home server when it is up and reachable, else the next healthy one. */
  private pickServer(client: { name: string; homeServer: string }): string {
    const names = [...this.servers.keys()];
    const home = Math.max(0, names.indexOf(client.homeServer));
    for (let i = 0; i < names.length; i++) {
      const candidate = names[(home + i) % names.length];
      if (this.servers.get(candidate)!.isUp && this.network.canTalk(client.name, candidate)) return candidate;
    }
    return client.homeServer;
  }

  /** An error escaped a relay: that process would have died, so the server crashes (no restart). */
  private nodeFailed(node: string, message: string): void {
    if (node !== UNHANDLED_NODE && !this.servers.has(node)) return;
    this.crashes.push({ tMs: this.kernel.nowMs, server: node, message });
    const server = this.servers.get(node);
    if (server?.isUp) this.kernel.after(0, "world", () => this.crash(node));
  }

  private sampleReplicas(): void {
    const now = this.kernel.nowMs;
    if (now < (this.options.sparseReplicaSamplingUntilMs ?? 0) && now % SPARSE_SAMPLE_EVERY_MS !== 0) return;
    for (const docId of this.docIds()) {
      this.observer.replicaSamples.push({ tMs: this.kernel.nowMs, docId, digests: this.replicaDigests(docId) });
    }
  }

  /** Presence completeness is judged on these: who each connected client counts as present. */
  private samplePeers(): void {
    const tMs = this.kernel.nowMs;
    for (const client of this.clients.values()) {
      // A y-websocket client never learns its senderId nor its peers' (see yws-client.ts).
      if (!(client instanceof SimClient)) continue;
      const senderId = client.provider.senderId;
      if (!client.isConnected || client.left || senderId === null) continue;
      this.peerSamples.push({ tMs, client: client.name, docId: client.docId, senderId, peers: [...client.provider.peers] });
    }
  }

  private every(intervalMs: number, fn: () => void): void {
    const tick = () => {
      fn();
      this.kernel.scheduler.schedule(intervalMs, tick);
    };
    this.kernel.scheduler.schedule(intervalMs, tick);
  }

  private fault(kind: string, detail: Record<string, unknown>): void {
    this.kernel.trace.record("world", "fault", { kind, ...detail });
  }
}

function encodeState(client: AnySimClient): Uint8Array {
  return Y.encodeStateAsUpdate(client.doc);
}

export function createWorld(options: WorldOptions): SimWorld {
  return new SimWorld(options);
}
