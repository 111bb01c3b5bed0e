/**
 * The in-memory bus: the embedded default (one server, no Redis) and a way to link several relays
 * in one process (give them the same hub). Delivery is asynchronous (a microtask), like a network
 * would be, so relays never re-enter each other's handlers.
 */
import { BusHandlers } from "./bus-base.ts";
import type { BusEvent, MessageBus } from "./message-bus.ts";

export class InMemoryHub {
  private readonly subscribers = new Map<string, Set<InMemoryMessageBus>>();

  publish(channel: string, message: string): number {
    const buses = this.subscribers.get(channel);
    if (!buses) return 0;
    for (const bus of buses) queueMicrotask(() => bus.deliver(channel, message));
    return buses.size;
  }

  subscribe(channel: string, bus: InMemoryMessageBus): void {
    let buses = this.subscribers.get(channel);
    if (!buses) this.subscribers.set(channel, (buses = new Set()));
    buses.add(bus);
  }

  unsubscribe(channel: string, bus: InMemoryMessageBus): void {
    const buses = this.subscribers.get(channel);
    buses?.delete(bus);
    if (buses?.size === 0) this.subscribers.delete(channel);
  }

  numsub(channel: string): number {
    return this.subscribers.get(channel)?.size ?? 0;
  }
}

export class InMemoryMessageBus implements MessageBus {
  readonly kind = "memory" as const;
  private readonly handlers = new BusHandlers();
  private readonly channels = new Set<string>();
  private open = true;

  constructor(private readonly hub: InMemoryHub = new InMemoryHub()) {}

  configure(): void {}

  async connect(): Promise<void> {
    this.open = true;
  }

  async disconnect(): Promise<void> {
    for (const channel of this.channels) this.hub.unsubscribe(channel, this);
    this.channels.clear();
    this.open = false;
  }

  isConnected(): boolean {
    return this.open;
  }

  publish(channel: string, message: string): void {
    if (this.open) this.hub.publish(channel, message);
  }

  async subscribe(channel: string): Promise<void> {
    this.channels.add(channel);
    this.hub.subscribe(channel, this);
  }

  async unsubscribe(channel: string): Promise<void> {
    this.channels.delete(channel);
    this.hub.unsubscribe(channel, this);
  }

  async numsub(channel: string): Promise<number> {
    return this.hub.numsub(channel);
  }

  activeSubscriptions(): number {
    return this.channels.size;
  }

  queueDepth(): { messages: number; bytes: number } {
    return { messages: 0, bytes: 0 };
  }

  onMessage(handler: (channel: string, message: string) => void): void {
    this.handlers.message.push(handler);
  }

  onEvent(handler: (event: BusEvent) => void): void {
    this.handlers.event.push(handler);
  }

  /** Called by the hub. */
  deliver(channel: string, message: string): void {
    if (this.open && this.channels.has(channel)) this.handlers.deliver(channel, message);
  }
}

/** The design doc's `createInMemoryMessageBus()`; pass one hub to several calls to link relays. */
export function createInMemoryMessageBus(hub?: InMemoryHub): MessageBus {
  return new InMemoryMessageBus(hub);
}
