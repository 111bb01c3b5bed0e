/** Node names of a topology: servers s1..sN, docs d1..dN, clients c1..cN, and `redis`. */
import type { Topology } from "./types.ts";

export const REDIS_NODE = "redis";

export function serverNames(topology: Topology): string[] {
  return numbered("s", topology.servers);
}

export function docNames(topology: Topology): string[] {
  return numbered("d", topology.docs);
}

/** Redis Cluster masters r1..rN; none with one Redis (it is just `redis`). */
export function redisShardNames(topology: Pick<Topology, "redisShards">): string[] {
  return (topology.redisShards ?? 1) > 1 ? numbered("r", topology.redisShards!) : [];
}

export function initialClientNames(topology: Topology): string[] {
  return numbered("c", topology.clients);
}

export function numbered(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${i + 1}`);
}

/** The number in `c12`, or undefined for names that are not `c<N>`. */
export function clientNumber(name: string): number | undefined {
  const match = /^c(\d+)$/.exec(name);
  return match ? Number(match[1]) : undefined;
}

/** `s1, s2, s3` — or `s1, s2, …, s40` for long lists, so messages stay one readable line. */
export function listNames(names: readonly string[]): string {
  if (names.length <= 12) return names.join(", ");
  return [...names.slice(0, 10), "…", names[names.length - 1]].join(", ");
}
