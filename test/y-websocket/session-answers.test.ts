/**
 * The y-websocket session turns its client's answers into core frames: an answer to a peer's
 * SYNC_STEP1 must be addressed `to` that peer (PROTOCOL.md section 8), or a state-request flood
 * makes an honest y-websocket client broadcast its document and spend its own rate budget (found
 * by `lfcc fuzz` with attackers: an honest y-websocket client was rate limited under its budget).
 */
import { expect, it } from "vitest";
import * as Y from "yjs";
import { DEFAULT_Y_WEBSOCKET_CONFIG } from "../../relay/config.ts";
import { DocAwareness } from "../../relay/dialects/y-websocket/awareness-bridge.ts";
import { YWebsocketSession, type DialectRelay } from "../../relay/dialects/y-websocket/session.ts";
import * as wire from "../../relay/dialects/y-websocket/wire.ts";
import { ManualClock, SeededRandom } from "../relay/fakes.ts";

function session() {
  const toCore: Array<{ type: string; payload: Record<string, unknown> }> = [];
  const toClient: Uint8Array[] = [];
  const relay: DialectRelay = {
    handleConnection: async () => {},
    handleMessage: (_ws, data) => toCore.push(JSON.parse(data)),
    handleDisconnection: () => {},
  };
  const socket = { readyState: 1, bufferedAmount: 0, send: (b: Uint8Array) => toClient.push(b), close: () => {} };
  const clock = new ManualClock();
  const ctx = { relay, clock, random: new SeededRandom(1), config: DEFAULT_Y_WEBSOCKET_CONFIG, emit: () => {} };
  const s = new YWebsocketSession(socket as never, ctx, new DocAwareness(), "d1", "yws-1", "editor");
  return { s, toCore, toClient, clock };
}

function frame(type: string, senderId: string, payload: Record<string, unknown>): string {
  return JSON.stringify({ v: 1, type, docId: "d1", senderId, messageId: "m", ts: 0, payload });
}

it("answers a peer's SYNC_STEP1 to that peer only", async () => {
  const { s, toCore, toClient, clock } = session();
  s.send(frame("WELCOME", "yws-1", { senderId: "yws-1", peers: [] }));
  await clock.advance(1); // the session starts handling client frames after WELCOME (a 0 ms timer)
  s.send(frame("SYNC_STEP1", "peer-7", { stateVector: Buffer.from(Y.encodeStateVector(new Y.Doc())).toString("base64") }));
  expect(toClient.length).toBeGreaterThan(0); // the client was asked (SyncStep1)
  const doc = new Y.Doc();
  doc.getText("t").insert(0, "hello");
  s.receive(wire.encodeSyncStep2(Y.encodeStateAsUpdate(doc)));
  const updates = toCore.filter((f) => f.type === "CRDT_UPDATE");
  expect(updates).toHaveLength(1);
  expect(updates[0]!.payload.to).toBe("peer-7");
});
