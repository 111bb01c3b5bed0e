import { describe, expect, it } from "vitest";
import { PublishBatcher } from "../../relay/core/publish-batcher.ts";
import type { Clock, TimerHandle } from "../../relay/ports.ts";
import type { RoutedMessage } from "../../relay/protocol/messages.ts";

/** A clock whose timers fire only when the test advances it. */
function manualClock() {
  let nowMs = 0;
  const timers = new Map<number, { atMs: number; fn: () => void }>();
  let nextId = 1;
  const clock: Clock = {
    now: () => nowMs,
    setTimeout: (fn, delayMs) => {
      const id = nextId++;
      timers.set(id, { atMs: nowMs + delayMs, fn });
      return id as TimerHandle;
    },
    clearTimeout: (handle) => void timers.delete(handle as number),
    setInterval: () => 0 as TimerHandle,
    clearInterval: () => {},
  };
  const advance = (ms: number) => {
    nowMs += ms;
    for (const [id, timer] of [...timers]) {
      if (timer.atMs <= nowMs && timers.delete(id)) timer.fn();
    }
  };
  return { clock, advance };
}

const message = (n: number) => ({ docId: "d1", messageId: `m${n}` }) as RoutedMessage;

function setup(batchMaxMessages = 64) {
  const { clock, advance } = manualClock();
  const published: string[][] = [];
  const batcher = new PublishBatcher({ batchWindowMs: 5, batchMaxMessages }, clock, (_channel, _docId, messages) =>
    published.push(messages.map((m) => m.messageId)),
  );
  return { batcher, published, advance };
}

describe("PublishBatcher", () => {
  it("publishes a message on an idle channel at once", () => {
    const { batcher, published } = setup();
    batcher.add("c", message(1));
    expect(published).toEqual([["m1"]]);
  });

  it("collects what follows inside the window into one batch, in order", () => {
    const { batcher, published, advance } = setup();
    batcher.add("c", message(1));
    batcher.add("c", message(2));
    batcher.add("c", message(3));
    expect(published).toEqual([["m1"]]);
    advance(5);
    expect(published).toEqual([["m1"], ["m2", "m3"]]);
  });

  it("publishes early when the batch is full", () => {
    const { batcher, published } = setup(2);
    for (const n of [1, 2, 3]) batcher.add("c", message(n));
    expect(published).toEqual([["m1"], ["m2", "m3"]]);
  });

  it("keeps channels apart and reopens the leading edge after a quiet window", () => {
    const { batcher, published, advance } = setup();
    batcher.add("a", message(1));
    batcher.add("b", message(2));
    advance(5);
    batcher.add("a", message(3));
    expect(published).toEqual([["m1"], ["m2"], ["m3"]]);
  });

  it("flushAll publishes what is pending (shutdown loses nothing)", () => {
    const { batcher, published } = setup();
    batcher.add("c", message(1));
    batcher.add("c", message(2));
    batcher.flushAll();
    expect(published).toEqual([["m1"], ["m2"]]);
  });
});
