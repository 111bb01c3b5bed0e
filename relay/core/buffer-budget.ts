/**
 * The process-wide bound on bytes buffered for slow readers (PROTOCOL.md section 8,
 * `maxBufferedBytesTotal`). The per-connection bound (maxBufferedBytes) alone lets many paused
 * readers together hold (connections x 8 MiB): 1 MiB of presence to 20 readers plus 3 paused ones
 * once held 18.5x its size. The budget keeps the last buffered amount seen per connection after
 * each send (a running total, O(1) per send); only when the total passes the bound does it re-read
 * every tracked socket (they may have drained) and pick the largest buffers to close.
 */
import type { ClientConnection } from "./client-connection.ts";

export class BufferBudget {
  private readonly buffered = new Map<ClientConnection, number>();
  private total = 0;

  constructor(private readonly maxTotalBytes: number) {}

  get totalBytes(): number {
    return this.total;
  }

  /** Records `conn`'s buffer after a send; returns the connections to close, largest first. */
  observe(conn: ClientConnection, bufferedBytes: number): ClientConnection[] {
    this.set(conn, bufferedBytes);
    if (this.total <= this.maxTotalBytes) return [];
    return this.overBudget();
  }

  forget(conn: ClientConnection): void {
    this.set(conn, 0);
  }

  private set(conn: ClientConnection, bufferedBytes: number): void {
    const before = this.buffered.get(conn) ?? 0;
    if (bufferedBytes === before) return;
    this.total += bufferedBytes - before;
    if (bufferedBytes > 0) this.buffered.set(conn, bufferedBytes);
    else this.buffered.delete(conn);
  }

  private overBudget(): ClientConnection[] {
    for (const conn of [...this.buffered.keys()]) this.set(conn, conn.gone ? 0 : conn.ws.bufferedAmount);
    const victims: ClientConnection[] = [];
    const largestFirst = [...this.buffered.entries()].sort((a, b) => b[1] - a[1]);
    let total = this.total;
    for (const [conn, bytes] of largestFirst) {
      if (total <= this.maxTotalBytes) break;
      victims.push(conn);
      total -= bytes;
    }
    return victims;
  }
}
