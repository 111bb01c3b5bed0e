/**
 * `lfcc diff`: traces compared event by event. The pure comparison on hand-made traces (where the
 * answer is known), then the command on real simulator output: the same run twice is identical
 * (exit 0), two seeds differ (exit 1) at a reported event, failure files and run records are
 * re-run to get their traces, and bad input is exit 2 with one line.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { diffTraces, divergenceSummary } from "../../lab/trace-diff.ts";
import type { TraceEvent } from "../../lab/trace.ts";
import { runDiffCommand } from "../../cli/commands/diff.ts";
import { simulatorRunner } from "../../cli/sim-runs.ts";
import { UsageError } from "../../cli/usage-error.ts";
import { lfcc } from "../cli/run-cli.ts";

const event = (seq: number, node: string, kind: string, detail: Record<string, unknown> = {}): TraceEvent => ({ seq, tMs: seq * 10, node, kind, detail });

describe("diffTraces", () => {
  const common = [event(0, "s1", "start"), event(1, "c1", "edit", { n: 1 }), event(2, "c2", "edit", { n: 2 })];

  it("finds identical traces identical", () => {
    expect(diffTraces(common, [...common]).same).toBe(true);
  });

  it("reports the first differing event with the context before it and counts what follows by kind and node", () => {
    const a = [...common, event(3, "s1", "net.send", { to: "s2" }), event(4, "s2", "net.deliver"), event(5, "c1", "edit")];
    const b = [...common, event(3, "s1", "net.send", { to: "s3" }), event(4, "c1", "edit")];
    const diff = diffTraces(a, b, 2);
    expect(diff.same).toBe(false);
    expect(diff.divergence).toMatchObject({ index: 3, a: a[3], b: b[3] });
    expect(diff.divergence!.before).toEqual(common.slice(1));
    expect(diff.divergence!.kinds).toEqual([
      { key: "net.deliver", a: 1, b: 0 },
      { key: "edit", a: 1, b: 1 },
      { key: "net.send", a: 1, b: 1 },
    ]);
    expect(diff.divergence!.nodes).toEqual([
      { key: "s2", a: 1, b: 0 },
      { key: "c1", a: 1, b: 1 },
      { key: "s1", a: 1, b: 1 },
    ]);
    expect(divergenceSummary(diff)).toBe('first divergence at event 3 of 6 / 5: a: #3 0.030s s1 net.send {"to":"s2"}; b: #3 0.030s s1 net.send {"to":"s3"}');
  });

  it("treats a trace that stops early as diverging where it ended", () => {
    const diff = diffTraces(common, common.slice(0, 2));
    expect(diff.divergence).toMatchObject({ index: 2, a: common[2], b: undefined });
  });
});

describe("lfcc diff on simulator runs", () => {
  const dir = mkdtempSync(join(tmpdir(), "lfcc-diff-"));
  const scenario = join(dir, "tiny.yaml");
  writeFileSync(scenario, "name: tiny\nduration: 2s\ntopology: { servers: 2, docs: 1, clients: 3 }\nfaults:\n  - at: 1s\n    crash: { server: s2 }\nexpect:\n  converge: { within: 5s }\n");
  const trace = (seed: number, name: string) => {
    const result = lfcc("sim", scenario, "--seed", String(seed), "--json", "--out", join(dir, name), "--trace", join(dir, `${name}.jsonl`));
    expect(result.status).toBe(0);
    return JSON.parse(result.stdout) as { traceHash: string };
  };
  const first = trace(1, "a");
  trace(1, "b");
  trace(2, "c");

  it("exits 0 for the same run twice", () => {
    const result = lfcc("diff", join(dir, "a.jsonl"), join(dir, "b.jsonl"));
    expect(result.stdout).toContain("same: the traces are identical");
    expect(result.status).toBe(0);
  });

  it("exits 1 for two seeds and shows the first differing event and the divergence by kind and node", () => {
    const result = lfcc("diff", join(dir, "a.jsonl"), join(dir, "c.jsonl"), "--context", "2");
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/DIFFER at event \d+/);
    expect(result.stdout).toMatch(/\n {2}a: {2}#\d+ [\d.]+s \S+ \S+/);
    expect(result.stdout).toMatch(/\n {2}kind +a +b +b - a\n/);
    expect(result.stdout).toMatch(/\n {2}node +a +b +b - a\n/);
    const json = JSON.parse(lfcc("diff", join(dir, "a.jsonl"), join(dir, "c.jsonl"), "--json", "--context", "2").stdout) as { same: boolean; divergence: { before: unknown[] } };
    expect(json.same).toBe(false);
    expect(json.divergence.before.length).toBeLessThanOrEqual(2);
  });

  it("re-runs a run record to get its trace, identical to the trace written by the run itself", () => {
    const record = join(dir, "a", "runs", "tiny--seed1--sim.json");
    const result = lfcc("diff", record, join(dir, "a.jsonl"), "--json");
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout).a).toMatchObject({ traceHash: first.traceHash, recordedTraceHash: first.traceHash });
  });

  it("re-runs a failure file, and says so when its recorded hash is not the re-run's", () => {
    const failure = join(dir, "failure.json");
    const spec = JSON.parse(readFileSync(join(dir, "a", "runs", "tiny--seed1--sim.json"), "utf8")) as { scenarioSpec: unknown };
    expect(spec.scenarioSpec).toBeTruthy();
    writeFileSync(failure, JSON.stringify({ version: 1, scenario: { name: "tiny", duration: "2s", topology: { servers: 2, docs: 1, clients: 3 }, faults: [{ at: "1s", crash: { server: "s2" } }], expect: { converge: { within: "5s" } } }, seed: 1, traceHash: "0".repeat(64), violated: [] }));
    const result = lfcc("diff", failure, join(dir, "b.jsonl"));
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`re-run trace hash ${first.traceHash} differs from the recorded ${"0".repeat(64)}`);
  });

  it("exits 2 with one line on bad input", () => {
    const result = lfcc("diff", join(dir, "nope.jsonl"), join(dir, "b.jsonl"));
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split("\n")).toEqual([`lfcc: ${join(dir, "nope.jsonl")}: no such file`]);
  });

  it.each([
    [["bad.jsonl", "b.jsonl"], /bad\.jsonl:2: not a JSON line/],
    [["chaos.json", "b.jsonl"], /a chaos run has no trace/],
    [["norecord.json", "b.jsonl"], /neither a trace \(JSON lines\), a failure file nor a run record/],
  ])("rejects bad input as a usage error: %s", async (args, message) => {
    writeFileSync(join(dir, "bad.jsonl"), `${JSON.stringify(event(0, "s1", "x"))}\n{oops\n`);
    writeFileSync(join(dir, "chaos.json"), JSON.stringify({ scenario: "x", seed: 1, mode: "chaos" }));
    writeFileSync(join(dir, "norecord.json"), JSON.stringify({ hello: 1 }));
    const io = { runner: simulatorRunner, stdout: process.stdout };
    const failure = await runDiffCommand(join(dir, args[0]!), join(dir, args[1]!), {}, io).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(UsageError);
    expect((failure as Error).message).toMatch(message);
  });
});
