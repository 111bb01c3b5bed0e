/**
 * Real ports for the relay: wall clock and global timers, `node:crypto` randomness, pino JSON logs.
 * The only relay code allowed to touch them (see eslint.config.js); the simulator passes virtual
 * ports instead and never calls anything here.
 */
import { randomBytes } from "node:crypto";
import pino from "pino";
import type { Clock, Logger, Random, TimerHandle } from "../ports.ts";

type NodeTimer = ReturnType<typeof setTimeout>;

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, delayMs) => unrefTimer(setTimeout(fn, delayMs)),
  clearTimeout: (handle) => clearTimeout(handle as NodeTimer | undefined),
  setInterval: (fn, intervalMs) => unrefTimer(setInterval(fn, intervalMs)),
  clearInterval: (handle) => clearInterval(handle as NodeTimer | undefined),
};

/** Relay timers (heartbeats, batches, back-off) must never keep a finished process alive. */
function unrefTimer(timer: NodeTimer): TimerHandle {
  timer.unref?.();
  return timer as TimerHandle;
}

/** Random bytes are drawn in blocks: one syscall per 1024 draws keeps ids cheap on the hot path. */
const POOL_BYTES = 4096;
let pool = randomBytes(POOL_BYTES);
let poolOffset = 0;

function nextUint32(): number {
  if (poolOffset + 4 > POOL_BYTES) {
    pool = randomBytes(POOL_BYTES);
    poolOffset = 0;
  }
  const value = pool.readUInt32BE(poolOffset);
  poolOffset += 4;
  return value;
}

export const cryptoRandom: Random = {
  next: () => nextUint32() / 2 ** 32,
  uint32: nextUint32,
  id: (prefix) => `${prefix}-${nextUint32().toString(16).padStart(8, "0")}`,
};

/** pino JSON lines on stdout, one per event. `level`: "debug" | "info" | "warn" | "error" | "silent". */
export function pinoLogger(level = "info", bindings: object = {}): Logger {
  return wrapPino(pino({ level, base: { ...bindings } }));
}

function wrapPino(logger: pino.Logger): Logger {
  return {
    debug: (obj, msg) => logger.debug(obj, msg),
    info: (obj, msg) => logger.info(obj, msg),
    warn: (obj, msg) => logger.warn(obj, msg),
    error: (obj, msg) => logger.error(obj, msg),
    child: (bindings) => wrapPino(logger.child(bindings)),
  };
}

export { silentLogger } from "./silent-logger.ts";

/** The relay's logger when the host passes none: pino at `LFCC_LOG_LEVEL` (default "warn"). */
export function defaultRelayLogger(): Logger {
  return pinoLogger(process.env.LFCC_LOG_LEVEL ?? "warn");
}
