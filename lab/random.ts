/**
 * Seeded randomness. One root seed is forked into independent NAMED streams ("net",
 * "workload:c3", "relay:s1"...): each stream's state is derived from sha256(rootSeed, name), so
 * adding a component (a new stream) never shifts the numbers another component draws.
 * Generator: sfc32 (Chris Doty-Humphrey's Small Fast Chaotic PRNG, passes PractRand), small
 * enough to read here and fast enough for millions of draws.
 */
import { createHash } from "node:crypto";
import type { Random } from "../relay/ports.ts";

export class SimRandom implements Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(words: [number, number, number, number]) {
    [this.a, this.b, this.c, this.d] = words;
    // Warm up: the first outputs of sfc32 are weakly mixed.
    for (let i = 0; i < 12; i++) this.uint32();
  }

  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  next(): number {
    return this.uint32() / 4294967296;
  }

  id(prefix: string): string {
    return `${prefix}-${this.uint32().toString(16).padStart(8, "0")}`;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Exponentially distributed with the given mean (Poisson arrivals). */
  exponential(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }
}

/** Forks named, independent streams from one root seed. Holds no state between runs. */
export class RandomForest {
  constructor(readonly rootSeed: number) {}

  stream(name: string): SimRandom {
    const digest = createHash("sha256").update(`lfcc-sim:${this.rootSeed}:${name}`).digest();
    return new SimRandom([digest.readUInt32LE(0), digest.readUInt32LE(4), digest.readUInt32LE(8), digest.readUInt32LE(12)]);
  }
}
