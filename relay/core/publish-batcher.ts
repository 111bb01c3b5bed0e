/**
 * Batching of outgoing publishes per channel (enableBatching): messages collected for
 * batchWindowMs (Clock port) or until batchMaxMessages are published as one BATCH. Only the
 * Redis publish waits; local fan-out never does.
 */
import type { RoutedMessage } from "../protocol/messages.ts";
import type { Clock, TimerHandle } from "../ports.ts";

export interface BatchSettings {
  batchWindowMs: number;
  batchMaxMessages: number;
}

interface PendingBatch {
  docId: string;
  messages: RoutedMessage[];
  timer: TimerHandle;
}

export class PublishBatcher {
  private readonly pending = new Map<string, PendingBatch>();

  constructor(
    private readonly settings: BatchSettings,
    private readonly clock: Clock,
    /** Publishes what one channel collected, in order. */
    private readonly flushChannel: (channel: string, docId: string, messages: RoutedMessage[]) => void,
  ) {}

  add(channel: string, message: RoutedMessage): void {
    let batch = this.pending.get(channel);
    if (!batch) {
      const timer = this.clock.setTimeout(() => this.flush(channel), this.settings.batchWindowMs);
      batch = { docId: message.docId, messages: [], timer };
      this.pending.set(channel, batch);
    }
    batch.messages.push(message);
    if (batch.messages.length >= this.settings.batchMaxMessages) this.flush(channel);
  }

  flush(channel: string): void {
    const batch = this.pending.get(channel);
    if (!batch) return;
    this.pending.delete(channel);
    this.clock.clearTimeout(batch.timer);
    this.flushChannel(channel, batch.docId, batch.messages);
  }

  flushAll(): void {
    for (const channel of [...this.pending.keys()]) this.flush(channel);
  }
}
