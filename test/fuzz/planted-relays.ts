/**
 * Relay variants with classic bugs planted, for proving that the lab can fail. TEST CODE ONLY:
 * each one subclasses the production relay and overrides one documented seam (relay/relay.ts file
 * comment) or swaps one part; nothing here ships.
 */
import type { DedupFilter } from "../../relay/bus/dedup-window.ts";
import type { OutageQueue, QueuedPublish, QueueLimits } from "../../relay/bus/outage-queue.ts";
import type { ClientConnection } from "../../relay/core/client-connection.ts";
import type { SnapshotResponsePayload } from "../../relay/protocol/messages.ts";
import { StatelessCollabRelay, type RelayOptions } from "../../relay/relay.ts";

export type PlantedRelayFactory = (options: RelayOptions) => StatelessCollabRelay;

/** De-duplication removed: every routed message and every client retry is delivered again. */
const dedupRemoved: PlantedRelayFactory = (options) =>
  new StatelessCollabRelay({ ...options, parts: { createDedup: () => new NeverDuplicate() } });

class NeverDuplicate implements DedupFilter {
  readonly size = 0;
  isDuplicate(): boolean {
    return false;
  }
}

/** The post-reconnect RESYNC removed: whatever pub/sub lost while Redis was away stays lost. */
class NoResyncRelay extends StatelessCollabRelay {
  protected override resyncAfterReconnect(): void {}
}

/** The outage queue ignores its bounds (while still reporting them, as a buggy queue would). */
const unboundedQueue: PlantedRelayFactory = (options) =>
  new StatelessCollabRelay({ ...options, parts: { createOutageQueue: (limits) => new UnboundedQueue(limits) } });

class UnboundedQueue implements OutageQueue {
  private readonly items: QueuedPublish[] = [];
  private bytes = 0;
  constructor(public limits: QueueLimits) {}
  get depthMessages(): number {
    return this.items.length;
  }
  get depthBytes(): number {
    return this.bytes;
  }
  push(item: QueuedPublish): number {
    this.items.push(item);
    this.bytes += item.bytes;
    return 0;
  }
  shift(): QueuedPublish | undefined {
    const item = this.items.shift();
    if (item) this.bytes -= item.bytes;
    return item;
  }
  setLimits(limits: QueueLimits): void {
    this.limits = limits;
  }
}

/** Heartbeat expiry removed: clients of a crashed server stay "present" forever elsewhere. */
class NoPresenceExpiryRelay extends StatelessCollabRelay {
  protected override expireStalePresence(): void {}
}

/** Snapshot responses sent to every client of the doc instead of the requester only. */
class BroadcastSnapshotRelay extends StatelessCollabRelay {
  protected override deliverSnapshotResponse(requester: ClientConnection, payload: SnapshotResponsePayload): void {
    for (const conn of this.docs.get(requester.docId) ?? [requester]) super.deliverSnapshotResponse(conn, payload);
  }
}

/** Self-echo: local fan-out forgets to skip the sender. */
class SelfEchoRelay extends StatelessCollabRelay {
  protected override fanOutLocal(docId: string, frame: string): void {
    super.fanOutLocal(docId, frame, null);
  }
}

export const PLANTED_BUGS = {
  dedupRemoved,
  resyncRemoved: (options) => new NoResyncRelay(options),
  unboundedQueue,
  presenceExpiryRemoved: (options) => new NoPresenceExpiryRelay(options),
  snapshotBroadcast: (options) => new BroadcastSnapshotRelay(options),
  selfEcho: (options) => new SelfEchoRelay(options),
} satisfies Record<string, PlantedRelayFactory>;

export type PlantedBug = keyof typeof PLANTED_BUGS;
