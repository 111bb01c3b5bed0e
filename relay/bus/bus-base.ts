/** Shared plumbing of the two buses: options with defaults, handler lists, event emission. */
import { DEFAULT_RELAY_CONFIG } from "../config.ts";
import { defaultRelayLogger, cryptoRandom, systemClock } from "../adapters/system.ts";
import type { BusEvent, BusOptions } from "./message-bus.ts";

export function defaultBusOptions(): BusOptions {
  return {
    clock: systemClock,
    random: cryptoRandom,
    logger: defaultRelayLogger(),
    queueMaxMessages: DEFAULT_RELAY_CONFIG.queueMaxMessages,
    queueMaxBytes: DEFAULT_RELAY_CONFIG.queueMaxBytes,
    reconnectBaseMs: DEFAULT_RELAY_CONFIG.redisReconnectBaseMs,
    reconnectMaxMs: DEFAULT_RELAY_CONFIG.redisReconnectMaxMs,
  };
}

export class BusHandlers {
  readonly message: Array<(channel: string, message: string, link?: string) => void> = [];
  readonly event: Array<(event: BusEvent) => void> = [];

  deliver(channel: string, message: string, link?: string): void {
    for (const handler of this.message) handler(channel, message, link);
  }

  emit(event: BusEvent): void {
    for (const handler of this.event) handler(event);
  }
}

/** Options given to the factory explicitly win over what the relay configures later. */
export function mergeOptions(current: BusOptions, explicit: Partial<BusOptions>, fromRelay: Partial<BusOptions>): BusOptions {
  return { ...current, ...stripUndefined(fromRelay), ...stripUndefined(explicit) };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Reconnect back-off with "equal jitter": at least half the ceiling, so a fleet of relays does not reconnect in step. */
export function backoffDelayMs(options: Pick<BusOptions, "reconnectBaseMs" | "reconnectMaxMs" | "random">, failedAttempts: number): number {
  const { reconnectBaseMs, reconnectMaxMs, random } = options;
  const ceilingMs = Math.min(reconnectMaxMs, reconnectBaseMs * 2 ** Math.min(failedAttempts, 30));
  return ceilingMs / 2 + random.next() * (ceilingMs / 2);
}
