/**
 * One self-rewriting status line for long runs (sim over many scenarios/seeds, fuzz, chaos, gate).
 * Shown only on a terminal: when stdout is piped or --json is given it does nothing, so machine
 * output stays clean (shared/CLI.md).
 */
export interface Progress {
  /** Replaces the status line, e.g. `[3/12] server-crash seed 2  41s/62s virtual`. */
  update(text: string): void;
  /** Clears the line so normal output can follow. */
  done(): void;
}

export interface ProgressOptions {
  stream?: NodeJS.WriteStream;
  /** Force off (e.g. --json). */
  quiet?: boolean;
  /** Minimum time between redraws, so a fast loop does not spend its time on the terminal. */
  minIntervalMs?: number;
}

export function createProgress(options: ProgressOptions = {}): Progress {
  const stream = options.stream ?? process.stdout;
  if (options.quiet || !stream.isTTY) return { update: () => {}, done: () => {} };
  const minIntervalMs = options.minIntervalMs ?? 100;
  let lastDrawMs = -Infinity;
  let shown = false;
  return {
    update(text) {
      const now = Date.now();
      if (now - lastDrawMs < minIntervalMs) return;
      lastDrawMs = now;
      const width = Math.max(20, (stream.columns ?? 80) - 1);
      stream.write(`\r\x1b[K${text.length > width ? text.slice(0, width - 1) + "…" : text}`);
      shown = true;
    },
    done() {
      if (shown) stream.write("\r\x1b[K");
      shown = false;
      lastDrawMs = -Infinity;
    },
  };
}
