/**
 * `lfcc chaos <scenario.yaml | dir>... [--json] [--out DIR]`: the same scenario files as `lfcc sim`,
 * against real redis-server, Toxiproxy, `lfcc serve` processes and WebSocket clients (issue 6).
 * Exit 0 when every run passed, 1 when an invariant failed, 2 on bad usage, a bad scenario, or
 * no Redis / Toxiproxy to run against (the message says how to install them).
 */
import type { Command } from "commander";
import type { RunRecord } from "../../lab/record.ts";
import { saveRun } from "../../chaos/artifacts.ts";
import { acquireServices, ChaosSetupError, type ChaosServices } from "../../chaos/infra/services.ts";
import { unsupportedOverrides } from "../../chaos/infra/relay-process.ts";
import { runChaos } from "../../chaos/run.ts";
import { UsageError } from "../usage-error.ts";
import { loadScenarioFiles, reportingLoadProblems } from "../scenario-files.ts";

interface ChaosFlags {
  json?: boolean;
  out: string;
  seed?: string;
  timeScale: string;
  redisUrl?: string;
  toxiproxyUrl?: string;
  redisServer?: string;
  toxiproxyServer?: string;
  containers: boolean;
}

export function registerChaos(program: Command): void {
  program
    .command("chaos")
    .description("run scenarios against real redis-server + Toxiproxy + relay processes + WebSocket clients")
    .argument("<scenarios...>", "scenario files (.yaml) or directories of them")
    .option("--json", "one JSON run record per line on stdout, no progress")
    .option("--out <dir>", "results directory (run records; logs and fault timeline of failing runs)", "lfcc-out")
    .option("--seed <n>", "seed for ids and the workload's op choices (default: the scenario's seed)")
    .option("--time-scale <factor>", "multiply every scenario time by this (0.5 = twice as fast); relay timers are not scaled", "1")
    .option("--redis-url <url>", "use this Redis instead of starting one (env REDIS_URL)")
    .option("--toxiproxy-url <url>", "use this Toxiproxy API on this host instead of starting one (env TOXIPROXY_URL)")
    .option("--redis-server <path>", "redis-server binary to start (default: found on PATH)")
    .option("--toxiproxy-server <path>", "toxiproxy-server binary to start (default: PATH, then $(go env GOPATH)/bin/server)")
    .option("--no-containers", "never fall back to testcontainers")
    .action(async (paths: string[], flags: ChaosFlags) => {
      process.exitCode = await runChaosCommand(paths, flags);
    });
}

async function runChaosCommand(paths: string[], flags: ChaosFlags): Promise<number> {
  const seed = flags.seed === undefined ? undefined : parseInteger("--seed", flags.seed);
  const timeScale = Number(flags.timeScale);
  if (!(timeScale > 0)) throw new UsageError(`--time-scale must be a positive number, got "${flags.timeScale}"`);
  const files = reportingLoadProblems(() => loadScenarioFiles(paths), process.stderr);
  if (files === null) return 2;
  // Progress only for a person at a terminal (CLI.md): on stderr, so stdout stays the results.
  const progress = !flags.json && process.stdout.isTTY ? (m: string) => process.stderr.write(`  ${m}\n`) : undefined;
  const services = await acquire(flags);
  let failed = 0;
  try {
    for (const [i, { file, scenario }] of files.entries()) {
      const skipped = unsupportedOverrides(scenario.relay);
      // Said even with --json (on stderr): a run without the scenario's relay settings is not the same run.
      if (skipped.length > 0) process.stderr.write(`lfcc chaos: ${scenario.name}: relay overrides \`lfcc serve\` has no flag for, not applied: ${skipped.join(", ")}\n`);
      progress?.(`[${i + 1}/${files.length}] ${scenario.name}`);
      const result = await runChaos(scenario, { services, seed, timeScale, onProgress: progress });
      const replayCommand = chaosCommand(file, flags.seed, timeScale);
      const record = await saveRun(flags.out, { ...result.record, replayCommand }, result.record.scenarioSpec ?? scenario, result.relayLogs);
      if (!record.passed) failed++;
      report(record, Boolean(flags.json));
    }
  } finally {
    await services.teardown();
  }
  return failed > 0 ? 1 : 0;
}

/** The command that runs this again (chaos is not deterministic: same schedule, not same trace). */
export function chaosCommand(file: string, seed: string | undefined, timeScale: number): string {
  return ["lfcc chaos", file, seed === undefined ? "" : `--seed ${seed}`, timeScale === 1 ? "" : `--time-scale ${timeScale}`].filter(Boolean).join(" ");
}

function report(record: RunRecord, json: boolean): void {
  if (json) {
    process.stdout.write(JSON.stringify(record) + "\n");
    return;
  }
  const verdict = record.passed ? "PASS" : "FAIL";
  process.stdout.write(`${verdict} ${record.scenario} (seed ${record.seed}, chaos, ${(record.wallMs / 1000).toFixed(1)} s)\n`);
  for (const invariant of record.invariants) process.stdout.write(`  ${invariant.passed ? "ok  " : "FAIL"} ${invariant.name}: ${invariant.detail}\n`);
  for (const fault of record.faults ?? []) {
    process.stdout.write(`  fault ${fault.kind} ${Math.round(fault.startMs)}..${Math.round(fault.endMs)} ms${fault.skipped ? " (skipped)" : ""}: ${fault.detail}\n`);
  }
  if (record.failureFile) process.stdout.write(`  failure: ${record.failureFile}\n`);
}

async function acquire(flags: ChaosFlags): Promise<ChaosServices> {
  try {
    return await acquireServices({
      redisUrl: flags.redisUrl,
      toxiproxyUrl: flags.toxiproxyUrl,
      redisServerBinary: flags.redisServer,
      toxiproxyServerBinary: flags.toxiproxyServer,
      allowContainers: flags.containers,
    });
  } catch (error) {
    if (error instanceof ChaosSetupError) throw new UsageError(error.message);
    throw error;
  }
}


function parseInteger(flag: string, text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0) throw new UsageError(`${flag} must be a non-negative integer, got "${text}"`);
  return value;
}
