/**
 * Which build a report judges: package version, git commit (when the report is written inside a
 * git checkout, and whether it had local changes), date, host and Node. Gathered once when the
 * report is written; a test passes its own to get a stable page.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { hostname } from "node:os";

export interface BuildInfo {
  packageVersion: string;
  /** Short commit id, "+ local changes" when the work tree differs; null outside a git checkout. */
  gitCommit: string | null;
  /** ISO date-time the report was written. */
  date: string;
  host: string;
  node: string;
}

export function currentBuildInfo(now = new Date()): BuildInfo {
  return { packageVersion: packageVersion(), gitCommit: gitCommit(), date: now.toISOString(), host: hostname(), node: process.version };
}

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version?: string };
    return pkg.version ?? "unknown";
  } catch {
    return "unknown";
  }
}

function gitCommit(): string | null {
  const git = (...args: string[]) => execFileSync("git", args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 5000 }).trim();
  try {
    const commit = git("rev-parse", "--short=12", "HEAD");
    const dirty = git("status", "--porcelain", "--untracked-files=no") !== "";
    return dirty ? `${commit} + local changes` : commit;
  } catch {
    return null;
  }
}
