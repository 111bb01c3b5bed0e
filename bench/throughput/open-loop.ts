/**
 * An open-loop edit load over many documents: edits are due on a fixed schedule (aggregate rate R,
 * round-robin over the documents, so each doc gets one every docs/R seconds) whether or not the
 * earlier ones have arrived, as many users typing at once would do. Each document has an editor
 * client and a reader client (on another server); an edit's latency is the time from the local
 * one-character append in the editor until the reader's Y.Doc holds it.
 *
 * The load generator is this process and shares the machine with what it measures, so it also
 * reports how late it issued edits against the schedule (lag): when that grows, the numbers say
 * more about the generator than about the servers.
 */
import { performance } from "node:perf_hooks";
import type * as Y from "yjs";

interface InFlight {
  length: number;
  startMs: number;
  recorded: boolean;
}

/** One document: edits on `editor`, arrivals seen on `reader`. Nobody else edits text "t". */
export class EditPair {
  private readonly inFlight: InFlight[] = [];
  private readonly editorText: Y.Text;
  private readonly readerText: Y.Text;

  constructor(editor: Y.Doc, reader: Y.Doc, private readonly onArrival: (latencyMs: number, recorded: boolean) => void) {
    this.editorText = editor.getText("t");
    this.readerText = reader.getText("t");
    reader.on("update", () => this.arrived());
  }

  get pending(): number {
    return this.inFlight.length;
  }

  edit(recorded: boolean): void {
    const length = this.editorText.length + 1;
    this.inFlight.push({ length, startMs: performance.now(), recorded });
    this.editorText.insert(this.editorText.length, "x");
  }

  /** Forgets what never arrived (a step's leftovers must not land in the next step). */
  abandon(): InFlight[] {
    return this.inFlight.splice(0);
  }

  private arrived(): void {
    const length = this.readerText.length;
    const nowMs = performance.now();
    while (this.inFlight.length > 0 && this.inFlight[0]!.length <= length) {
      const done = this.inFlight.shift()!;
      this.onArrival(nowMs - done.startMs, done.recorded);
    }
  }
}

export interface DriveResult {
  issued: number;
  /** How late edits left against their schedule, ms (the generator's own lag). */
  lagMs: number[];
}

const nextTurn = () => new Promise((resolve) => setTimeout(resolve, 1));

/**
 * Issues edits at `ratePerSecond` over `pairs` for `durationMs`, starting with pair `offset`.
 * Each timer turn issues every edit that is due by then, so a busy generator catches up in bursts
 * (and its lag shows it) instead of silently lowering the rate.
 */
export async function drive(pairs: EditPair[], ratePerSecond: number, durationMs: number, recorded: boolean, offset = 0): Promise<DriveResult> {
  const startMs = performance.now();
  const total = Math.floor((ratePerSecond * durationMs) / 1000);
  const lagMs: number[] = [];
  let issued = 0;
  while (issued < total) {
    const elapsedMs = performance.now() - startMs;
    const due = Math.min(total, Math.floor((elapsedMs * ratePerSecond) / 1000));
    for (; issued < due; issued++) {
      lagMs.push(elapsedMs - (issued * 1000) / ratePerSecond);
      pairs[(offset + issued) % pairs.length]!.edit(recorded);
    }
    await nextTurn();
  }
  return { issued, lagMs };
}

/** Resolves when no edit is in flight, or after `timeoutMs`; returns how many were still missing. */
export async function drain(pairs: EditPair[], timeoutMs: number): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  const pending = () => pairs.reduce((sum, pair) => sum + pair.pending, 0);
  while (pending() > 0 && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  return pending();
}
