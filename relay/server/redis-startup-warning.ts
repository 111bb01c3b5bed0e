/**
 * A relay started against a Redis that does not answer serves its local clients and retries in
 * the background (CLI.md v1.1), but the bus logs each failed attempt at debug level only (so an
 * outage does not flood the log). For an operator starting `lfcc serve` that is silence, so the
 * host promotes the FIRST failed attempt before any successful connect to one warning that names
 * the target (host:port, never the password). Done in the host, not the bus: the bus also runs in
 * the simulator, where its log lines are part of the trace hash.
 */
import type { Logger } from "../ports.ts";

/** The bus's debug event for a failed connect attempt (relay/bus/redis-bus.ts). */
const CONNECT_FAILED = "redis-connect-failed";
const CONNECTED = "redis-connected";

export function warnWhenRedisUnreachable(logger: Logger, redisUrl: string): Logger {
  const state = { settled: false };
  const target = redisTarget(redisUrl);
  const wrap = (inner: Logger): Logger => ({
    debug(obj, msg) {
      inner.debug(obj, msg);
      if (state.settled || eventOf(obj) !== CONNECT_FAILED) return;
      state.settled = true;
      inner.warn(
        { event: "redis-unreachable", redis: target, error: (obj as { error?: unknown }).error },
        `redis ${target} is unreachable at start-up; serving local clients and retrying in the background`,
      );
    },
    info(obj, msg) {
      if (eventOf(obj) === CONNECTED) state.settled = true;
      inner.info(obj, msg);
    },
    warn: (obj, msg) => inner.warn(obj, msg),
    error: (obj, msg) => inner.error(obj, msg),
    child: (bindings) => wrap(inner.child(bindings)),
  });
  return wrap(logger);
}

function eventOf(obj: object): unknown {
  return (obj as { event?: unknown }).event;
}

function redisTarget(redisUrl: string): string {
  try {
    const url = new URL(redisUrl);
    return `${url.protocol}//${url.hostname}:${url.port || 6379}`;
  } catch {
    return "(unparsable URL)";
  }
}
