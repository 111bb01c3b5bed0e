/**
 * The snapshot broker's cache hooks with a fake host, where the cache read is held open by the
 * test: the cache is read only on the way to `update: null`, a source that answers meanwhile
 * wins, and without the hooks the broker behaves exactly as before.
 */
import { describe, expect, it } from "vitest";
import { SnapshotBroker, type SnapshotHost } from "../../relay/core/snapshot-broker.ts";
import type { SnapshotResponsePayload } from "../../relay/protocol/messages.ts";
import { ManualClock, settle } from "./fakes.ts";

interface Client {
  name: string;
  hasState: boolean;
}

function fakeHost(clients: Client[], withCache: boolean) {
  const clock = new ManualClock();
  const answers: Array<{ to: string; payload: SnapshotResponsePayload }> = [];
  const asked: Array<{ source: string; requestId: string }> = [];
  const reads: Array<(update: string | null) => void> = [];
  let ids = 0;
  const host: SnapshotHost<Client> = {
    serverId: "s1",
    clock,
    timeoutMs: 1000,
    newRequestId: () => `q${++ids}`,
    pickLocalSource: (_docId, exclude, tried) => clients.find((c) => c !== exclude && c.hasState && !tried.has(c)) ?? null,
    askSource: (source, requestId) => asked.push({ source: source.name, requestId }),
    answerRequester: (requester, payload) => answers.push({ to: requester.name, payload }),
    busConnected: () => true,
    otherServersOnDoc: () => Promise.resolve(1),
    publishRequest: () => {},
    publishResponse: () => {},
    onFallback: () => {},
  };
  if (withCache) host.readCache = (_docId, done) => reads.push(done);
  return { host, clock, answers, asked, reads, broker: new SnapshotBroker<Client>(host) };
}

const requester: Client = { name: "new", hasState: false };

describe("snapshot broker with the cache hooks", () => {
  it("no source anywhere: the cache is read, and its entry answers as source cache", async () => {
    const { broker, reads, answers } = fakeHost([requester], true);
    broker.requestFromClient(requester, "new", "d", { requestId: "r1" });
    await settle();
    expect(reads).toHaveLength(1);
    expect(answers).toEqual([]);
    reads[0]!("U1");
    expect(answers).toEqual([{ to: "new", payload: { requestId: "r1", update: "U1", source: "cache" } }]);
    expect(broker.size).toBe(0);
  });

  it("a cache with nothing usable ends in update null, source none", async () => {
    const { broker, reads, answers } = fakeHost([requester], true);
    broker.requestFromClient(requester, "new", "d", { requestId: "r1" });
    await settle();
    reads[0]!(null);
    expect(answers).toEqual([{ to: "new", payload: { requestId: "r1", update: null, source: "none" } }]);
  });

  it("a source that answers while the cache is being read wins; the late cache answer is dropped", async () => {
    const slow: Client = { name: "slow", hasState: true };
    const { broker, reads, answers, asked, clock } = fakeHost([requester, slow], true);
    broker.requestFromClient(requester, "new", "d", { requestId: "r1" });
    expect(asked).toEqual([{ source: "slow", requestId: "q1" }]);
    await clock.advance(1000); // the snapshot timeout: on the way to null, the cache is read
    expect(reads).toHaveLength(1);
    broker.responseFromClient(slow, "slow", { requestId: "q1", update: "FRESH" });
    reads[0]!("STALE");
    expect(answers).toEqual([{ to: "new", payload: { requestId: "r1", update: "FRESH", source: "slow" } }]);
  });

  it("a source that answers in time never causes a cache read", async () => {
    const holder: Client = { name: "h", hasState: true };
    const { broker, reads, answers } = fakeHost([requester, holder], true);
    broker.requestFromClient(requester, "new", "d", { requestId: "r1" });
    broker.responseFromClient(holder, "h", { requestId: "q1", update: "U" });
    await settle();
    expect(reads).toEqual([]);
    expect(answers[0]!.payload.source).toBe("h");
  });

  it("without the hooks (cache off) the fallback is immediate, as before", async () => {
    const { broker, answers } = fakeHost([requester], false);
    broker.requestFromClient(requester, "new", "d", { requestId: "r1" });
    await settle();
    expect(answers).toEqual([{ to: "new", payload: { requestId: "r1", update: null, source: "none" } }]);
  });

  it("requestForCache asks one holder with no state vector and hands its answer to the cache, never to a client", async () => {
    const holder: Client = { name: "h", hasState: true };
    const { broker, asked, answers } = fakeHost([holder], true);
    const got: string[] = [];
    expect(broker.requestForCache("d", "server", (update) => got.push(update))).toBe(true);
    broker.responseFromClient(holder, "h", { requestId: asked[0]!.requestId, update: "FULL" });
    expect(got).toEqual(["FULL"]);
    expect(answers).toEqual([]);
    const none = fakeHost([], true);
    expect(none.broker.requestForCache("d", "server", () => {})).toBe(false);
    expect(none.broker.size).toBe(0);
  });

  it("a holder that did not answer a refresh in time: its late answer is owed (refunded) and still cached; it is not asked again meanwhile", async () => {
    const slow: Client = { name: "slow", hasState: true };
    const other: Client = { name: "other", hasState: true };
    const { broker, asked, clock } = fakeHost([slow, other], true);
    const got: string[] = [];
    expect(broker.requestForCache("d", "server", (update) => got.push(update))).toBe(true);
    expect(asked.map((a) => a.source)).toEqual(["slow"]);
    await clock.advance(1000); // the refresh timed out
    expect(broker.size).toBe(0);
    expect(broker.awaitsAnswerFrom(slow, asked[0]!.requestId)).toBe(true);
    expect(broker.awaitsAnswerFrom(other, asked[0]!.requestId)).toBe(false);
    // The next refresh skips the holder that still owes one.
    broker.requestForCache("d", "server", (update) => got.push(`second:${update}`));
    expect(asked.map((a) => a.source)).toEqual(["slow", "other"]);
    broker.responseFromClient(slow, "slow", { requestId: asked[0]!.requestId, update: "LATE" });
    expect(got).toEqual(["LATE"]);
    expect(broker.awaitsAnswerFrom(slow, asked[0]!.requestId)).toBe(false); // once only
    broker.responseFromClient(slow, "slow", { requestId: asked[0]!.requestId, update: "AGAIN" });
    expect(got).toEqual(["LATE"]);
  });

  it("only a holder that owes refreshes and is alone is not asked at all; once it left, nothing is owed", async () => {
    const slow: Client = { name: "slow", hasState: true };
    const { broker, asked, clock } = fakeHost([slow], true);
    broker.requestForCache("d", "server", () => {});
    await clock.advance(1000);
    expect(broker.requestForCache("d", "server", () => {})).toBe(false);
    expect(asked).toHaveLength(1);
    broker.clientGone(slow);
    expect(broker.awaitsAnswerFrom(slow, asked[0]!.requestId)).toBe(false);
  });
});
