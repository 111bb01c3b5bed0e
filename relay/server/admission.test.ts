import { describe, expect, it } from "vitest";
import { ConnectionAdmission } from "./admission.ts";
import { whenExpired } from "./token-expiry.ts";
import { RejectionTally } from "./rejections.ts";
import { createRelayMetrics } from "./metrics.ts";
import { ContainedErrors } from "./contain.ts";
import { checkingIntervalMs } from "./http-limits.ts";
import { silentLogger } from "../adapters/system.ts";
import type { Clock } from "../ports.ts";
import type { HostedRelay } from "./hosted-relay.ts";

describe("connection admission", () => {
  it("bounds the total and each address, and gives a slot back exactly once per close", () => {
    const admission = new ConnectionAdmission({ maxConnections: 3, maxConnectionsPerIp: 2 });
    const a1 = admission.tryAdmit("10.0.0.1");
    const a2 = admission.tryAdmit("::ffff:10.0.0.1"); // the same peer on a dual-stack socket
    expect([a1.ok, a2.ok]).toEqual([true, true]);
    expect(admission.tryAdmit("10.0.0.1")).toEqual({ ok: false, reason: "max-connections-per-ip" });
    const b1 = admission.tryAdmit("10.0.0.2");
    expect(b1.ok).toBe(true);
    expect(admission.tryAdmit("10.0.0.3")).toEqual({ ok: false, reason: "max-connections" });
    if (!a1.ok) throw new Error("unreachable");
    a1.release();
    a1.release(); // a second close event must not free a second slot
    expect(admission.open).toBe(2);
    expect(admission.openFrom("10.0.0.1")).toBe(1);
    expect(admission.tryAdmit("10.0.0.1").ok).toBe(true);
    expect(admission.tryAdmit("10.0.0.3")).toEqual({ ok: false, reason: "max-connections" });
  });
});

/** A hand-driven clock: advance() fires what is due, in order. */
function manualClock(startMs: number) {
  let now = startMs;
  let timers: Array<{ at: number; fn: () => void; id: number }> = [];
  let nextId = 1;
  const clock: Clock = {
    now: () => now,
    setTimeout: (fn, delayMs) => {
      const id = nextId++;
      timers.push({ at: now + delayMs, fn, id });
      return id;
    },
    clearTimeout: (handle) => void (timers = timers.filter((t) => t.id !== handle)),
    setInterval: () => 0,
    clearInterval: () => {},
  };
  const advance = (ms: number) => {
    const until = now + ms;
    for (;;) {
      const due = timers.filter((t) => t.at <= until).sort((x, y) => x.at - y.at)[0];
      if (!due) break;
      timers = timers.filter((t) => t !== due);
      now = due.at;
      due.fn();
    }
    now = until;
  };
  return { clock, advance, pending: () => timers.length };
}

describe("token expiry", () => {
  it("fires once at exp, and never after a cancel", () => {
    const { clock, advance } = manualClock(1_000_000);
    let fired = 0;
    whenExpired(clock, 1_000_000 + 5000, () => fired++);
    advance(4999);
    expect(fired).toBe(0);
    advance(1);
    expect(fired).toBe(1);
    advance(60_000);
    expect(fired).toBe(1);
    const cancel = whenExpired(clock, clock.now() + 100, () => fired++);
    cancel();
    advance(1000);
    expect(fired).toBe(1);
  });
  it("waits out an exp beyond the 2^31 ms timer range instead of firing at once", () => {
    const { clock, advance } = manualClock(0);
    let fired = false;
    const fortyDaysMs = 40 * 24 * 3600 * 1000;
    whenExpired(clock, fortyDaysMs, () => (fired = true));
    advance(fortyDaysMs - 1);
    expect(fired).toBe(false);
    advance(1);
    expect(fired).toBe(true);
  });
});

describe("rejection metrics", () => {
  it("shows the host's refusals and the relay's stats().rejected by reason and source, read at scrape time", async () => {
    const rejected = { client: { depth: 2 } as Record<string, number>, redis: { stale: 1 } as Record<string, number> };
    const relay = {
      // Every other relay counter at 0: only the labelled ones matter here.
      stats: () => new Proxy({ rejected }, { get: (target, name) => (name === "rejected" ? target.rejected : 0) }),
      health: () => ({ ok: true, status: "healthy", serverId: "s", redis: { connected: true, activeSubscriptions: 0 }, connections: 0, documents: 0 }),
    } as unknown as HostedRelay;
    const tally = new RejectionTally();
    tally.count("max-connections", "upgrade");
    tally.count("auth-expired", "client");
    const contained = new ContainedErrors(silentLogger);
    contained.wrap("ws-message", () => {
      throw new Error("boom");
    })();
    const { registry } = createRelayMetrics(relay, { processMetrics: false, rejections: tally, containedErrors: contained });
    const text = await registry.metrics();
    expect(text).toMatch(/^lfcc_rejected_total\{reason="depth",source="client"\} 2$/m);
    expect(text).toMatch(/^lfcc_rejected_total\{reason="stale",source="redis"\} 1$/m);
    expect(text).toMatch(/^lfcc_rejected_total\{reason="max-connections",source="upgrade"\} 1$/m);
    expect(text).toMatch(/^lfcc_rejected_total\{reason="auth-expired",source="client"\} 1$/m);
    // Host reasons are there before the first refusal, so dashboards can graph them from the start.
    expect(text).toMatch(/^lfcc_rejected_total\{reason="header-timeout",source="upgrade"\} 0$/m);
    expect(text).toMatch(/^lfcc_server_callback_errors_total\{callback="ws-message"\} 1$/m);
    rejected.client.depth = 5;
    rejected.client["bad-update"] = 1;
    const later = await registry.metrics();
    expect(later).toMatch(/^lfcc_rejected_total\{reason="depth",source="client"\} 5$/m);
    expect(later).toMatch(/^lfcc_rejected_total\{reason="bad-update",source="client"\} 1$/m);
  });
});

describe("contained errors", () => {
  it("counts every throw but logs only the first ten, then powers of two", () => {
    const lines: number[] = [];
    const logger = { ...silentLogger, error: (obj: object) => lines.push((obj as { count: number }).count) };
    const contained = new ContainedErrors(logger);
    const explode = contained.wrap("ws-message", () => {
      throw new Error("boom");
    });
    for (let i = 0; i < 1000; i++) explode();
    expect(contained.all()).toEqual([{ callback: "ws-message", count: 1000 }]);
    expect(lines).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 16, 32, 64, 128, 256, 512]);
  });
});

describe("headers timeout checking", () => {
  it("checks often enough that the deadline holds to a quarter of it, at most a second", () => {
    expect(checkingIntervalMs(10_000)).toBe(1000);
    expect(checkingIntervalMs(1000)).toBe(250);
    expect(checkingIntervalMs(20)).toBe(50);
  });
});
