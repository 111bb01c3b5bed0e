import { spawnSync } from "node:child_process";
import { join } from "node:path";

const ROOT = join(import.meta.dirname, "..", "..");
export const FIXTURES = join(import.meta.dirname, "fixtures");

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/lfcc.js ...args` from the repository root (stdout is a pipe: no progress line). */
export function lfcc(...args: string[]): CliResult {
  const result = spawnSync(process.execPath, [join(ROOT, "bin", "lfcc.js"), ...args], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
