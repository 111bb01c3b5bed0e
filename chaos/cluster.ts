/**
 * The real cluster of one chaos run: relay processes behind their Redis proxies, providers behind
 * their client proxies. Implements ChaosWorld, the surface the fault compiler acts on.
 */
import { randomBytes } from "node:crypto";
import type { Scenario } from "../lab/scenario/types.ts";
import { DeliveryTracker } from "../lab/deliveries.ts";
import type { ObservationSink } from "./client.ts";
import { ChaosClient } from "./client.ts";
import { ChaosYwsClient } from "./yws-client.ts";
import { clientKindOf } from "../lab/scenario/names.ts";
import type { ChaosWorld } from "./faults.ts";
import { freePort } from "./infra/free-port.ts";
import { startRedisCluster, type LocalRedisCluster } from "./infra/redis-cluster.ts";
import { RelayLogs, RelayProcess } from "./infra/relay-process.ts";
import type { ChaosServices } from "./infra/services.ts";
import { BALANCER_NODE, ChaosNetwork } from "./network.ts";
import { startNginx, type LocalNginx } from "./infra/nginx.ts";
import { RandomForest } from "../lab/random.ts";
import { initialClients, placeJoiner, serverNames, type ClientPlacement } from "./topology.ts";
import { ChaosWorkload } from "./workload.ts";
import { ChaosAttackHost } from "./attack-host.ts";
import { hasAttacks, type RedisInjectFault } from "../lab/attack/setup.ts";
import type { CrashObservation } from "../lab/attack/observations.ts";

export class ChaosCluster implements ChaosWorld {
  readonly network: ChaosNetwork;
  readonly relays = new Map<string, RelayProcess>();
  readonly clients = new Map<string, ChaosClient | ChaosYwsClient>();
  readonly logs = new RelayLogs();
  readonly sink: ObservationSink = { edits: [], sessions: [], leaves: [], peersSeen: [], deliveries: new DeliveryTracker(() => this.elapsedMs()) };
  /** serverId of every incarnation -> scenario server name. */
  private readonly serverIds = new Map<string, string>();
  private readonly incarnations = new Map<string, number>();
  private readonly runTag = randomBytes(3).toString("hex");
  private readonly forest: RandomForest;
  private readonly workload: ChaosWorkload;
  private startedAtMs = 0;
  /** Attackers and the Redis injector, when the scenario has them. */
  readonly attack: ChaosAttackHost | null;
  /** Relays that exited without a fault asking them to (noCrash). */
  readonly crashes: CrashObservation[] = [];
  private redisCluster: LocalRedisCluster | null = null;
  private balancer: LocalNginx | null = null;

  constructor(
    private readonly scenario: Scenario,
    private readonly services: ChaosServices,
    seed: number,
  ) {
    this.forest = new RandomForest(seed);
    this.workload = new ChaosWorkload(scenario.workload);
    this.network = new ChaosNetwork(services.toxiproxy.url, services.redis, (server) => this.relayOf(server).port, this.runTag);
    this.attack = hasAttacks(scenario)
      ? new ChaosAttackHost({ scenario, forest: this.forest, elapsedMs: () => this.elapsedMs(), deliveries: this.sink.deliveries, redis: services.redis, relayPort: (server) => this.relayOf(server).port })
      : null;
  }

  /** Proxies and relay processes up (not yet part of the run's timeline). */
  async start(): Promise<void> {
    await this.attack?.prepare();
    const shards = this.scenario.topology.redisShards ?? 1;
    // A cluster topology gets its own real cluster per run (the shared single Redis stays unused).
    if (shards > 1) this.redisCluster = await startRedisCluster({ masters: shards });
    for (const server of serverNames(this.scenario)) {
      const redis = this.redisCluster
        ? { redisCluster: await this.network.redisClusterFor(server, this.redisCluster.nodes) }
        : { redisUrl: await this.network.redisUrlFor(server) };
      const port = await freePort();
      const onUnexpectedExit = (message: string) => this.crashes.push({ tMs: this.elapsedMs(), server, message });
      this.relays.set(server, new RelayProcess({ server, port, ...redis, relay: this.scenario.relay, log: this.logs.sink(server), jwtSecret: this.attack?.jwtSecret, onUnexpectedExit }));
    }
    await Promise.all(serverNames(this.scenario).map((server) => this.startRelay(server)));
    if (this.scenario.topology.loadBalancer === "nginx") this.balancer = await startNginx([...this.relays.values()].map((relay) => relay.port));
    for (const placement of initialClients(this.scenario)) await this.addClientLinks(placement.client);
  }

  /** A client's proxies: to every relay, or to nginx alone when the scenario puts one in front. */
  private async addClientLinks(client: string): Promise<void> {
    if (this.balancer) await this.network.addClientToBalancer(client, `127.0.0.1:${this.balancer.port}`);
    else await this.network.addClient(client, this.serverNames());
  }

  /** t = 0: clients connect and the workload starts. */
  begin(): void {
    this.startedAtMs = performance.now();
    for (const placement of initialClients(this.scenario)) this.addClient(placement);
    this.attack?.begin();
  }

  elapsedMs(): number {
    return performance.now() - this.startedAtMs;
  }

  stopWorkload(): void {
    this.workload.stop();
  }

  serverNames(): string[] {
    return serverNames(this.scenario);
  }

  clientNames(): string[] {
    return [...this.clients.keys()];
  }

  serverName(serverId: string): string {
    return this.serverIds.get(serverId) ?? serverId;
  }

  async killServer(server: string, how: "crash" | "stop"): Promise<void> {
    for (const client of this.clients.values()) {
      if (client.currentServer === server) client.expectSessionEnd(how);
    }
    await this.relayOf(server).kill(how === "crash" ? "SIGKILL" : "SIGTERM");
  }

  restartServer(server: string): Promise<void> {
    return this.startRelay(server);
  }

  async restartRedis(shard?: string): Promise<string> {
    if (this.redisCluster) return this.restartClusterNodes(this.redisCluster, shard);
    const { redis } = this.services;
    if (redis.restart) {
      await redis.restart();
      return `redis-server (${redis.origin}) killed and restarted on port ${redis.port}`;
    }
    // Not ours to restart (REDIS_URL given): drop every relay->redis connection instead, which is
    // what a restart looks like from the relays (connections gone, subscriptions lost).
    const links = this.serverNames().map((s) => `${s}--redis`);
    await Promise.all(links.map((l) => this.network.cut(l, "redisRestart")));
    await Promise.all(links.map((l) => this.network.heal(l, "redisRestart")));
    return `Redis (${redis.origin}) is not ours to restart: dropped every relay->redis connection through Toxiproxy`;
  }

  expectSessionEnd(clients: string[], reason: string): void {
    for (const name of clients) this.clients.get(name)?.expectSessionEnd(reason);
  }

  async joinClients(clients: string[], doc?: string, server?: string): Promise<void> {
    for (const name of clients) {
      const placement = placeJoiner(this.scenario, name, doc, server);
      await this.addClientLinks(name);
      this.addClient(placement);
    }
  }

  injectRedis(fault: RedisInjectFault): Promise<string> {
    if (!this.attack) return Promise.reject(new Error("redisInject without an attack host"));
    return this.attack.inject(fault);
  }

  async leaveClients(clients: string[]): Promise<void> {
    for (const name of clients) this.clients.get(name)?.leave();
  }

  /** Providers closed, relays stopped, proxies removed. Services stay (they may serve more runs). */
  async shutdown(): Promise<void> {
    this.workload.stop();
    await this.attack?.shutdown();
    for (const client of this.clients.values()) client.provider.destroy();
    await Promise.all([...this.relays.values()].map((relay) => relay.kill("SIGTERM")));
    await this.network.removeAll();
    await this.redisCluster?.stop();
    await this.balancer?.stop();
  }

  /** SIGKILL and restart cluster masters (one, or all): their subscriptions are gone, their slots stay. */
  private async restartClusterNodes(cluster: LocalRedisCluster, shard: string | undefined): Promise<string> {
    const names = shard === undefined ? cluster.nodes.map((node) => node.name) : [shard];
    for (const name of names) await cluster.kill(name);
    for (const name of names) await cluster.restart(name);
    return `redis-server ${names.join(", ")} killed and restarted (cluster ok again)`;
  }

  private addClient(placement: ClientPlacement): void {
    const random = this.forest.stream(`client:${placement.client}`);
    const client = clientKindOf(this.scenario.topology, placement.client) === "yWebsocket"
      ? new ChaosYwsClient(
          {
            client: placement.client,
            docId: placement.docId,
            pick: () => {
              const server = this.pickServer(placement);
              return { server, url: this.network.clientUrl(placement.client, server) };
            },
            elapsedMs: () => this.elapsedMs(),
            random,
          },
          this.sink,
        )
      : new ChaosClient(
      {
        client: placement.client,
        docId: placement.docId,
        url: () => this.network.clientUrl(placement.client, this.balancer ? BALANCER_NODE : this.pickServer(placement)),
        serverName: (id) => this.serverName(id),
        elapsedMs: () => this.elapsedMs(),
        random,
        token: this.attack?.honestToken(),
        observer: this.attack?.observerFor(placement.client),
      },
      this.sink,
    );
    this.clients.set(placement.client, client);
    this.workload.drive(client, this.forest.stream(`workload:${placement.client}`));
  }

  /** The client's home server when its relay runs and the link is up, else the next such one (as the simulator's balancer). */
  private pickServer(placement: ClientPlacement): string {
    const names = this.serverNames();
    const home = Math.max(0, names.indexOf(placement.server));
    for (let i = 0; i < names.length; i++) {
      const candidate = names[(home + i) % names.length]!;
      if (this.relayOf(candidate).alive && !this.network.isCut(ChaosNetwork.linkName(placement.client, candidate))) return candidate;
    }
    return placement.server;
  }

  private async startRelay(server: string): Promise<void> {
    const generation = (this.incarnations.get(server) ?? 0) + 1;
    this.incarnations.set(server, generation);
    const serverId = `${server}-${this.runTag}-${generation}`;
    this.serverIds.set(serverId, server);
    await this.relayOf(server).start(serverId);
  }

  private relayOf(server: string): RelayProcess {
    const relay = this.relays.get(server);
    if (!relay) throw new Error(`unknown server ${server}`);
    return relay;
  }
}
