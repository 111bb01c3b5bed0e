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

/**
 * Reports promise rejections nobody handled while a run is going (in a real relay process they
 * end the process). Returns the function that stops watching. While a listener is installed Node
 * does not crash on them, so the run goes on and the checkers judge the error.
 */
export function watchUnhandledRejections(onRejection: (reason: unknown) => void): () => void {
  const listener = (reason: unknown) => onRejection(reason);
  process.on("unhandledRejection", listener);
  return () => process.off("unhandledRejection", listener);
}
