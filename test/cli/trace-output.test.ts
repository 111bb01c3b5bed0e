import { describe, expect, it } from "vitest";
import { formatEvent, formatTimeline, timelinePath, tracePathForRun } from "../../cli/trace-output.ts";

describe("trace files", () => {
  it("names per-run files only when there are several runs", () => {
    expect(tracePathForRun("out/t.jsonl", "server-crash", 2, 1)).toBe("out/t.jsonl");
    expect(tracePathForRun("out/t.jsonl", "server-crash", 2, 3)).toBe("out/t-server-crash-seed2.jsonl");
    expect(timelinePath("out/t-server-crash-seed2.jsonl")).toBe("out/t-server-crash-seed2.timeline.txt");
  });

  it("a timeline line is time, node, event, detail; faults are marked", () => {
    expect(formatEvent({ seq: 4, tMs: 12_345.6, node: "s2", kind: "fault", detail: { kind: "crash", server: "s2", note: "no goodbye" } }))
      .toBe('   12.346s! s2     fault             kind=crash server=s2 note="no goodbye"');
  });

  it("leaves per-message events out of the timeline and says so", () => {
    const text = formatTimeline([
      { seq: 0, tMs: 0, node: "c1", kind: "net.send", detail: {} },
      { seq: 1, tMs: 5, node: "c1", kind: "edit", detail: { bytes: 20 } },
    ], "demo seed 1");
    expect(text.split("\n").filter((line) => !line.startsWith("#") && line !== "")).toEqual(["    0.005s  c1     edit              bytes=20"]);
    expect(text).toContain("# 2 events; 1 per-message events");
  });
});
