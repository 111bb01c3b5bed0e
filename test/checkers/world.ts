/**
 * A tiny hand-driven "world" for checker tests: real Y.Docs edited and synced by hand, recording
 * the same Observations the simulator records, so each test builds exactly the history it needs.
 */
import { defineScenario } from "../../lab/scenario/define.ts";
import * as Y from "yjs";
import type { EditObservation, FinalReplica, Observations, SessionObservation } from "../../lab/observations.ts";
import type { Expectations, Fault, Scenario } from "../../lab/scenario/types.ts";

export interface TestClient {
  name: string;
  docId: string;
  doc: Y.Doc;
}

export class TestWorld {
  readonly edits: EditObservation[] = [];
  readonly clients: TestClient[] = [];

  client(name: string, clientID: number, docId = "d1"): TestClient {
    const doc = new Y.Doc();
    doc.clientID = clientID;
    const client = { name, docId, doc };
    this.clients.push(client);
    return client;
  }

  /** A local edit at tMs: records the update the transaction produced, as the provider would. */
  edit(client: TestClient, tMs: number, change: (doc: Y.Doc) => void): Uint8Array {
    let update: Uint8Array | undefined;
    const capture = (u: Uint8Array): void => {
      update = u;
    };
    client.doc.on("update", capture);
    client.doc.transact(() => change(client.doc));
    client.doc.off("update", capture);
    if (update === undefined) throw new Error("edit produced no update");
    this.edits.push({ tMs, client: client.name, docId: client.docId, update });
    return update;
  }

  insert(client: TestClient, tMs: number, text: string): Uint8Array {
    return this.edit(client, tMs, (doc) => doc.getText("text").insert(0, text));
  }

  /** Deliver everything `from` has that `to` lacks (a received update, not an edit). */
  sync(from: TestClient, to: TestClient): void {
    Y.applyUpdate(to.doc, Y.encodeStateAsUpdate(from.doc, Y.encodeStateVector(to.doc)), "remote");
  }

  syncAll(): void {
    for (const a of this.clients) for (const b of this.clients) if (a !== b && a.docId === b.docId) this.sync(a, b);
  }

  finals(departed: string[] = []): FinalReplica[] {
    return this.clients.map((c) => ({ client: c.name, docId: c.docId, live: !departed.includes(c.name), state: Y.encodeStateAsUpdate(c.doc) }));
  }
}

export function session(client: string, senderId: string, startMs: number, endMs: number | null, extra: Partial<SessionObservation> = {}): SessionObservation {
  return { client, docId: "d1", senderId, server: "s1", startMs, endMs, endReason: endMs === null ? null : "disconnect", ...extra };
}

export function observations(overrides: Partial<Observations>): Observations {
  return { quiescenceMs: 10_000, endMs: 30_000, edits: [], sessions: [], leaves: [], queueSamples: [], replicaSamples: [], finalReplicas: [], ...overrides };
}

export function scenario(expect: Expectations, faults: Fault[] = []): Scenario {
  return defineScenario({ name: "test", durationMs: 10_000, topology: { servers: 2, docs: 1, clients: 3 }, faults, expect });
}
