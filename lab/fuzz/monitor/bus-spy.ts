/**
 * Watches one relay's message bus in place (its methods are wrapped on the instance, so the relay
 * and the simulator keep one object): what the relay takes off Redis (cross-server traffic, counted
 * before de-duplication, so an echo storm shows even when the receivers drop the copies), what
 * the bus reports (drops, the link coming back), and its outage queue (QueueSpy).
 */
import type { BusEvent, BusOptions, MessageBus } from "../../../relay/bus/message-bus.ts";
import { BoundedOutageQueue } from "../../../relay/bus/outage-queue.ts";
import { parseJsonOnce } from "./parse-once.ts";
import { QueueSpy } from "./queue-spy.ts";
import { FORGED_SENDER } from "./socket-spy.ts";

export interface BusSpyReport {
  crossServer(bytes: number, updates: number, updateBytes: number): void;
  queueViolation(detail: string): void;
  queueDropped(model: number, reported: number): void;
  /** The link came (back) up: every attached client of a doc in scope must get a RESYNC for it. */
  linkUp(scope: ((channel: string) => boolean) | undefined): void;
}

export function spyOnBus(bus: MessageBus, serverId: string, report: BusSpyReport): void {
  const configure = bus.configure.bind(bus);
  bus.configure = (options: Partial<BusOptions>) =>
    configure({
      ...options,
      createQueue: (limits) => new QueueSpy(options.createQueue?.(limits) ?? new BoundedOutageQueue(limits), {
        violation: (detail) => report.queueViolation(detail),
        dropped: (model, reported) => report.queueDropped(model, reported),
      }),
    });
  const onMessage = bus.onMessage.bind(bus);
  // Every argument goes through: the cluster bus names the shard a message came on (`link`), and
  // the relay's liveness needs it; a spy that dropped it made sharded relays expire live peers.
  bus.onMessage = (handler) =>
    onMessage((channel, message, link) => {
      countRouted(message, serverId, report);
      handler(channel, message, link);
    });
  const onEvent = bus.onEvent.bind(bus);
  bus.onEvent = (handler) =>
    onEvent((event: BusEvent) => {
      handler(event);
      if (event.type === "bus-status" && event.connected) report.linkUp(event.scope);
    });
}

/** Redis echoes a relay's own publishes back to it; those are not cross-server traffic. */
function countRouted(text: string, serverId: string, report: BusSpyReport): void {
  const parsed = parseJsonOnce(text);
  if (parsed === undefined) return report.crossServer(text.length, 0, 0);
  const message = parsed as { type?: unknown; sourceServerId?: unknown; payload?: { update?: unknown; messages?: unknown } };
  if (message.sourceServerId === serverId || (message as { senderId?: unknown }).senderId === FORGED_SENDER) return;
  const members = message.type === "BATCH" && Array.isArray(message.payload?.messages) ? (message.payload.messages as (typeof message)[]) : [message];
  let updates = 0;
  let updateBytes = 0;
  for (const member of members) {
    if (member?.type !== "CRDT_UPDATE") continue;
    updates++;
    updateBytes += String(member.payload?.update ?? "").length;
  }
  report.crossServer(text.length, updates, updateBytes);
}
