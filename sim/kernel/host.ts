/**
 * The simulator's ONE door to the real event loop (lint-exempt). After every simulated event the
 * kernel awaits `settle()`: a macrotask (setImmediate) only runs once Node has drained the whole
 * microtask queue, including microtasks queued by other microtasks, so every promise chain the
 * event started has run as far as it can without virtual time moving. Nothing else is on the
 * real event loop during a run (no real timers, sockets or files), so nothing else can interleave.
 */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Wall-clock ms, for the run record's wallMs and progress reports only (never in the trace). */
export function wallNowMs(): number {
  return performance.now();
}
