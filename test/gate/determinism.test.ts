/**
 * The gate's determinism self-check. With the real simulator and a real separate `lfcc` process,
 * the sampled runs agree (a passing `deterministic` invariant). With a planted nondeterminism (the
 * "other process" runs the next seed: as if a run depended on something outside its seed), the
 * gate fails, and junit.xml names the run and the first divergence found by lfcc diff's code.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { runGateCommand, type GateIo } from "../../cli/commands/gate.ts";
import { childProcessRerun, determinismSample, type RerunElsewhere } from "../../cli/gate/determinism.ts";
import { simulatorRunner } from "../../cli/sim-runs.ts";

const good = join(import.meta.dirname, "fixtures", "good");
const LFCC = join(import.meta.dirname, "..", "..", "bin", "lfcc.js");

function io(rerunElsewhere: RerunElsewhere): { io: GateIo; printed: () => string } {
  const stdout = Object.assign(new PassThrough(), { isTTY: false }) as unknown as NodeJS.WriteStream;
  let printed = "";
  stdout.on("data", (chunk: Buffer) => (printed += chunk.toString()));
  return {
    io: { runner: simulatorRunner, stdout, stderr: new PassThrough(), nowMs: () => 0, acquireChaos: () => Promise.reject(new Error("no chaos")), rerunElsewhere },
    printed: () => printed,
  };
}

describe("gate determinism self-check", () => {
  it("samples runs spread over the plan", () => {
    expect(determinismSample(Array.from({ length: 10 }), 3)).toEqual([0, 3, 6]);
    expect(determinismSample(Array.from({ length: 2 }), 5)).toEqual([0, 1]);
    expect(determinismSample([], 2)).toEqual([]);
  });

  it("passes when a separate lfcc process reproduces the trace hashes", async () => {
    const out = mkdtempSync(join(tmpdir(), "lfcc-determinism-"));
    const { io: gateIo, printed } = io(childProcessRerun(LFCC));
    const code = await runGateCommand({ scenarios: good, seeds: "1", fuzzRuns: "0", determinismRuns: "2", out }, gateIo);
    expect(code).toBe(0);
    expect(printed()).toContain("ok   determinism self-check (sim runs re-run in a separate process, same trace hash): 2/2 passed");
    const record = JSON.parse(readFileSync(join(out, "runs", "blip--seed1--sim.json"), "utf8")) as { invariants: Array<{ name: string; passed: boolean; detail: string }> };
    expect(record.invariants.at(-1)).toMatchObject({ name: "deterministic", passed: true });
    // A checked run is still one test case, not two.
    expect(readFileSync(join(out, "report", "junit.xml"), "utf8")).toContain(`<testsuites name="lfcc" tests="3" failures="0"`);
  });

  it("fails the gate on a hash mismatch, with the first divergence in junit.xml", async () => {
    const out = mkdtempSync(join(tmpdir(), "lfcc-determinism-"));
    // The planted nondeterminism: "elsewhere" the same run draws other numbers.
    const drifting: RerunElsewhere = async (run, tracePath) => {
      const result = await simulatorRunner(run.scenario, { seed: run.seed + 1000, keepTrace: tracePath !== undefined });
      if (tracePath) writeFileSync(tracePath, result.trace!.map((event) => JSON.stringify(event)).join("\n") + "\n");
      return { traceHash: result.record.traceHash };
    };
    const { io: gateIo, printed } = io(drifting);
    const code = await runGateCommand({ scenarios: good, seeds: "1", fuzzRuns: "0", determinismRuns: "1", out }, gateIo);
    expect(code).toBe(1);
    expect(printed()).toContain("FAIL determinism self-check (sim runs re-run in a separate process, same trace hash): 0/1 passed");
    const junit = readFileSync(join(out, "report", "junit.xml"), "utf8");
    const failure = /<testcase classname="sim" name="(blip seed 1)"[^>]*>\s*<failure type="invariant" message="violated: deterministic; [^"]*">([^<]*)</.exec(junit);
    expect(failure, junit).not.toBeNull();
    expect(failure![2]).toMatch(/deterministic: re-run in a separate process gave trace hash [0-9a-f]{16}, the gate&apos;s run [0-9a-f]{16}: first divergence at event \d+ of \d+ \/ \d+: a: #\d+ /);
  });
});
