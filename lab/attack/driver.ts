/**
 * One attacker's behaviour, in sim and chaos alike (only the ports differ: a virtual or the real
 * clock, a virtual or a `ws` socket). From its start it connects to its server, and once welcomed
 * sends `rate` frames per second drawn from its weighted kinds until its window ends. A closed
 * socket (rate-limit close, crash) is reopened after RECONNECT_DELAY_MS: attackers persist.
 */
import type { ClientSocket, Clock, TimerHandle } from "../../relay/ports.ts";
import type { AttackFrameSource } from "./frames.ts";
import type { AttackerSpec } from "./kinds.ts";
import type { AttackLedger } from "./ledger.ts";

export const RECONNECT_DELAY_MS = 500;

export interface AttackerDriverEnv {
  clock: Clock;
  /** Opens a socket to the attacker's server (with its docId and role or token). */
  connect: () => ClientSocket;
  frames: AttackFrameSource;
  ledger: AttackLedger;
}

export class AttackerDriver {
  private socket: ClientSocket | null = null;
  private sendTimer: TimerHandle | undefined;
  private stopped = false;
  private welcomed = false;

  constructor(
    private readonly attacker: AttackerSpec,
    private readonly env: AttackerDriverEnv,
  ) {}

  /** Call at the attacker's `from`: attacks for `for`, then closes. */
  start(): void {
    this.env.clock.setTimeout(() => this.stop(), this.attacker.forMs);
    this.open();
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.env.clock.clearInterval(this.sendTimer);
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      this.closed(1000);
      socket.onclose = null;
      socket.close(1000, "attack over");
    }
  }

  private open(): void {
    if (this.stopped) return;
    let socket: ClientSocket;
    try {
      socket = this.env.connect();
    } catch {
      this.env.clock.setTimeout(() => this.open(), RECONNECT_DELAY_MS);
      return;
    }
    this.socket = socket;
    this.welcomed = false;
    socket.onmessage = (ev) => this.received(String(ev.data));
    socket.onclose = (ev) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.closed(ev.code);
      this.env.clock.setTimeout(() => this.open(), RECONNECT_DELAY_MS);
    };
  }

  private closed(code: number): void {
    this.env.clock.clearInterval(this.sendTimer);
    this.sendTimer = undefined;
    if (this.welcomed) this.env.ledger.attackerClosed(this.attacker.name, code);
    this.welcomed = false;
  }

  /** Only WELCOME and ERROR matter to an attacker; the relay puts `type` first in every frame it writes. */
  private received(text: string): void {
    const welcome = text.startsWith('{"type":"WELCOME"');
    if (!welcome && !text.startsWith('{"type":"ERROR"')) return;
    let frame: { type: string; payload: Record<string, unknown> };
    try {
      frame = JSON.parse(text) as typeof frame;
    } catch {
      return;
    }
    if (welcome && !this.welcomed) {
      this.welcomed = true;
      this.env.ledger.attackerWelcomed(this.attacker.name, String(frame.payload.senderId));
      this.sendTimer = this.env.clock.setInterval(() => this.sendOne(), 1000 / this.attacker.rate);
      return;
    }
    this.env.ledger.attackerReceived(this.attacker.name, frame.type, frame.payload ?? {});
  }

  private sendOne(): void {
    const socket = this.socket;
    if (!socket || socket.readyState !== 1 || this.stopped) return;
    for (const frame of this.env.frames.next()) {
      this.env.ledger.attackerSent(this.attacker.name, frame);
      try {
        socket.send(frame.text);
      } catch {
        return; // the socket died under us: its close event reconnects
      }
    }
  }
}
