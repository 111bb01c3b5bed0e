/**
 * A real Toxiproxy server child process on a free loopback port. No npm or Debian package ships
 * it, so we look for the Go-built binary under the names people give it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { findBinary } from "./find-binary.ts";
import { freePort } from "./free-port.ts";
import { waitForPort } from "./redis-server.ts";

export const TOXIPROXY_INSTALL_HINT =
  "toxiproxy-server not found: install it with `go install github.com/Shopify/toxiproxy/v2/cmd/server@latest`, " +
  "then copy $(go env GOPATH)/bin/server to toxiproxy-server on PATH (or pass --toxiproxy-server PATH, " +
  "or TOXIPROXY_URL of a running Toxiproxy)";

export interface LocalToxiproxy {
  /** HTTP API base, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  stop(): Promise<void>;
}

/** Where a locally built Toxiproxy may live: PATH, then the Go bin directory (named `server` there). */
export function findToxiproxyBinary(explicit?: string): string | null {
  if (explicit) return findBinary(explicit);
  const goBins = goBinDirs();
  return findBinary("toxiproxy-server", goBins) ?? firstFound(goBins.map((dir) => join(dir, "server")));
}

export async function startToxiproxyServer(options: { binary?: string } = {}): Promise<LocalToxiproxy> {
  const binary = findToxiproxyBinary(options.binary);
  if (!binary) throw new Error(TOXIPROXY_INSTALL_HINT);
  const port = await freePort();
  const child: ChildProcess = spawn(binary, ["-host", "127.0.0.1", "-port", String(port)], { stdio: "ignore" });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  await waitForPort(port, 10_000);
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGKILL");
      await exited;
    },
  };
}

function goBinDirs(): string[] {
  const dirs = [process.env.GOBIN, process.env.GOPATH && join(process.env.GOPATH, "bin")];
  try {
    dirs.push(join(execFileSync("go", ["env", "GOPATH"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim(), "bin"));
  } catch {
    // No Go toolchain: fall back to the usual default GOPATH.
  }
  if (process.env.HOME) dirs.push(join(process.env.HOME, "go", "bin"));
  return [...new Set(dirs.filter((d): d is string => Boolean(d)))];
}

function firstFound(paths: string[]): string | null {
  for (const path of paths) {
    const found = findBinary(path);
    if (found) return found;
  }
  return null;
}
