/**
 * Watches one honest client for the attack ledger, in sim and chaos alike: it wraps the client's
 * socket (so it sees each received frame's size and every frame the client sends) and listens to
 * the provider's parsed frames. A frame the ledger attributes to an attacker sets the cause of
 * whatever the provider sends while handling it (the provider answers state requests at once,
 * inside its message handler).
 */
import type { ClientSocket } from "../../relay/ports.ts";
import type { Cause, AttackLedger, SeenFrame } from "./ledger.ts";

interface FrameSource {
  on(event: "message", listener: (frame: SeenFrame) => void): void;
}

export class HonestObserver {
  private frameBytes = 0;
  private cause: Cause | null = null;

  constructor(
    private readonly ledger: AttackLedger,
    private readonly client: string,
  ) {}

  /** Call once with the client's provider (its "message" event carries every parsed frame). */
  attach(provider: FrameSource): void {
    provider.on("message", (frame) => {
      this.cause = this.ledger.honestReceived(this.client, frame, this.frameBytes);
    });
  }

  /** Called by the provider's socket factory: a connection attempt starts now. */
  wrap(socket: ClientSocket): ClientSocket {
    this.ledger.honestConnecting(this.client);
    return new ObservedSocket(socket, this);
  }

  /** @internal (ObservedSocket) */
  beginFrame(data: unknown): void {
    this.frameBytes = typeof data === "string" ? Buffer.byteLength(data, "utf8") : ((data as { byteLength?: number }).byteLength ?? 0);
    this.cause = null;
  }

  /** @internal */
  endFrame(): void {
    this.cause = null;
  }

  /** @internal */
  sent(data: string): void {
    if (this.cause) this.ledger.honestSentBecause(data, this.cause);
  }
}

class ObservedSocket implements ClientSocket {
  onopen: ((ev?: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number; reason?: string }) => void) | null = null;
  onerror: ((ev?: unknown) => void) | null = null;

  constructor(
    private readonly inner: ClientSocket,
    private readonly observer: HonestObserver,
  ) {
    inner.onopen = (ev) => this.onopen?.(ev);
    inner.onmessage = (ev) => {
      observer.beginFrame(ev.data);
      try {
        this.onmessage?.(ev);
      } finally {
        observer.endFrame();
      }
    };
    inner.onclose = (ev) => this.onclose?.(ev);
    inner.onerror = (ev) => this.onerror?.(ev);
  }

  get readyState(): number {
    return this.inner.readyState;
  }

  send(data: string): void {
    this.observer.sent(data);
    this.inner.send(data);
  }

  close(code?: number, reason?: string): void {
    this.inner.close(code, reason);
  }
}
