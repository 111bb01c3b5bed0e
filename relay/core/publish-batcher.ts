/**
 * Batching of outgoing publishes per channel (enableBatching), as a throttle with a leading edge:
 * a message on an idle channel is published at once and opens a window of batchWindowMs (Clock
 * port); what arrives inside the window is published as one BATCH when the window closes, or as
 * soon as batchMaxMessages have gathered.
 *
 * Why the leading edge: with a plain trailing window every lone edit paid the whole window in
 * latency (measured 7.6 ms median cross-server with a 5 ms window against 1.6 ms unbatched), yet a
 * lone edit has nothing to be batched with. Under load the windows stay open back to back and
 * the Redis publish rate is still bounded by one per window per channel.
 * Only the Redis publish waits; local fan-out never does.
 */
import type { RoutedMessage } from "../protocol/messages.ts";
import type { Clock, TimerHandle } from "../ports.ts";

export interface BatchSettings {
  batchWindowMs: number;
  batchMaxMessages: number;
}

interface OpenWindow {
  docId: string;
  messages: RoutedMessage[];
  timer: TimerHandle;
}

export class PublishBatcher {
  private readonly windows = new Map<string, OpenWindow>();

  constructor(
    private readonly settings: BatchSettings,
    private readonly clock: Clock,
    /** Publishes what one channel collected, in order. */
    private readonly flushChannel: (channel: string, docId: string, messages: RoutedMessage[]) => void,
  ) {}

  add(channel: string, message: RoutedMessage): void {
    const window = this.windows.get(channel);
    if (!window) {
      this.openWindow(channel, message.docId);
      this.flushChannel(channel, message.docId, [message]);
      return;
    }
    window.messages.push(message);
    if (window.messages.length >= this.settings.batchMaxMessages) this.publishCollected(channel, window);
  }

  /** Publishes what a channel collected and closes its window. */
  flush(channel: string): void {
    const window = this.windows.get(channel);
    if (!window) return;
    this.windows.delete(channel);
    this.clock.clearTimeout(window.timer);
    this.publishCollected(channel, window);
  }

  flushAll(): void {
    for (const channel of [...this.windows.keys()]) this.flush(channel);
  }

  private openWindow(channel: string, docId: string): void {
    const timer = this.clock.setTimeout(() => this.flush(channel), this.settings.batchWindowMs);
    this.windows.set(channel, { docId, messages: [], timer });
  }

  private publishCollected(channel: string, window: OpenWindow): void {
    if (window.messages.length === 0) return;
    const messages = window.messages;
    window.messages = [];
    this.flushChannel(channel, window.docId, messages);
  }
}
