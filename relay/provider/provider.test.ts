import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { fromBase64, toBase64 } from "lib0/buffer";
import type { ClientSocket, Clock, Random, TimerHandle } from "../ports.ts";
import { LfccProvider } from "./provider.ts";
import { backoffCapMs, backoffDelayMs } from "./backoff.ts";

/** Timers that fire only when the test advances time. */
class ManualClock implements Clock {
  private nowMs = 0;
  private nextId = 1;
  private timers = new Map<number, { at: number; fn: () => void; every?: number }>();
  now = () => this.nowMs;
  setTimeout = (fn: () => void, delayMs: number): TimerHandle => this.add(fn, delayMs);
  setInterval = (fn: () => void, intervalMs: number): TimerHandle => this.add(fn, intervalMs, intervalMs);
  clearTimeout = (handle: TimerHandle | undefined) => void this.timers.delete(handle as number);
  clearInterval = (handle: TimerHandle | undefined) => void this.timers.delete(handle as number);
  private add(fn: () => void, delayMs: number, every?: number): number {
    const id = this.nextId++;
    this.timers.set(id, { at: this.nowMs + delayMs, fn, every });
    return id;
  }
  advance(ms: number): void {
    const target = this.nowMs + ms;
    for (;;) {
      const due = [...this.timers.entries()].filter(([, t]) => t.at <= target).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      const [id, timer] = due;
      this.nowMs = timer.at;
      if (timer.every) timer.at += timer.every;
      else this.timers.delete(id);
      timer.fn();
    }
    this.nowMs = target;
  }
}

/** A Random whose next() returns the given fixed value. */
function fixedRandom(value: number): Random {
  let counter = 0;
  return { next: () => value, uint32: () => 7, id: (prefix) => `${prefix}-${++counter}` };
}

type Frame = { type: string; docId?: string; payload: Record<string, unknown> };

class FakeSocket implements ClientSocket {
  readyState = 0;
  sent: Frame[] = [];
  onopen: ((ev?: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number; reason?: string }) => void) | null = null;
  onerror: ((ev?: unknown) => void) | null = null;
  constructor(readonly url: string) {}
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  receive(type: string, payload: object, senderId = "server") {
    this.onmessage?.({ data: JSON.stringify({ type, docId: "d1", senderId, messageId: "m", ts: 0, payload }) });
  }
  dropFromServer(code = 1006) {
    this.readyState = 3;
    this.onclose?.({ code });
  }
  ofType(type: string): Frame[] {
    return this.sent.filter((frame) => frame.type === type);
  }
}

function setup(options: { random?: Random; token?: string; maxPendingBytes?: number } = {}) {
  const clock = new ManualClock();
  const sockets: FakeSocket[] = [];
  const doc = new Y.Doc();
  let urlCalls = 0;
  const provider = new LfccProvider({
    url: () => `ws://relay-${++urlCalls}.test:3030/`,
    docId: "d1",
    doc,
    token: options.token,
    maxPendingBytes: options.maxPendingBytes,
    clock,
    random: options.random ?? fixedRandom(0.5),
    socketFactory: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    },
  });
  const last = () => sockets[sockets.length - 1]!;
  const welcome = (senderId = "c-me", peers: string[] = []) => {
    last().open();
    last().receive("WELCOME", { senderId, serverId: "s1", docId: "d1", role: "editor", peers });
  };
  return { clock, sockets, doc, provider, last, welcome };
}

/** Opening is async (the socket factory may load lazily): let it settle. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

function docWithText(text: string, clientID: number): Y.Doc {
  const doc = new Y.Doc();
  doc.clientID = clientID;
  doc.getText("t").insert(0, text);
  return doc;
}

describe("backoff", () => {
  it("grows exponentially from base, stays within [cap/2, cap] and never exceeds max", () => {
    const policy = { baseMs: 100, maxMs: 5000 };
    expect([0, 1, 2, 3, 6, 40].map((a) => backoffCapMs(policy, a))).toEqual([100, 200, 400, 800, 5000, 5000]);
    for (const value of [0, 0.25, 0.999999]) {
      for (let attempt = 0; attempt < 12; attempt++) {
        const cap = backoffCapMs(policy, attempt);
        const delay = backoffDelayMs(policy, attempt, fixedRandom(value));
        expect(delay).toBeGreaterThanOrEqual(cap / 2);
        expect(delay).toBeLessThan(cap);
      }
    }
  });
});

describe("LfccProvider connection", () => {
  it("puts docId and token in the URL and asks the url function again on every reconnect", async () => {
    const { sockets, last } = setup({ token: "jwt.x.y" });
    await settle();
    const url = new URL(last().url);
    expect(url.host).toBe("relay-1.test:3030");
    expect(url.searchParams.get("docId")).toBe("d1");
    expect(url.searchParams.get("token")).toBe("jwt.x.y");
    expect(sockets).toHaveLength(1);
  });

  it("reconnects after a jittered, growing delay and resets the back-off after a WELCOME", async () => {
    const { clock, sockets, last, welcome } = setup({ random: fixedRandom(0) });
    await settle();
    last().dropFromServer();
    clock.advance(49);
    await settle();
    expect(sockets).toHaveLength(1);
    clock.advance(1); // attempt 0: cap 100, random 0 -> 50 ms
    await settle();
    expect(sockets).toHaveLength(2);
    expect(new URL(last().url).host).toBe("relay-2.test:3030");
    last().dropFromServer();
    clock.advance(99); // attempt 1: cap 200 -> 100 ms
    await settle();
    expect(sockets).toHaveLength(2);
    clock.advance(1);
    await settle();
    expect(sockets).toHaveLength(3);
    welcome();
    last().dropFromServer();
    clock.advance(50); // back to attempt 0 after the successful session
    await settle();
    expect(sockets).toHaveLength(4);
  });

  it("does not reconnect after disconnect()", async () => {
    const { clock, sockets, provider, welcome } = setup();
    await settle();
    welcome();
    provider.disconnect();
    expect(provider.status).toBe("disconnected");
    clock.advance(60_000);
    await settle();
    expect(sockets).toHaveLength(1);
  });
});

describe("LfccProvider sync", () => {
  it("asks for a snapshot with its state vector on WELCOME", async () => {
    const { doc, last, welcome } = setup();
    doc.getText("t").insert(0, "offline edit");
    await settle();
    welcome();
    const [request] = last().ofType("SNAPSHOT_REQUEST");
    expect(request!.docId).toBe("d1");
    expect(fromBase64(request!.payload.stateVector as string)).toEqual(Y.encodeStateVector(doc));
  });

  it("applies a snapshot, pushes what the source lacks to the source only, then asks every peer to exchange", async () => {
    const { doc, provider, last, welcome } = setup();
    doc.clientID = 1;
    doc.getText("t").insert(0, "mine ");
    await settle();
    welcome();
    const source = docWithText("theirs", 2);
    const requestId = last().ofType("SNAPSHOT_REQUEST")[0]!.payload.requestId;
    let synced = false;
    provider.on("synced", () => (synced = true));
    last().receive("SNAPSHOT_RESPONSE", { requestId: "someone-else", update: null });
    expect(synced).toBe(false);
    last().receive("SNAPSHOT_RESPONSE", {
      requestId,
      update: toBase64(Y.encodeStateAsUpdate(source)),
      stateVector: toBase64(Y.encodeStateVector(source)),
      source: "c-src",
    });
    expect(synced).toBe(true);
    expect(doc.getText("t").toString()).toContain("theirs");
    const pushed = last().ofType("CRDT_UPDATE").at(-1)!;
    expect(pushed.payload.to).toBe("c-src");
    Y.applyUpdate(source, fromBase64(pushed.payload.update as string));
    expect(source.getText("t").toString()).toBe(doc.getText("t").toString());
    const step1 = last().ofType("SYNC_STEP1").at(-1)!;
    expect(step1.payload.to).toBeUndefined();
    expect(fromBase64(step1.payload.stateVector as string)).toEqual(Y.encodeStateVector(doc));
  });

  it("treats a null snapshot (no source) as an empty start and still syncs", async () => {
    const { provider, last, welcome } = setup();
    await settle();
    welcome();
    const requestId = last().ofType("SNAPSHOT_REQUEST")[0]!.payload.requestId;
    last().receive("SNAPSHOT_RESPONSE", { requestId, update: null, source: "none" });
    expect(provider.synced).toBe(true);
    expect(last().ofType("CRDT_UPDATE")).toHaveLength(0);
  });

  it("answers the server's SNAPSHOT_REQUEST with the diff against the requester's vector", async () => {
    const { doc, last, welcome } = setup();
    doc.clientID = 1;
    doc.getText("t").insert(0, "hello world");
    await settle();
    welcome();
    const requester = new Y.Doc();
    requester.clientID = 9;
    last().receive("SNAPSHOT_REQUEST", { requestId: "srv-17", stateVector: toBase64(Y.encodeStateVector(requester)) });
    const [response] = last().ofType("SNAPSHOT_RESPONSE");
    expect(response!.payload.requestId).toBe("srv-17");
    expect(fromBase64(response!.payload.stateVector as string)).toEqual(Y.encodeStateVector(doc));
    Y.applyUpdate(requester, fromBase64(response!.payload.update as string));
    expect(requester.getText("t").toString()).toBe("hello world");
  });

  it("answers a broadcast SYNC_STEP1 with the diff and asks back; a targeted one only when it is for us", async () => {
    const { doc, last, welcome } = setup();
    doc.clientID = 1;
    doc.getText("t").insert(0, "abc");
    await settle();
    welcome("c-me");
    const peerDoc = new Y.Doc();
    const peerVector = toBase64(Y.encodeStateVector(peerDoc));
    const before = last().sent.length;
    last().receive("SYNC_STEP1", { stateVector: peerVector }, "c-peer");
    const answers = last().sent.slice(before);
    expect(answers.map((f) => f.type)).toEqual(["CRDT_UPDATE", "SYNC_STEP1"]);
    // Both are answers for the asker alone (PROTOCOL.md section 8: no amplification).
    expect(answers.map((f) => f.payload.to)).toEqual(["c-peer", "c-peer"]);
    Y.applyUpdate(peerDoc, fromBase64(answers[0]!.payload.update as string));
    expect(peerDoc.getText("t").toString()).toBe("abc");

    const mark = last().sent.length;
    last().receive("SYNC_STEP1", { stateVector: peerVector, to: "c-other" }, "c-peer");
    expect(last().sent.length).toBe(mark);
    last().receive("SYNC_STEP1", { stateVector: peerVector, to: "c-me" }, "c-peer");
    expect(last().sent.slice(mark).map((f) => f.type)).toEqual(["CRDT_UPDATE"]);
    expect(last().sent.at(-1)!.payload.to).toBe("c-peer");
  });

  it("drops pending state over maxPendingBytes, resyncs, and never forwards pending state in a snapshot", async () => {
    const { doc, provider, last, welcome } = setup({ maxPendingBytes: 1024 });
    doc.clientID = 1;
    doc.getText("t").insert(0, "abc");
    await settle();
    welcome("c-me");
    // Hostile: deletions of 2,000 ranges by a client nobody has heard of (never integrable).
    const ghost = new Y.Doc();
    ghost.clientID = 999;
    const text = ghost.getText("t");
    for (let i = 0; i < 2000; i++) text.insert(i * 2, "xy");
    const deletes = new Y.Doc();
    Y.applyUpdate(deletes, Y.encodeStateAsUpdate(ghost));
    const before = Y.encodeStateVector(deletes);
    for (let i = 0; i < 2000; i++) deletes.getText("t").delete(i, 1);
    const onlyDeletes = Y.encodeStateAsUpdate(deletes, before);
    const mark = last().sent.length;
    last().receive("CRDT_UPDATE", { update: toBase64(onlyDeletes) }, "c-evil");
    expect(doc.store.pendingDs).toBeNull();
    expect(doc.store.pendingStructs).toBeNull();
    expect(last().sent.slice(mark).map((f) => f.type)).toEqual(["SYNC_STEP1"]); // the resync
    // Under the cap it is kept, but a snapshot answer never carries it.
    const tiny = new Y.Doc();
    tiny.clientID = 5;
    tiny.getText("t").insert(0, "q");
    const afterQ = Y.encodeStateVector(tiny);
    tiny.getText("t").insert(1, "r");
    last().receive("CRDT_UPDATE", { update: toBase64(Y.encodeStateAsUpdate(tiny, afterQ)) }, "c-5");
    expect(doc.store.pendingStructs).not.toBeNull();
    last().receive("SNAPSHOT_REQUEST", { requestId: "req-1" });
    const answer = last().ofType("SNAPSHOT_RESPONSE").at(-1)!;
    const joiner = new Y.Doc();
    Y.applyUpdate(joiner, fromBase64(answer.payload.update as string));
    expect(joiner.getText("t").toString()).toBe("abc");
    expect(joiner.store.pendingStructs).toBeNull();
    provider.destroy();
  });

  it("skips the answer when the peer already has everything", async () => {
    const { doc, last, welcome } = setup();
    doc.getText("t").insert(0, "abc");
    await settle();
    welcome("c-me");
    const mark = last().sent.length;
    last().receive("SYNC_STEP1", { stateVector: toBase64(Y.encodeStateVector(doc)), to: "c-me" }, "c-peer");
    expect(last().sent.length).toBe(mark);
  });

  it("with deletions, answers only a peer whose SYNC_STEP1 delete set lacks some of ours", async () => {
    const { doc, last, welcome } = setup();
    doc.clientID = 1;
    doc.getText("t").insert(0, "abcdef");
    await settle();
    welcome("c-me");
    const peer = new Y.Doc();
    Y.applyUpdate(peer, Y.encodeStateAsUpdate(doc));
    doc.getText("t").delete(1, 2); // delete-only: the peer's state vector still equals ours
    const stateVector = toBase64(Y.encodeStateVector(peer));
    const peerDeleteSet = toBase64(Y.encodeStateAsUpdate(peer, Y.encodeStateVector(peer)));

    for (const payload of [{ stateVector, to: "c-me" }, { stateVector, deleteSet: peerDeleteSet, to: "c-me" }]) {
      const mark = last().sent.length;
      last().receive("SYNC_STEP1", payload, "c-peer");
      const [answer] = last().sent.slice(mark);
      expect(answer!.type).toBe("CRDT_UPDATE");
      Y.applyUpdate(peer, fromBase64(answer!.payload.update as string));
      expect(peer.getText("t").toString()).toBe("adef");
    }

    const mark = last().sent.length;
    const heldDeleteSet = toBase64(Y.encodeStateAsUpdate(peer, Y.encodeStateVector(peer)));
    last().receive("SYNC_STEP1", { stateVector, deleteSet: heldDeleteSet, to: "c-me" }, "c-peer");
    last().receive("SYNC_STEP1", { stateVector, deleteSet: "not base64 of an update!", to: "c-me" }, "c-peer");
    expect(last().sent.slice(mark).map((f) => f.type)).toEqual(["CRDT_UPDATE"]); // only the unreadable one
  });

  it("puts its delete set in SYNC_STEP1, so a peer holding it can tell it needs nothing", async () => {
    const { doc, last, welcome } = setup();
    doc.clientID = 1;
    doc.getText("t").insert(0, "abcdef");
    doc.getText("t").delete(0, 3);
    await settle();
    welcome("c-me");
    last().receive("SYNC_STEP1", { stateVector: toBase64(Y.encodeStateVector(new Y.Doc())) }, "c-peer");
    const step1 = last().ofType("SYNC_STEP1").at(-1)!;
    expect(step1.payload.to).toBe("c-peer");
    const deleteSet = Y.decodeUpdate(fromBase64(step1.payload.deleteSet as string));
    expect(deleteSet.structs).toHaveLength(0);
    expect(Y.equalDeleteSets(deleteSet.ds, Y.createDeleteSetFromStructStore(doc.store))).toBe(true);
  });

  it("sends local edits, applies remote ones without echoing them", async () => {
    const { doc, last, welcome } = setup();
    await settle();
    welcome();
    doc.getText("t").insert(0, "x");
    expect(last().ofType("CRDT_UPDATE")).toHaveLength(1);
    const remote = docWithText("remote", 5);
    last().receive("CRDT_UPDATE", { update: toBase64(Y.encodeStateAsUpdate(remote)) }, "c-peer");
    expect(doc.getText("t").toString()).toContain("remote");
    expect(last().ofType("CRDT_UPDATE")).toHaveLength(1);
  });

  it("survives garbage frames and undecodable updates", async () => {
    const { doc, last, welcome } = setup();
    await settle();
    welcome();
    last().onmessage?.({ data: "not json" });
    last().onmessage?.({ data: "[1,2]" });
    last().receive("CRDT_UPDATE", { update: "!!!not base64 yjs!!!" }, "c-peer");
    last().receive("WHATEVER", {});
    doc.getText("t").insert(0, "still alive");
    expect(last().ofType("CRDT_UPDATE")).toHaveLength(1);
  });

  it("answers RESYNC with a SYNC_STEP1 broadcast after a random delay of at most 500 ms", async () => {
    const { clock, last, welcome } = setup({ random: fixedRandom(0.999) });
    await settle();
    welcome();
    const before = last().ofType("SYNC_STEP1").length;
    last().receive("RESYNC", {});
    clock.advance(498);
    expect(last().ofType("SYNC_STEP1").length).toBe(before);
    clock.advance(2);
    expect(last().ofType("SYNC_STEP1").length).toBe(before + 1);
  });

  it("holds local edits while rate-limited, then sends them merged and asks peers to exchange", async () => {
    const { clock, doc, provider, last, welcome } = setup();
    await settle();
    welcome();
    const errors: string[] = [];
    provider.on("error", (e) => errors.push(e.code));
    last().receive("ERROR", { code: "RATE_LIMITED", message: "slow down", retryAfterMs: 300 });
    doc.getText("t").insert(0, "a");
    doc.getText("t").insert(1, "b");
    expect(last().ofType("CRDT_UPDATE")).toHaveLength(0);
    clock.advance(300);
    const updates = last().ofType("CRDT_UPDATE");
    expect(updates).toHaveLength(1);
    const replica = new Y.Doc();
    Y.applyUpdate(replica, fromBase64(updates[0]!.payload.update as string));
    expect(replica.getText("t").toString()).toBe("ab");
    expect(last().sent.at(-1)!.type).toBe("SYNC_STEP1");
    expect(errors).toEqual(["RATE_LIMITED"]);
  });
});

describe("LfccProvider presence", () => {
  it("tracks peers from WELCOME, JOIN, LEAVE and their presence; resends ours to newcomers", async () => {
    const { provider, last, welcome } = setup();
    await settle();
    provider.setPresence({ name: "ann" });
    welcome("c-me", ["c-me", "c-a"]);
    expect([...provider.peers]).toEqual(["c-a"]);
    expect(last().ofType("PRESENCE").map((f) => f.payload.state)).toEqual([{ name: "ann" }]);
    last().receive("JOIN", { senderId: "c-b" });
    expect(provider.peers.has("c-b")).toBe(true);
    expect(last().ofType("PRESENCE")).toHaveLength(2);
    last().receive("PRESENCE", { state: { cursor: 3 } }, "c-b");
    expect(provider.presence.get("c-b")).toEqual({ cursor: 3 });
    const leaves: Array<[string, string | undefined]> = [];
    provider.on("leave", (id, reason) => leaves.push([id, reason]));
    last().receive("LEAVE", { senderId: "c-b", reason: "server-timeout" });
    expect(provider.peers.has("c-b")).toBe(false);
    expect(provider.presence.has("c-b")).toBe(false);
    expect(leaves).toEqual([["c-b", "server-timeout"]]);
  });
});
