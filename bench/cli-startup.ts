/**
 * Start-up of the `lfcc` executable (issue 11), three ways side by side in one run, rounds
 * interleaved so machine load hits all of them alike:
 *   before  tsx compiles the sources and every command loads up front (bench/peers/lfcc-before.mjs)
 *   source  bin/lfcc.js on the sources through tsx, commands loaded lazily (LFCC_RUN_FROM=source)
 *   dist    bin/lfcc.js on the build, commands loaded lazily (LFCC_RUN_FROM=dist): what users run
 * For `--version`, `--help`, and `serve` until its `listening` line: the relay respawn that every
 * chaos-mode restart fault waits for (chaos/infra/relay-process.ts spawns bin/lfcc.js serve).
 * Usage: npx tsx bench/cli-startup.ts [--rounds 10]   (needs a current build: npm run build)
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { runFromSource } from "../bin/run-from.js";

const BIN = fileURLToPath(new URL("../bin/lfcc.js", import.meta.url));
const BEFORE = fileURLToPath(new URL("./peers/lfcc-before.mjs", import.meta.url));
const MODES = {
  before: { script: BEFORE, env: {} },
  source: { script: BIN, env: { LFCC_RUN_FROM: "source" } },
  dist: { script: BIN, env: { LFCC_RUN_FROM: "dist" } },
} as const;
type Mode = keyof typeof MODES;
const COMMANDS = { "--version": ["--version"], "--help": ["--help"], "serve (to listening)": ["serve", "--port", "0", "--log-level", "warn"] } as const;
type CommandName = keyof typeof COMMANDS;

/** Wall time from spawn to exit (or to the `listening` line, for serve; then it is stopped). */
function timeOnce(mode: Mode, args: readonly string[]): Promise<number> {
  const { script, env } = MODES[mode];
  const startedAt = performance.now();
  const child = spawn(process.execPath, [script, ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  return new Promise((resolve, reject) => {
    let elapsed: number | null = null;
    const serve = args[0] === "serve";
    child.stdout.on("data", (chunk: Buffer) => {
      if (serve && elapsed === null && chunk.toString().includes("listening")) {
        elapsed = performance.now() - startedAt;
        child.kill("SIGTERM");
      }
    });
    child.once("exit", (code) => {
      if (!serve) elapsed = performance.now() - startedAt;
      if (elapsed === null || (!serve && code !== 0)) reject(new Error(`${mode} ${args.join(" ")} exited ${code}`));
      else resolve(elapsed);
    });
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

async function main(): Promise<void> {
  const roundsFlag = process.argv.indexOf("--rounds");
  const rounds = roundsFlag === -1 ? 10 : Number(process.argv[roundsFlag + 1]);
  if (runFromSource(undefined)) throw new Error("dist/ is missing or older than the sources: npm run build first");
  const samples = new Map<string, number[]>();
  for (const command of Object.keys(COMMANDS) as CommandName[]) {
    for (const mode of Object.keys(MODES) as Mode[]) await timeOnce(mode, COMMANDS[command]); // warm caches (tsx's too)
  }
  for (let round = 0; round < rounds; round++) {
    for (const command of Object.keys(COMMANDS) as CommandName[]) {
      const order = (Object.keys(MODES) as Mode[]).sort(() => (round % 2 ? 1 : -1)); // alternate who goes first
      for (const mode of order) {
        const key = `${command}|${mode}`;
        samples.set(key, [...(samples.get(key) ?? []), await timeOnce(mode, COMMANDS[command])]);
      }
    }
    process.stderr.write(`round ${round + 1}/${rounds}\n`);
  }
  console.log(`\nlfcc start-up, median of ${rounds} (ms); node ${process.version}\n`);
  console.log("| command | before (tsx, eager) | source (tsx, lazy) | dist (lazy) | dist / before |");
  console.log("|---|---|---|---|---|");
  for (const command of Object.keys(COMMANDS) as CommandName[]) {
    const [before, source, dist] = (["before", "source", "dist"] as const).map((mode) => median(samples.get(`${command}|${mode}`)!));
    console.log(`| ${command} | ${before!.toFixed(0)} | ${source!.toFixed(0)} | ${dist!.toFixed(0)} | ${(dist! / before!).toFixed(2)} |`);
  }
}

await main();
