/**
 * The real y-websocket WebsocketProvider inside the simulator (sim/yws/real-provider.ts): mixed
 * topologies run deterministically (same seed, same trace hash), y-websocket clients edit, receive
 * every other client's edits and converge with LfccProvider clients through an outage, a crash and
 * a partition (scenarios/y-websocket-mixed.yaml).
 */
import { readFile } from "node:fs/promises";
import * as Y from "yjs";
import { describe, expect, it } from "vitest";
import { parseScenario, validateScenario } from "../../lab/scenario/parse.ts";
import { toScenarioDocument } from "../../lab/scenario/to-document.ts";
import { runScenario } from "../../sim/index.ts";

async function mixedScenario() {
  return parseScenario(await readFile(new URL("../../scenarios/y-websocket-mixed.yaml", import.meta.url), "utf8"), "y-websocket-mixed.yaml");
}

describe("y-websocket clients in the simulator", () => {
  it("mixed lfcc + y-websocket clients converge through an outage, a crash and a partition, reproducibly", async () => {
    const scenario = await mixedScenario();
    expect(scenario.topology).toEqual({ servers: 3, docs: 2, clients: 12, yWebsocketClients: 6 });
    const first = await runScenario(scenario, { seed: 7 });
    expect(first.record.invariants.filter((i) => !i.passed)).toEqual([]);
    expect(first.record.passed).toBe(true);
    const { observations } = first;
    // c7..c12 are the y-websocket clients: each made edits, and holds everyone's.
    for (const docId of ["d1", "d2"]) {
      const oracle = new Y.Doc();
      for (const edit of observations.edits.filter((e) => e.docId === docId)) Y.applyUpdate(oracle, edit.update);
      for (const replica of observations.finalReplicas.filter((r) => r.docId === docId && r.live)) {
        const doc = new Y.Doc();
        Y.applyUpdate(doc, replica.state);
        expect(doc.getText("text").toString()).toBe(oracle.getText("text").toString());
      }
    }
    const ywsEditors = new Set(observations.edits.map((e) => e.client).filter((c) => Number(c.slice(1)) > 6));
    expect(ywsEditors.size).toBe(6);
    const second = await runScenario(scenario, { seed: 7 });
    expect(second.record.traceHash).toBe(first.record.traceHash);
  }, 60_000);

  it("writes client kinds back as { lfcc, yWebsocket } (failure files round-trip)", async () => {
    const scenario = await mixedScenario();
    const document = toScenarioDocument(scenario);
    expect(document.topology).toEqual({ servers: 3, docs: 2, clients: { lfcc: 6, yWebsocket: 6 } });
    expect(validateScenario(document, "round-trip")).toEqual(scenario);
  });
});
