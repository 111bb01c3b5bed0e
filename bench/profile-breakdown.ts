/**
 * Where a CPU profile's time goes, by the part of the system each function belongs to: run a bench
 * with `node --import tsx --cpu-prof --cpu-prof-dir=DIR bench/sim-speed.ts 3`, then
 * `npx tsx bench/profile-breakdown.ts DIR/*.cpuprofile`. Self time (samples in the function itself)
 * is summed per area; "kernel overhead" is everything that is neither production code (relay,
 * provider) nor Yjs/lib0 nor the engine's GC: the simulator's scheduler, network, Redis model,
 * trace, observers and the lab's digests. Not a test: numbers for sim/README.md.
 */
import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const AREAS: Array<[string, RegExp]> = [
  ["yjs", /node_modules\/yjs\//],
  ["lib0", /node_modules\/lib0\//],
  ["provider", /\/relay\/provider\//],
  ["relay (core, bus, protocol)", /\/relay\//],
  ["sim kernel (scheduler, clock, trace, random)", /\/sim\/kernel\//],
  ["sim network + sockets", /\/sim\/net\//],
  ["sim redis", /\/sim\/redis\//],
  ["sim world (servers, clients, observer, digests)", /\/sim\/world\//],
  ["lab (checkers, observations, workload)", /\/lab\/|\/sim\/workload/],
  ["other node_modules", /node_modules\//],
  ["node internals", /^node:|^internal\//],
];

function areaOf(node: ProfileNode): string {
  const { url, functionName } = node.callFrame;
  if (functionName === "(garbage collector)") return "GC";
  if (functionName === "(idle)" || functionName === "(program)") return functionName;
  if (url === "") return "native/builtins";
  return AREAS.find(([, pattern]) => pattern.test(url))?.[0] ?? "other";
}

function breakdown(profile: Profile): { byArea: Map<string, number>; byFunction: Map<string, number>; totalUs: number } {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const byArea = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let totalUs = 0;
  profile.samples.forEach((id, i) => {
    const node = nodes.get(id)!;
    const us = profile.timeDeltas[i] ?? 0;
    const area = areaOf(node);
    if (area === "(idle)") return;
    totalUs += us;
    byArea.set(area, (byArea.get(area) ?? 0) + us);
    const where = `${node.callFrame.functionName || "(anonymous)"} ${node.callFrame.url.replace(/^.*\/(node_modules\/|)/, "")}:${node.callFrame.lineNumber + 1}`;
    byFunction.set(where, (byFunction.get(where) ?? 0) + us);
  });
  return { byArea, byFunction, totalUs };
}

for (const file of process.argv.slice(2)) {
  const { byArea, byFunction, totalUs } = breakdown(JSON.parse(readFileSync(file, "utf8")) as Profile);
  if (totalUs < 200_000) continue; // loader threads and short helpers
  console.log(`\n${file}: ${(totalUs / 1000).toFixed(0)} ms of samples`);
  for (const [area, us] of [...byArea].sort((a, b) => b[1] - a[1])) console.log(`  ${((100 * us) / totalUs).toFixed(1).padStart(5)}%  ${area}`);
  console.log("  top functions (self):");
  for (const [fn, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`  ${((100 * us) / totalUs).toFixed(1).padStart(5)}%  ${fn}`);
}
