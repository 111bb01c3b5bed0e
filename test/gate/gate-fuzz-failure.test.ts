/**
 * The gate's fuzz stage when the fuzzer finds a failure: the gate exits 1, the shrunk scenario is
 * a failure file and a failing record in the report. The simulator is wrapped so that every fuzz
 * scenario with more than one client "fails" (a planted, deterministic failure), which makes
 * fast-check shrink to exactly two clients (the smallest count that still fails).
 */
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { expect, it } from "vitest";
import { runGateCommand } from "../../cli/commands/gate.ts";
import { simulatorRunner, type SimRunner } from "../../cli/sim-runs.ts";

const plantedRunner: SimRunner = async (scenario, options) => {
  const result = await simulatorRunner(scenario, options);
  if (!scenario.name.startsWith("fuzz-") || scenario.topology.clients <= 1) return result;
  const invariants = [...result.record.invariants, { name: "planted", passed: false, detail: "more than one client" }];
  return { ...result, record: { ...result.record, passed: false, invariants } };
};

it("a fuzz failure fails the gate with a shrunk failure file in the report", async () => {
  const out = mkdtempSync(join(tmpdir(), "lfcc-gate-fuzz-"));
  const stdout = Object.assign(new PassThrough(), { isTTY: false }) as unknown as NodeJS.WriteStream;
  let printed = "";
  stdout.on("data", (chunk: Buffer) => (printed += chunk.toString()));
  const code = await runGateCommand(
    { scenarios: join(import.meta.dirname, "fixtures", "good"), seeds: "1", fuzzRuns: "5", fuzzSeed: "3", fuzzShrinkTime: "20s", out },
    { runner: plantedRunner, stdout, stderr: new PassThrough(), nowMs: () => 0, acquireChaos: () => Promise.reject(new Error("no chaos here")) },
  );
  expect(code).toBe(1);
  expect(printed).toMatch(/FAIL fuzz \(5 runs\)/);
  const [failureFile] = readdirSync(join(out, "failures"));
  expect(failureFile).toMatch(/^fuzz-\d+-seed\d+\.json$/);
  const failure = JSON.parse(readFileSync(join(out, "failures", failureFile!), "utf8")) as { scenario: { topology: { clients: number } }; violated: string[] };
  expect(failure.violated).toContain("planted");
  expect(failure.scenario.topology.clients).toBe(2); // shrunk to the smallest count that still fails
  const junit = readFileSync(join(out, "report", "junit.xml"), "utf8");
  expect(junit).toContain(`replay: npx lfcc replay ${join(out, "failures", failureFile!)}`);
});
