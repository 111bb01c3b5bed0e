import { describe, expect, it } from "vitest";
import { SimKernel } from "../kernel/kernel.ts";
import type { Wire } from "./network.ts";
import { fingerprint, fingerprintBytes, frameDetail, frameDetailJson } from "./trace-detail.ts";

/** The fingerprint as the simulator computed it before: FNV-1a over a string, no memo. */
function fnv(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

const data = (payload: unknown, bytes: unknown): Wire => ({ kind: "data", frame: { data: payload, bytes: bytes as number } });

describe("net.send trace detail", () => {
  it("writes exactly what JSON.stringify writes for the detail object", () => {
    const wires: Wire[] = [
      { kind: "open" },
      { kind: "close", info: { code: 1006, reason: "x" } },
      data('{"type":"CRDT_UPDATE"}', 22),
      data(new Uint8Array([0, 1, 2, 255]), 4),
      data({ op: "publish", id: 7, channel: "doc:d1", message: "hello" }, 5),
      data({ op: "subscribe", id: 8 }, 16),
      data({ push: "message", channel: "c", message: "m\u2028\"quoted\"" }, 1e21),
      data("x", -0),
      data("x", Number.NaN),
      data("x", undefined),
      data("x", Number.POSITIVE_INFINITY),
    ];
    for (const to of ["s1", 'we"ird\n']) {
      for (const wire of wires) expect(frameDetailJson(3, to, wire)).toBe(JSON.stringify(frameDetail(3, to, wire)));
    }
  });

  it("fingerprints bytes as the string of their char codes, first 4 KiB only", () => {
    const bytes = Uint8Array.from({ length: 5000 }, (_, i) => (i * 37) % 256);
    expect(fingerprintBytes(bytes, 4096)).toBe(fnv(String.fromCharCode(...bytes.subarray(0, 4096))));
    expect(fingerprintBytes(bytes.subarray(0, 10), 4096)).toBe(fnv(String.fromCharCode(...bytes.subarray(0, 10))));
  });

  it("remembers the last text without mixing up different texts of the same length", () => {
    const a = "a".repeat(100);
    const b = "a".repeat(99) + "b";
    expect(fingerprint(a)).toBe(fnv(a));
    expect(fingerprint(a)).toBe(fnv(a));
    expect(fingerprint(b)).toBe(fnv(b));
    expect(fingerprint(b.slice(0))).toBe(fnv(b));
    expect(fnv(a)).not.toBe(fnv(b));
  });

  it("keeps the full detail object in a kept trace, and hashes the same with or without it", () => {
    const hashes = [true, false].map((keep) => {
      const kernel = new SimKernel({ seed: 1, keepTrace: keep });
      const wire = data('{"type":"PRESENCE"}', 19);
      kernel.trace.recordSerialized("c1", "net.send", frameDetailJson(4, "s1", wire), () => frameDetail(4, "s1", wire));
      if (keep) expect(kernel.trace.events?.[0]?.detail).toEqual({ conn: 4, to: "s1", bytes: 19, fp: fnv('{"type":"PRESENCE"}') });
      return kernel.trace.digest();
    });
    const reference = new SimKernel({ seed: 1 });
    reference.trace.record("c1", "net.send", { conn: 4, to: "s1", bytes: 19, fp: fnv('{"type":"PRESENCE"}') });
    expect(hashes).toEqual([reference.trace.digest(), reference.trace.digest()]);
  });
});
