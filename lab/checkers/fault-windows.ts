/**
 * When the network or a node was disturbed, from the scenario's faults: the checkers that judge
 * timing (presence completeness, snapshots) judge only moments when nothing was. Instant faults
 * that disturb nothing by themselves (join, leave) are left out; a crash or stop without restart
 * disturbs its moment only.
 */
import { DEFAULT_RELAY_CONFIG } from "../../relay/config.ts";
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

/** Kinds after whose heal a relay needs a reconnect (with back-off) to reach Redis again. */
const CUTS_REDIS: ReadonlySet<string> = new Set(["redisOutage", "redisRestart", "partition"]);

/**
 * A fault that cuts relays off Redis acts until they could have noticed its heal: for
 * redisReconnectMaxMs after it (a relay retries with back-off; until then what it publishes is
 * lost or queued). The fuzzer's boundary timing found a snapshot request 7 ms after a heal, and a
 * graceful stop 2 ms after a Redis restart whose LEAVE could not go out.
 */
export function withReconnectLag(windows: FaultWindow[], scenario: Scenario): FaultWindow[] {
  const lagMs = scenario.relay.redisReconnectMaxMs ?? DEFAULT_RELAY_CONFIG.redisReconnectMaxMs;
  return windows.map((w) => (CUTS_REDIS.has(w.kind) ? { ...w, toMs: w.toMs + lagMs } : w));
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
