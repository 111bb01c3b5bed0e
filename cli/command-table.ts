/**
 * Every `lfcc` sub-command: its name, the one line `lfcc --help` lists, and how to load it.
 * Loading is lazy (issue 11): `lfcc --help`, `--version` and each command import only what they
 * need, so the simulator, the relay server and their libraries are never loaded for a help line.
 * A new command is one row here; its module keeps its own options and longer description.
 */
import type { Command } from "commander";

export interface CommandEntry {
  name: string;
  /** The line in `lfcc --help`'s command list. */
  summary: string;
  /** Imports the command's module and returns its register function. */
  load(): Promise<(program: Command) => void>;
}

export const COMMANDS: readonly CommandEntry[] = [
  {
    name: "serve",
    summary: "run one relay server: WebSocket (?docId=), GET /health and GET /metrics on one port",
    load: async () => (await import("./commands/serve.ts")).registerServe,
  },
  {
    name: "sim",
    summary: "run scenarios in the deterministic simulator, one run per (scenario, seed)",
    load: async () => (await import("./commands/sim.ts")).registerSim,
  },
  {
    name: "replay",
    summary: "re-run one recorded run (a failure file, or a scenario file and a seed) in the simulator",
    load: async () => (await import("./commands/replay.ts")).registerReplay,
  },
  {
    name: "fuzz",
    summary: "explore random topologies, workloads and fault schedules; shrink a failure to a minimal scenario",
    load: async () => (await import("./commands/fuzz.ts")).registerFuzz,
  },
  {
    name: "chaos",
    summary: "run scenarios against real redis-server + Toxiproxy + relay processes + WebSocket clients",
    load: async () => (await import("./commands/chaos.ts")).registerChaos,
  },
  {
    name: "report",
    summary: "turn run results (<results-dir>/runs/*.json) into index.html, report.md, results.json and junit.xml",
    load: async () => (await import("./commands/report.ts")).registerReport,
  },
  {
    name: "gate",
    summary: "release gate: every scenario x K seeds, the regression corpus, a fuzz budget, optionally chaos",
    load: async () => (await import("./commands/gate.ts")).registerGate,
  },
  {
    name: "diff",
    summary: "compare two runs' traces event by event: the first difference with context, then what diverges",
    load: async () => (await import("./commands/diff.ts")).registerDiff,
  },
];

/**
 * The command argv asks for: the first word after the executable that is not an option
 * (`lfcc help sim` asks for sim's help). Undefined for `lfcc`, `lfcc --help`, `lfcc --version`.
 */
export function requestedCommand(argv: readonly string[]): string | undefined {
  const words = argv.slice(2);
  const first = words.findIndex((word) => !word.startsWith("-"));
  if (first === -1) return undefined;
  return words[first] === "help" ? words[first + 1] : words[first];
}
