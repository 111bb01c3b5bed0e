import { describe, expect, it } from "vitest";
import { checkQueueBound } from "../../lab/checkers/index.ts";
import type { QueueSample } from "../../lab/observations.ts";
import { observations } from "./world.ts";

function sample(tMs: number, server: string, depthMessages: number, depthBytes: number): QueueSample {
  return { tMs, server, depthMessages, depthBytes, maxMessages: 200, maxBytes: 1_048_576 };
}

describe("queueBound", () => {
  it("passes at the bound exactly and reports the peak", () => {
    const samples = [sample(1_000, "s1", 10, 500), sample(2_000, "s2", 200, 1_048_576), sample(3_000, "s1", 0, 0)];
    expect(checkQueueBound(observations({ queueSamples: samples }))).toEqual({
      name: "queueBound",
      passed: true,
      detail: "peak 200/200 messages on s2 at 2s",
    });
  });

  it("fails when the message count goes over, naming server, time, depth and bound", () => {
    const samples = [sample(1_000, "s1", 150, 500), sample(2_500, "s1", 201, 600), sample(2_600, "s1", 202, 700)];
    const result = checkQueueBound(observations({ queueSamples: samples }));
    expect(result.passed).toBe(false);
    expect(result.detail).toBe("2 samples over the bound: s1 at 2.5s held 201 messages / 600 bytes (bound 200 / 1048576)");
  });

  it("fails when only the byte size goes over", () => {
    const samples = [sample(4_000, "s3", 3, 2_000_000)];
    const result = checkQueueBound(observations({ queueSamples: samples }));
    expect(result.passed).toBe(false);
    expect(result.detail).toContain("s3 at 4s held 3 messages / 2000000 bytes");
  });
});
