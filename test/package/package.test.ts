/**
 * The package as a user gets it (issue 11, CLI.md v1.1): `npm pack`, install the tarball into an
 * empty folder, then use it the way the README says: a plain `node` .mjs importing "lfcc" and
 * "lfcc/sim", a strict NodeNext TypeScript project with skipLibCheck: false, `npx lfcc` commands,
 * and `npx lfcc serve` stopped by SIGTERM to the npx pid. Dependencies come from npm's cache
 * (--prefer-offline), so after the first run nothing is downloaded.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../chaos/infra/free-port.ts";
import { waitFor } from "../integration/helpers.ts";
import { buildIfStale, ROOT } from "./build.ts";

const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  version: string;
  devDependencies: Record<string, string>;
  dependencies: Record<string, string>;
};
let scratch = "";
let installWarnings = "";

function run(command: string, args: string[], timeoutMs = 120_000): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(command, args, { cwd: scratch, encoding: "utf8", timeout: timeoutMs, env: { ...process.env, npm_config_update_notifier: "false" } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(() => {
  buildIfStale();
  scratch = mkdtempSync(join(tmpdir(), "lfcc-package-"));
  // prepack (tools/pack-manifest.mjs) sees a current build and only strips `prepare` from the manifest.
  const tarball = execFileSync("npm", ["pack", "--silent", "--pack-destination", scratch], { cwd: ROOT, encoding: "utf8" }).trim().split("\n").pop()!;
  writeFileSync(join(scratch, "package.json"), JSON.stringify({ name: "lfcc-user", private: true, type: "module" }));
  cpSync(join(import.meta.dirname, "consumer"), scratch, { recursive: true });
  const install = run("npm", [
    "install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=warn",
    join(scratch, tarball), `yjs@${manifest.dependencies.yjs}`, `@types/node@${manifest.devDependencies["@types/node"]}`,
  ], 240_000);
  if (install.status !== 0) throw new Error(`npm install of the tarball failed:\n${install.stderr}`);
  installWarnings = install.stderr;
}, 300_000);

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe("the tarball", () => {
  it("ships the build, the bin, the scenarios and the README, not tests, benches or sources", () => {
    const files = readdirSync(join(scratch, "node_modules", "lfcc"), { recursive: true }).map(String);
    expect(files).toEqual(expect.arrayContaining(["bin/lfcc.js", "dist/relay/index.js", "dist/relay/index.d.ts", "dist/sim/index.js", "dist/cli/main.js", "scenarios/server-crash.yaml", "README.md"]));
    expect(files.filter((file) => /(^|\/)(test|bench|\.ci|tools)\//.test(file) || file.endsWith(".test.js") || /\.ts$/.test(file) && !file.endsWith(".d.ts"))).toEqual([]);
  });

  it("carries no install-time script: npm 11 installs it without an allowScripts warning", () => {
    const packed = JSON.parse(readFileSync(join(scratch, "node_modules", "lfcc", "package.json"), "utf8")) as { scripts: Record<string, string> };
    expect(Object.keys(packed.scripts)).not.toContain("prepare");
    expect(installWarnings).not.toMatch(/install-scripts|lfcc@/);
    expect(JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).scripts.prepare).toBe("node tools/build.mjs"); // postpack put it back
  });

  it("installs lean: the runtime dependencies only (no tsx, testcontainers, typescript, vitest)", () => {
    const installed = readdirSync(join(scratch, "node_modules"));
    for (const devOnly of ["tsx", "testcontainers", "@testcontainers", "typescript", "vitest", "dockerode", "ssh2", "esbuild"]) expect(installed).not.toContain(devOnly);
    const packages = installed.flatMap((name) => (name.startsWith("@") ? readdirSync(join(scratch, "node_modules", name)) : [name])).filter((name) => !name.startsWith("."));
    expect(packages.length).toBeLessThan(80); // 215 before issue 11
  });
});

describe("used from JavaScript and TypeScript", () => {
  it("a plain node .mjs imports lfcc and lfcc/sim, syncs two providers through a relay and runs a scenario", () => {
    const result = run(process.execPath, ["plain-node.mjs"], 60_000);
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout.trim().split("\n").pop()!)).toMatchObject({
      synced: "hello from plain node", relayIsClass: true, busKind: "redis", scenario: "server-crash", passed: true, traceHash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  it("a strict NodeNext project type-checks against the shipped .d.ts with skipLibCheck: false", () => {
    const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
    const result = run(process.execPath, [tsc, "-p", "tsconfig.json"], 240_000);
    expect(result.stdout + result.stderr).toBe("");
    expect(result.status).toBe(0);
  }, 240_000); // checking every dependency's .d.ts (zod, @types/node, yjs...) takes 10-20 s of CPU
});

describe("npx lfcc from the installed package", () => {
  it("--version answers with the package version", () => {
    const result = run("npx", ["--no-install", "lfcc", "--version"]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe(manifest.version);
  });

  it("sim runs a shipped scenario and prints its record", () => {
    const result = run("npx", ["--no-install", "lfcc", "sim", "node_modules/lfcc/scenarios/server-crash.yaml", "--seeds", "1..2", "--jobs", "2", "--json"]);
    expect(result.status, result.stderr).toBe(0);
    const records = result.stdout.trim().split("\n").map((line) => JSON.parse(line) as { seed: number; passed: boolean });
    expect(records.map((record) => [record.seed, record.passed])).toEqual([[1, true], [2, true]]);
  });

  it("chaos without redis-server/Toxiproxy says testcontainers is not installed and how to add it (exit 2)", () => {
    const { TOXIPROXY_URL: _toxiproxy, REDIS_URL: _redis, ...env } = process.env;
    const result = spawnSync("npx", ["--no-install", "lfcc", "chaos", "node_modules/lfcc/scenarios/server-crash.yaml", "--redis-server", "/nonexistent/redis-server", "--toxiproxy-server", "/nonexistent/toxiproxy-server"], { cwd: scratch, encoding: "utf8", env, timeout: 60_000 });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("testcontainers is not installed; npm install testcontainers @testcontainers/redis");
  });

  it("serve stops cleanly on SIGTERM to the npx pid: no orphaned relay keeps serving", async () => {
    const port = await freePort();
    const npx = spawn("npx", ["--no-install", "lfcc", "serve", "--port", String(port)], { cwd: scratch, stdio: ["ignore", "pipe", "pipe"] });
    const logs: string[] = [];
    for (const stream of [npx.stdout, npx.stderr]) stream.on("data", (chunk: Buffer) => logs.push(...chunk.toString().split("\n").filter(Boolean)));
    await waitFor("listening", () => logs.some((line) => line.includes("listening")), 30_000);
    expect(relayPids(port).length).toBeGreaterThan(0);
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(health.status).toBe(200);

    npx.kill("SIGTERM");
    await once(npx, "exit");
    await waitFor("the relay process is gone", () => relayPids(port).length === 0, 10_000);
    await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
    expect(logs.some((line) => line.includes("shutting down"))).toBe(true);
  });
});

/** Pids of `node .../lfcc serve --port <port>` processes (read from /proc, nothing is signalled). */
function relayPids(port: number): number[] {
  return readdirSync("/proc").filter((entry) => /^\d+$/.test(entry)).filter((pid) => {
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
      return argv[0]?.endsWith("node") && argv.some((arg) => arg.endsWith("lfcc")) && argv.includes("serve") && argv.includes(String(port));
    } catch {
      return false;
    }
  }).map(Number);
}
