import { spawnSync } from "node:child_process";
import { join } from "node:path";

const ROOT = join(import.meta.dirname, "..", "..");
export const FIXTURES = join(import.meta.dirname, "fixtures");

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * A hung command must not hang the suite, but a slow one on a loaded 2-core CI machine is not a
 * failure (fuzz runs with attackers take seconds each): each test's own vitest timeout is tighter.
 */
const COMMAND_TIMEOUT_MS = 170_000;

/** Runs `node bin/lfcc.js ...args` from the repository root (stdout is a pipe: no progress line). */
export function lfcc(...args: string[]): CliResult {
  const result = spawnSync(process.execPath, [join(ROOT, "bin", "lfcc.js"), ...args], { cwd: ROOT, encoding: "utf8", timeout: COMMAND_TIMEOUT_MS });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
