/**
 * Apply amplification: Yjs update applications per (edit, replica) in bench/sim-speed.ts's run.
 * The ideal is 1: each edit integrated once at each other replica of its document. Counted from
 * the replicas' own transactions (every `Y.applyUpdate` is one transaction with the provider as its
 * origin), so the count covers sync answers, RESYNC exchanges and snapshots as well as live updates;
 * "effective" ones are those that changed the document. Run: `npx tsx bench/apply-amplification.ts`.
 */
import { buildScenarioWorld, runEndMs } from "../sim/index.ts";
import { SPEED_SCENARIO } from "./sim-speed.ts";

const { world } = buildScenarioWorld(SPEED_SCENARIO, { seed: 1 });
const applied = { calls: 0, effective: 0, bytes: 0 };
const watched = new Set<object>();
const watch = (): void => {
  for (const client of world.clients.values()) {
    if (watched.has(client.doc)) continue;
    watched.add(client.doc);
    client.doc.on("afterTransaction", (transaction) => {
      if (transaction.local || transaction.origin === null) return;
      applied.calls++;
      if (transaction.deleteSet.clients.size > 0 || transaction.afterState.size !== transaction.beforeState.size ||
          [...transaction.afterState].some(([id, clock]) => transaction.beforeState.get(id) !== clock)) applied.effective++;
    });
  }
};
watch();
await world.runUntil(runEndMs(SPEED_SCENARIO));
const edits = world.observer.edits.length;
const replicasPerDoc = SPEED_SCENARIO.topology.clients / SPEED_SCENARIO.topology.docs;
const ideal = edits * (replicasPerDoc - 1);
console.log(`${edits} edits, ${replicasPerDoc} replicas per doc: ideal ${ideal} applies`);
console.log(`applyUpdate calls: ${applied.calls} (${(applied.calls / ideal).toFixed(2)} per edit and replica); effective: ${applied.effective} (${(applied.effective / ideal).toFixed(2)})`);
