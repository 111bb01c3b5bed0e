import { describe, expect, it } from "vitest";
import { formatDuration, formatSize, parseDurationMs, parseSizeBytes } from "../../lab/scenario/units.ts";

describe("durations", () => {
  it.each([["250ms", 250], ["10s", 10_000], ["2m", 120_000], ["1.5s", 1500], ["1h", 3_600_000], ["0s", 0]])("%s is %d ms", (text, ms) => {
    expect(parseDurationMs(text)).toEqual({ ok: true, value: ms });
  });
  it("rejects bare numbers, unknown units, fractions of a ms and negatives", () => {
    expect(parseDurationMs(10)).toMatchObject({ ok: false, error: expect.stringContaining("bare number 10") });
    expect(parseDurationMs("10sec")).toMatchObject({ ok: false, error: expect.stringContaining('unknown unit "sec"') });
    expect(parseDurationMs("0.5ms")).toMatchObject({ ok: false, error: expect.stringContaining("whole number of ms") });
    expect(parseDurationMs("-2s")).toMatchObject({ ok: false, error: expect.stringContaining("negative") });
  });
  it("accepts signs where asked (clock skew)", () => {
    expect(parseDurationMs("-2s", { signed: true })).toEqual({ ok: true, value: -2000 });
    expect(parseDurationMs("+250ms", { signed: true })).toEqual({ ok: true, value: 250 });
  });
  it("formats with the largest exact unit", () => {
    expect([0, 250, 1500, 2000, 60_000, 90_000, -2000].map(formatDuration)).toEqual(["0ms", "250ms", "1500ms", "2s", "1m", "90s", "-2s"]);
  });
});

describe("sizes", () => {
  it.each([["512B", 512], ["64KiB", 65_536], ["1MiB", 1_048_576], [4096, 4096]])("%s is %d bytes", (text, bytes) => {
    expect(parseSizeBytes(text)).toEqual({ ok: true, value: bytes });
  });
  it("rejects unknown units", () => {
    expect(parseSizeBytes("1MB")).toMatchObject({ ok: false, error: expect.stringContaining("units: B, KiB, MiB, GiB") });
  });
  it("formats exactly", () => {
    expect([0, 100, 1024, 1536, 1_048_576].map(formatSize)).toEqual(["0B", "100B", "1KiB", "1536B", "1MiB"]);
  });
});
