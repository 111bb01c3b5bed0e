/**
 * The chaos run's network: one Toxiproxy proxy per link that a fault may cut or slow.
 *   - `sN--redis`: relay sN -> Redis (so an outage, partition or latency can hit one server);
 *   - `sN--rK`: relay sN -> Redis Cluster master rK, instead, on a cluster topology (the relay's
 *     natMap sends it through these, so a fault can take one shard away from one server or all);
 *   - `cK--sN`: client cK -> relay sN (one per client and server, so a fault cuts exactly the
 *     clients it names, whichever server they reconnect to).
 * Faults overlap (a partition during an outage), so a proxy is disabled while ANY fault holds it
 * down, and enabled again only when the last one heals.
 */
import { Toxiproxy, type Proxy, type Toxic, type ToxicType, type ToxicDirection } from "toxiproxy-node-client";
import type { NatMap } from "../relay/adapters/ioredis-cluster.ts";

export interface Endpoint {
  host: string;
  port: number;
}

export interface ToxicSpec {
  type: ToxicType;
  stream: ToxicDirection;
  attributes: Record<string, number>;
}

/** The node name of the load balancer in link names (`c1--lb`). */
export const BALANCER_NODE = "lb";

export class ChaosNetwork {
  private readonly toxiproxy: Toxiproxy;
  private readonly proxies = new Map<string, Proxy>();
  private readonly downCauses = new Map<string, Set<string>>();
  private toxicCounter = 0;

  /**
   * `runTag` prefixes every proxy's name on the Toxiproxy server, so runs sharing one Toxiproxy
   * (a user's TOXIPROXY_URL) never touch each other's proxies.
   */
  constructor(
    toxiproxyUrl: string,
    private readonly redis: Endpoint,
    private readonly relayPort: (server: string) => number,
    private readonly runTag: string,
  ) {
    this.toxiproxy = new Toxiproxy(toxiproxyUrl);
  }

  static linkName(from: string, to: string): string {
    return `${from}--${to}`;
  }

  /** The redis:// URL relay `server` must use: through its own proxy. */
  async redisUrlFor(server: string): Promise<string> {
    const proxy = await this.ensure(ChaosNetwork.linkName(server, "redis"), `${this.redis.host}:${this.redis.port}`);
    return `redis://${proxy.listen}`;
  }

  /** Proxies from relay `server` to every cluster master; the seeds and natMap its `lfcc serve` gets. */
  async redisClusterFor(server: string, nodes: ReadonlyArray<{ name: string; address: string }>): Promise<{ seeds: string; natMap: NatMap }> {
    const natMap: NatMap = {};
    for (const node of nodes) {
      const proxy = await this.ensure(ChaosNetwork.linkName(server, node.name), node.address);
      const [host, port] = proxy.listen.split(":");
      natMap[node.address] = { host: host!, port: Number(port) };
    }
    return { seeds: nodes.map((node) => node.address).join(","), natMap };
  }

  /** Every relay -> Redis link: to the single Redis, or to cluster master `shard` (all masters without one). */
  redisLinks(shard?: string): string[] {
    return this.allLinks().filter((link) => {
      const to = link.split("--")[1]!;
      return shard === undefined ? to === "redis" || /^r\d+$/.test(to) : to === shard;
    });
  }

  /** The proxy from `client` to the load balancer at `upstream` (link `cK--lb`). */
  async addClientToBalancer(client: string, upstream: string): Promise<void> {
    await this.ensure(ChaosNetwork.linkName(client, BALANCER_NODE), upstream);
  }

  /** Creates the proxies from `client` to every server (before the client connects). */
  async addClient(client: string, servers: string[]): Promise<void> {
    for (const server of servers) {
      await this.ensure(ChaosNetwork.linkName(client, server), `127.0.0.1:${this.relayPort(server)}`);
    }
  }

  /** ws:// base URL for `client` to reach `server` (synchronous: the provider's url() calls it). */
  clientUrl(client: string, server: string): string {
    const proxy = this.proxies.get(ChaosNetwork.linkName(client, server));
    if (!proxy) throw new Error(`no proxy for ${client} -> ${server}: addClient first`);
    return `ws://${proxy.listen}`;
  }

  /** Every link name touching `node` (as either end). */
  linksOf(node: string): string[] {
    return [...this.proxies.keys()].filter((name) => name.split("--").includes(node));
  }

  allLinks(): string[] {
    return [...this.proxies.keys()];
  }

  isCut(link: string): boolean {
    return (this.downCauses.get(link)?.size ?? 0) > 0;
  }

  /** Disables the proxy of `link` on behalf of `cause`: Toxiproxy closes its connections and stops listening. */
  async cut(link: string, cause: string): Promise<void> {
    const causes = this.downCauses.get(link) ?? new Set<string>();
    causes.add(cause);
    this.downCauses.set(link, causes);
    if (causes.size === 1) await this.setEnabled(link, false);
  }

  /** Lifts `cause`'s cut; the proxy listens again once no other fault holds it. */
  async heal(link: string, cause: string): Promise<void> {
    const causes = this.downCauses.get(link);
    if (!causes?.delete(cause)) return;
    if (causes.size === 0) await this.setEnabled(link, true);
  }

  /** Adds a toxic to a link; returns the function that removes it. */
  async addToxic(link: string, spec: ToxicSpec): Promise<() => Promise<void>> {
    const proxy = this.proxyNamed(link);
    const toxic: Toxic<unknown> = await proxy.addToxic({
      name: `${spec.type}-${spec.stream}-${++this.toxicCounter}`,
      type: spec.type,
      stream: spec.stream,
      toxicity: 1,
      attributes: spec.attributes,
    });
    return () => toxic.remove().catch(() => undefined);
  }

  async removeAll(): Promise<void> {
    await Promise.all([...this.proxies.values()].map((proxy) => proxy.remove().catch(() => undefined)));
    this.proxies.clear();
  }

  private async ensure(name: string, upstream: string): Promise<Proxy> {
    const existing = this.proxies.get(name);
    if (existing) return existing;
    // Port 0: Toxiproxy picks a free port and reports it; we keep it across disable/enable.
    const proxy = await this.toxiproxy.createProxy({ name: `lfcc-${this.runTag}-${name}`, listen: "127.0.0.1:0", upstream, enabled: true });
    this.proxies.set(name, proxy);
    return proxy;
  }

  private async setEnabled(link: string, enabled: boolean): Promise<void> {
    const proxy = this.proxyNamed(link);
    const updated = await proxy.update({ enabled, listen: proxy.listen, upstream: proxy.upstream });
    this.proxies.set(link, updated);
  }

  private proxyNamed(link: string): Proxy {
    const proxy = this.proxies.get(link);
    if (!proxy) throw new Error(`unknown link ${link}`);
    return proxy;
  }
}
