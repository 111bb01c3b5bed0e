import { describe, expect, it } from "vitest";
import type { ClientConnection } from "./client-connection.ts";
import { creditSyncStep1, takeOwedAnswer } from "./answer-credits.ts";

const connection = (senderId: string) => ({ senderId, answersOwed: null }) as unknown as ClientConnection;

describe("answer credits", () => {
  it("a broadcast SYNC_STEP1 earns two answers to the asker, then the credit is gone", () => {
    const [asker, peer] = [connection("asker"), connection("peer")];
    creditSyncStep1([asker, peer], "asker", undefined, asker);
    expect(takeOwedAnswer(peer, "asker")).toBe(true);
    expect(takeOwedAnswer(peer, "asker")).toBe(true);
    expect(takeOwedAnswer(peer, "asker")).toBe(false);
    expect(takeOwedAnswer(asker, "peer")).toBe(false);
  });

  it("an addressed SYNC_STEP1 credits only its addressee, once", () => {
    const [one, two] = [connection("one"), connection("two")];
    creditSyncStep1([one, two], "asker", "two", null);
    expect(takeOwedAnswer(one, "asker")).toBe(false);
    expect(takeOwedAnswer(two, "asker")).toBe(true);
    expect(takeOwedAnswer(two, "asker")).toBe(false);
  });

  it("holds no map while nothing is owed (idle connections are the common case)", () => {
    const peer = connection("peer");
    expect(takeOwedAnswer(peer, "asker")).toBe(false);
    expect(peer.answersOwed).toBeNull();
    creditSyncStep1([peer], "asker", "peer", null);
    expect(peer.answersOwed?.size).toBe(1);
    expect(takeOwedAnswer(peer, "asker")).toBe(true);
    expect(peer.answersOwed).toBeNull();
  });

  it("caps the askers one client can owe", () => {
    const peer = connection("peer");
    for (let i = 0; i < 300; i++) creditSyncStep1([peer], `asker-${i}`, undefined, null);
    expect(peer.answersOwed?.size).toBe(256);
    expect(takeOwedAnswer(peer, "asker-299")).toBe(false);
  });
});
