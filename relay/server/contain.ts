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
    return (...args: Args) => {
      try {
        fn(...args);
      } catch (error) {
        this.record(callback, error);
      }
    };
  }

  /** For promise chains: `.catch((error) => contained.record("upgrade", error))`. */
  record(callback: string, error: unknown): void {
    this.counts.set(callback, (this.counts.get(callback) ?? 0) + 1);
    try {
      this.logger.error({ callback, err: error instanceof Error ? (error.stack ?? error.message) : String(error) }, "contained a callback error");
    } catch {
      // A logger that throws must not turn containment into the crash it prevents.
    }
  }

  all(): Array<{ callback: string; count: number }> {
    return [...this.counts].map(([callback, count]) => ({ callback, count }));
  }
}
