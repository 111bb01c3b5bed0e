/**
 * Issue 7's promise, end to end through the real executable: a failing sim run's replay command,
 * copied from the report (report.md and junit.xml), reproduces the failure (exit 1, same
 * violated invariant, same trace hash).
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { expect, it } from "vitest";

const exec = promisify(execFile);

/** Fails by construction: a crashed server's clients are only timed out after presenceTimeoutMs (6 s), never within 100 ms. */
const FAILING_SCENARIO = `
name: ghost-within-100ms
description: a crash whose ghosts cannot be cleared within 100 ms
duration: 4s
topology: { servers: 2, docs: 1, clients: 4 }
faults:
  - at: 1s
    crash: { server: s2 }
expect:
  converge: { within: 10s }
  noGhostPresence: { within: 100ms }
`;

async function shell(command: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec("sh", ["-c", command], { cwd: process.cwd() });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

it("the replay command copied from the report reproduces the failing run", async () => {
  const dir = await mkdtemp(join(tmpdir(), "lfcc-replay-report-"));
  const scenarioFile = join(dir, "ghost.yaml");
  await writeFile(scenarioFile, FAILING_SCENARIO);
  const sim = await shell(`node bin/lfcc.js sim ${scenarioFile} --seed 3 --json --out ${dir}`);
  expect(sim.code).toBe(1);
  const record = JSON.parse(sim.stdout.trim().split("\n")[0]!) as { traceHash: string; failureFile: string };

  expect((await shell(`node bin/lfcc.js report ${dir}`)).code).toBe(0);
  const markdown = await readFile(join(dir, "report", "report.md"), "utf8");
  const replay = /```sh\n(.+)\n```/.exec(markdown)?.[1];
  expect(replay).toBe(`npx lfcc replay ${record.failureFile}`);
  const junit = await readFile(join(dir, "report", "junit.xml"), "utf8");
  expect(junit).toContain(`message="violated: noGhostPresence; replay: ${replay}"`);

  const replayed = await shell(replay!);
  expect(replayed.code).toBe(1);
  expect(replayed.stdout).toContain(`trace hash ${record.traceHash} matches the recorded one`);
  expect(replayed.stdout).toMatch(/FAIL\s+noGhostPresence: \d+ ghosts/);
});
