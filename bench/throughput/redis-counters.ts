/**
 * What the benchmarks read from real Redis servers: how many PUBLISH / SPUBLISH commands they have
 * executed (INFO commandstats, summed over every node given: the masters of a cluster), and each
 * server's pid (INFO server), so its CPU can be read from /proc.
 */
import type { Redis } from "ioredis";

/** Sum of cmdstat_publish and cmdstat_spublish calls over `nodes`. */
export async function publishCalls(nodes: Redis[]): Promise<number> {
  const infos = await Promise.all(nodes.map((node) => node.info("commandstats")));
  let calls = 0;
  for (const info of infos) {
    for (const match of info.matchAll(/^cmdstat_s?publish:calls=(\d+)/gm)) calls += Number(match[1]);
  }
  return calls;
}

export async function redisPid(node: Redis): Promise<number> {
  const pid = /^process_id:(\d+)/m.exec(await node.info("server"));
  if (!pid) throw new Error("INFO server has no process_id");
  return Number(pid[1]);
}
