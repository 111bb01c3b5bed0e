/**
 * The run's trace: every observable event, serialized in a stable form and fed into an
 * incremental sha256 whose hex digest is the run's `traceHash`. Full events are kept only when
 * asked (a run can produce hundreds of thousands). Serialization: one line per event,
 * `seq|tMs|node|kind|JSON(detail)`; detail objects are built by deterministic code, so their key
 * order is deterministic too. Binary values must be passed as sizes or base64 strings.
 */
import { createHash, type Hash } from "node:crypto";
import type { TraceEvent } from "../../lab/trace.ts";

export class TraceRecorder {
  private readonly hash: Hash = createHash("sha256");
  private seq = 0;
  private digestCache: string | undefined;
  /** Serialized lines not yet hashed: hashing in ~64 KiB chunks is far cheaper than per line. */
  private pending = "";
  readonly events: TraceEvent[] | undefined;
  /** Events recorded so far, per kind (cheap metrics and test assertions). */
  readonly countsByKind = new Map<string, number>();
  /** Optional live listener (tests, progress UIs). */
  listener: ((event: TraceEvent) => void) | undefined;

  constructor(
    private readonly nowMs: () => number,
    keepEvents: boolean,
  ) {
    this.events = keepEvents ? [] : undefined;
  }

  get length(): number {
    return this.seq;
  }

  record(node: string, kind: string, detail: Record<string, unknown> = {}): void {
    const event: TraceEvent = { seq: this.seq++, tMs: this.nowMs(), node, kind, detail };
    this.pending += `${event.seq}|${event.tMs}|${node}|${kind}|${JSON.stringify(detail)}\n`;
    if (this.pending.length > 65_536) this.flush();
    this.digestCache = undefined;
    this.countsByKind.set(kind, (this.countsByKind.get(kind) ?? 0) + 1);
    this.events?.push(event);
    this.listener?.(event);
  }

  /**
   * `record` for the hottest event kind (a frame sent): the caller passes the detail already
   * serialized, exactly as JSON.stringify would write it (sim/net/trace-detail.ts), and builds the
   * detail object only when a full trace or a listener wants it. Same line, same hash.
   */
  recordSerialized(node: string, kind: string, detailJson: string, detail: () => Record<string, unknown>): void {
    const seq = this.seq++;
    const tMs = this.nowMs();
    this.pending += `${seq}|${tMs}|${node}|${kind}|${detailJson}\n`;
    if (this.pending.length > 65_536) this.flush();
    this.digestCache = undefined;
    this.countsByKind.set(kind, (this.countsByKind.get(kind) ?? 0) + 1);
    if (!this.events && !this.listener) return;
    const event: TraceEvent = { seq, tMs, node, kind, detail: detail() };
    this.events?.push(event);
    this.listener?.(event);
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    this.hash.update(this.pending);
    this.pending = "";
  }

  /**
   * An event that follows from events already hashed (a frame delivered after its send): kept in
   * the full trace and counted, but not hashed, which saves serializing the hottest event kind.
   * It still takes a sequence number, so the hash does not depend on whether events are kept.
   */
  note(node: string, kind: string, detail: Record<string, unknown>): void {
    const seq = this.seq++;
    this.countsByKind.set(kind, (this.countsByKind.get(kind) ?? 0) + 1);
    if (!this.events && !this.listener) return;
    const event: TraceEvent = { seq, tMs: this.nowMs(), node, kind, detail };
    this.events?.push(event);
    this.listener?.(event);
  }

  count(kind: string): number {
    return this.countsByKind.get(kind) ?? 0;
  }

  /** Hex sha256 of everything recorded so far (the hash keeps accepting events afterwards). */
  digest(): string {
    this.flush();
    this.digestCache ??= this.hash.copy().digest("hex");
    return this.digestCache;
  }
}
