/** Test doubles for relay unit tests: a manual clock, a seeded random, fake sockets. */
import type { Clock, Random, RelaySocket, TimerHandle } from "../../relay/ports.ts";

interface Timer {
  id: number;
  atMs: number;
  fn: () => void;
  everyMs?: number;
}

/** Time moves only when the test says so; due timers run in time order. */
export class ManualClock implements Clock {
  private nowMs = 1_000_000;
  private nextId = 1;
  private timers = new Map<number, Timer>();

  now(): number {
    return this.nowMs;
  }
  setTimeout(fn: () => void, delayMs: number): TimerHandle {
    return this.add({ id: this.nextId++, atMs: this.nowMs + Math.max(0, delayMs), fn });
  }
  setInterval(fn: () => void, intervalMs: number): TimerHandle {
    return this.add({ id: this.nextId++, atMs: this.nowMs + intervalMs, fn, everyMs: intervalMs });
  }
  clearTimeout(handle: TimerHandle | undefined): void {
    this.timers.delete(handle as number);
  }
  clearInterval(handle: TimerHandle | undefined): void {
    this.timers.delete(handle as number);
  }
  /** Timers still to fire (tests check that nothing lingers). */
  get pendingTimers(): number {
    return this.timers.size;
  }
  /** Runs every timer due within `ms`, settling promises between them. */
  async advance(ms: number): Promise<void> {
    const endMs = this.nowMs + ms;
    for (;;) {
      const next = [...this.timers.values()].filter((t) => t.atMs <= endMs).sort((a, b) => a.atMs - b.atMs || a.id - b.id)[0];
      if (!next) break;
      this.nowMs = next.atMs;
      if (next.everyMs) next.atMs += next.everyMs;
      else this.timers.delete(next.id);
      next.fn();
      await settle();
    }
    this.nowMs = endMs;
    await settle();
  }
  private add(timer: Timer): TimerHandle {
    this.timers.set(timer.id, timer);
    return timer.id;
  }
}

/** Lets queued microtasks and pending promise chains run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

export class SeededRandom implements Random {
  private state: number;
  constructor(seed = 42) {
    this.state = seed >>> 0 || 1;
  }
  uint32(): number {
    // xorshift32: plenty for ids in tests
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state;
  }
  next(): number {
    return this.uint32() / 2 ** 32;
  }
  id(prefix: string): string {
    return `${prefix}-${this.uint32().toString(16).padStart(8, "0")}`;
  }
}

export { silentLogger as quietLogger } from "../../relay/adapters/silent-logger.ts";

export interface Frame {
  type: string;
  docId: string;
  senderId: string;
  messageId: string;
  ts: number;
  payload: Record<string, any>;
}

export class FakeSocket implements RelaySocket {
  readyState = 1;
  bufferedAmount = 0;
  sent: string[] = [];
  closed: { code?: number; reason?: string } | null = null;
  throwOnSend = false;

  constructor(readonly name = "socket") {}

  send(data: string): void {
    if (this.throwOnSend) throw new Error("socket broken");
    this.sent.push(data);
  }
  close(code?: number, reason?: string): void {
    this.closed = { code, reason };
    this.readyState = 3;
  }
  frames(): Frame[] {
    return this.sent.map((s) => JSON.parse(s) as Frame);
  }
  ofType(type: string): Frame[] {
    return this.frames().filter((f) => f.type === type);
  }
  clear(): void {
    this.sent = [];
  }
}
