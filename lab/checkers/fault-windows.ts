/**
 * When the network or a node was disturbed, from the scenario's faults: the checkers that judge
 * timing (presence completeness, snapshots) judge only moments when nothing was. Instant faults
 * that disturb nothing by themselves (join, leave) are left out; a crash or stop without restart
 * disturbs its moment only.
 */
import { faultEndMs, type Fault, type FaultKind, type Scenario } from "../scenario/types.ts";

export interface FaultWindow {
  kind: FaultKind;
  fromMs: number;
  toMs: number;
  fault: Fault;
}

const HARMLESS: ReadonlySet<FaultKind> = new Set(["join", "leave"]);

export function faultWindows(scenario: Scenario, ignore: readonly FaultKind[] = []): FaultWindow[] {
  return scenario.faults
    .filter((fault) => !HARMLESS.has(fault.kind) && !ignore.includes(fault.kind))
    .map((fault) => ({ kind: fault.kind, fromMs: fault.atMs, toMs: faultEndMs(fault), fault }));
}

/** True when no window overlaps [fromMs, toMs]. */
export function quiet(windows: readonly FaultWindow[], fromMs: number, toMs: number): boolean {
  return windows.every((w) => w.toMs < fromMs || w.fromMs > toMs);
}

/** The relay timing the scenario runs with (its overrides, else the production defaults). */
export function relayTiming(scenario: Scenario, defaults: { heartbeatIntervalMs: number; presenceTimeoutMs: number; snapshotTimeoutMs: number }) {
  return {
    heartbeatIntervalMs: scenario.relay.heartbeatIntervalMs ?? defaults.heartbeatIntervalMs,
    presenceTimeoutMs: scenario.relay.presenceTimeoutMs ?? defaults.presenceTimeoutMs,
    snapshotTimeoutMs: scenario.relay.snapshotTimeoutMs ?? defaults.snapshotTimeoutMs,
  };
}
