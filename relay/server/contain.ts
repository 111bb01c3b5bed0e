/**
 * Error containment for the host's callbacks (PROTOCOL.md section 8: nothing ends the process). A
 * throw inside a socket, timer or HTTP event handler would otherwise reach `uncaughtException` and
 * take every client of the server down with it; here it is logged, counted by callback name (for
 * `/metrics`) and the server carries on.
 */
import type { Logger } from "../ports.ts";

export class ContainedErrors {
  private readonly counts = new Map<string, number>();

  constructor(private readonly logger: Logger) {}

  /** Wraps a callback so that whatever it throws is contained; the result is returned otherwise. */
  wrap<Args extends unknown[]>(callback: string, fn: (...args: Args) => void): (...args: Args) => void {
    return (...args: Args) => this.run(callback, fn, args);
  }

  /**
   * The same for ONE listener shared by many emitters (Node calls a listener with `this` = the
   * emitter, which `fn` gets first): no closure per socket, where there are ten thousand sockets.
   */
  wrapShared<Emitter, Args extends unknown[]>(callback: string, fn: (emitter: Emitter, ...args: Args) => void): (this: Emitter, ...args: Args) => void {
    const contained = this;
    return function (this: Emitter, ...args: Args) {
      contained.run(callback, fn, [this, ...args]);
    };
  }

  /** For promise chains: `.catch((error) => contained.record("upgrade", error))`. */
  record(callback: string, error: unknown): void {
    const count = (this.counts.get(callback) ?? 0) + 1;
    this.counts.set(callback, count);
    if (!worthLogging(count)) return;
    try {
      const err = error instanceof Error ? (error.stack ?? error.message) : String(error);
      this.logger.error({ callback, count, err }, "contained a callback error");
    } catch {
      // A logger that throws must not turn containment into the crash it prevents.
    }
  }

  private run<Args extends unknown[]>(callback: string, fn: (...args: Args) => void, args: Args): void {
    try {
      fn(...args);
    } catch (error) {
      this.record(callback, error);
    }
  }

  all(): Array<{ callback: string; count: number }> {
    return [...this.counts].map(([callback, count]) => ({ callback, count }));
  }
}

/**
 * The first ten of each callback, then the 16th, 32nd, 64th...: if a client can trigger the throw
 * at will, the log grows with the logarithm of its effort, not one stack trace per frame.
 */
function worthLogging(count: number): boolean {
  return count <= 10 || (count & (count - 1)) === 0;
}
