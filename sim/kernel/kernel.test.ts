import { describe, expect, it } from "vitest";
import { SimKernel } from "./kernel.ts";
import { RandomForest } from "../../lab/random.ts";

describe("kernel", () => {
  it("runs events in (time, seq) order and jumps virtual time", async () => {
    const kernel = new SimKernel({ seed: 1 });
    const seen: string[] = [];
    kernel.at(50, "t", () => seen.push(`b@${kernel.nowMs}`));
    kernel.at(10, "t", () => seen.push(`a@${kernel.nowMs}`));
    kernel.at(50, "t", () => seen.push(`c@${kernel.nowMs}`));
    await kernel.runUntil(100);
    expect(seen).toEqual(["a@10", "b@50", "c@50"]);
    expect(kernel.nowMs).toBe(100);
  });

  it("settles promise chains between events", async () => {
    const kernel = new SimKernel({ seed: 1 });
    const seen: string[] = [];
    kernel.at(10, "t", () => {
      void (async () => {
        for (let i = 0; i < 50; i++) await Promise.resolve();
        seen.push("chain done");
      })();
    });
    kernel.at(10, "t", () => seen.push("next event"));
    await kernel.runUntil(20);
    expect(seen).toEqual(["chain done", "next event"]);
  });

  it("clock views: skew shifts now(), kill cancels timers, intervals repeat", async () => {
    const kernel = new SimKernel({ seed: 1 });
    const a = kernel.clock("a");
    const b = kernel.clock("b");
    b.skewMs = 5000;
    expect(b.now() - a.now()).toBe(5000);
    let ticks = 0;
    let fired = false;
    a.setInterval(() => ticks++, 100);
    b.setTimeout(() => (fired = true), 50);
    b.kill();
    await kernel.runUntil(1000);
    expect(ticks).toBe(10);
    expect(fired).toBe(false);
    expect(b.setTimeout(() => (fired = true), 1)).toBeDefined();
    await kernel.runUntil(1100);
    expect(fired).toBe(false);
  });

  it("a throwing timer is recorded, not fatal", async () => {
    const kernel = new SimKernel({ seed: 1 });
    const clock = kernel.clock("s1");
    clock.setTimeout(() => {
      throw new Error("boom");
    }, 5);
    await kernel.runUntil(10);
    expect(kernel.errors).toEqual([{ tMs: 5, node: "s1", message: "boom" }]);
  });
});

describe("named random streams", () => {
  it("are reproducible and independent of each other", () => {
    const draw = (forest: RandomForest, name: string) => Array.from({ length: 5 }, () => forest.stream(name).uint32());
    const one = new RandomForest(7);
    const s1 = one.stream("net");
    const s2 = new RandomForest(7).stream("net");
    const seqA = Array.from({ length: 5 }, () => s1.uint32());
    const seqB = Array.from({ length: 5 }, () => s2.uint32());
    expect(seqA).toEqual(seqB);
    expect(one.stream("workload:c1").uint32()).not.toBe(one.stream("workload:c2").uint32());
    expect(new RandomForest(8).stream("net").uint32()).not.toBe(new RandomForest(7).stream("net").uint32());
    expect(draw(one, "x")).toHaveLength(5);
  });

  it("produces roughly uniform floats", () => {
    const rng = new RandomForest(3).stream("u");
    let sum = 0;
    for (let i = 0; i < 10_000; i++) {
      const v = rng.next();
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(1);
      sum += v;
    }
    expect(sum / 10_000).toBeGreaterThan(0.48);
    expect(sum / 10_000).toBeLessThan(0.52);
  });
});

describe("trace", () => {
  it("same events give the same hash; a different detail changes it", () => {
    const run = (detail: number) => {
      const kernel = new SimKernel({ seed: 1 });
      kernel.trace.record("c1", "edit", { n: 1 });
      kernel.trace.record("c1", "edit", { n: detail });
      return kernel.trace.digest();
    };
    expect(run(2)).toBe(run(2));
    expect(run(2)).not.toBe(run(3));
  });
});
