/**
 * Which connections belong to which document: the channel refcount and subscriptions, attaching a
 * client (WELCOME, JOIN to peers, roster) and detaching it (LEAVE, unsubscribe when the last goes).
 */
import { channels, MessageType } from "../protocol/messages.ts";
import type { ClientConnection } from "./client-connection.ts";
import { leavePayload, type Outbound } from "./outbound.ts";
import type { Publisher } from "./publisher.ts";
import type { RelayContext } from "./relay-context.ts";

export class DocMembership {
  /** Connections per doc including those still waiting for their subscription (channel refcount). */
  private readonly docRefs = new Map<string, number>();
  private readonly docSubscriptions = new Map<string, Promise<unknown>>();

  constructor(
    private readonly ctx: RelayContext,
    private readonly outbound: Outbound,
    private readonly publisher: Publisher,
    /** A client left: whatever waits on it or for it must move on. */
    private readonly onClientGone: (conn: ClientConnection) => void,
  ) {}

  /** A new connection counts for its doc's channels from now on, before any await. */
  register(conn: ClientConnection): void {
    this.ctx.connections.set(conn.ws, conn);
    this.docRefs.set(conn.docId, (this.docRefs.get(conn.docId) ?? 0) + 1);
  }

  async subscribeDoc(docId: string): Promise<void> {
    let subscribed = this.docSubscriptions.get(docId);
    if (!subscribed) {
      this.ctx.replayGuard?.noteSubscribed(docId);
      subscribed = Promise.all([this.ctx.bus.subscribe(channels.doc(docId)), this.ctx.bus.subscribe(channels.presence(docId))]);
      this.docSubscriptions.set(docId, subscribed);
    }
    await subscribed;
  }

  attach(conn: ClientConnection): void {
    const { ctx, outbound, publisher } = this;
    let clients = ctx.docs.get(conn.docId);
    const firstHere = !clients;
    if (!clients) ctx.docs.set(conn.docId, (clients = new Set()));
    const peers = [...clients].map((c) => c.senderId).concat(ctx.remotePresence.clientsOf(conn.docId));
    clients.add(conn);
    conn.attached = true;
    const welcome = { senderId: conn.senderId, serverId: ctx.serverId, docId: conn.docId, role: conn.role, peers };
    outbound.sendFrame(conn, outbound.serverFrame(MessageType.WELCOME, conn.docId, welcome));
    if (conn.gone) return;
    ctx.seams.fanOutLocal(conn.docId, outbound.serverFrame(MessageType.JOIN, conn.docId, { senderId: conn.senderId }, conn.senderId), conn);
    const join = publisher.routed(MessageType.JOIN, conn.docId, conn.senderId, { senderId: conn.senderId });
    publisher.publishRouted(channels.presence(conn.docId), join, { queue: true, batch: false });
    if (firstHere) publisher.publishRoster(conn.docId, true);
  }

  detach(conn: ClientConnection, reason: string | undefined): void {
    const { ctx } = this;
    if (conn.gone && !ctx.connections.has(conn.ws)) return;
    conn.gone = true;
    ctx.connections.delete(conn.ws);
    this.onClientGone(conn);
    const clients = ctx.docs.get(conn.docId);
    if (clients?.delete(conn) && conn.attached) {
      const leave = leavePayload(conn.senderId, reason);
      ctx.seams.fanOutLocal(conn.docId, this.outbound.serverFrame(MessageType.LEAVE, conn.docId, leave, conn.senderId), null);
      this.publisher.publishLeave(conn, reason);
    }
    if (clients?.size === 0) ctx.docs.delete(conn.docId);
    this.releaseDoc(conn.docId);
  }

  /** Shutdown: forgets every subscription and returns the channels to unsubscribe. */
  dropAllSubscriptions(): string[] {
    const dropped = [...this.docSubscriptions.keys()].flatMap((docId) => [channels.doc(docId), channels.presence(docId)]);
    this.docSubscriptions.clear();
    return dropped;
  }

  private releaseDoc(docId: string): void {
    const refs = (this.docRefs.get(docId) ?? 1) - 1;
    if (refs > 0) {
      this.docRefs.set(docId, refs);
      return;
    }
    this.docRefs.delete(docId);
    this.docSubscriptions.delete(docId);
    this.ctx.replayGuard?.forgetDoc(docId);
    this.ctx.remotePresence.dropDoc(docId);
    void this.ctx.bus.unsubscribe(channels.doc(docId));
    void this.ctx.bus.unsubscribe(channels.presence(docId));
  }
}
