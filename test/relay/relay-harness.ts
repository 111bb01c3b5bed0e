/** Builds relays on one in-memory hub with a shared manual clock, and connects fake clients. */
import { InMemoryHub, createInMemoryMessageBus } from "../../relay/bus/in-memory-bus.ts";
import type { RelayConfig } from "../../relay/config.ts";
import type { RelayEvent } from "../../relay/events.ts";
import { StatelessCollabRelay } from "../../relay/relay.ts";
import type { Role } from "../../relay/protocol/messages.ts";
import { FakeSocket, ManualClock, SeededRandom, quietLogger, settle } from "./fakes.ts";

export class Cluster {
  readonly clock = new ManualClock();
  readonly hub = new InMemoryHub();
  readonly events = new Map<string, RelayEvent[]>();
  private clientCount = 0;

  relay(serverId: string, config: Partial<RelayConfig> = {}): StatelessCollabRelay {
    const events: RelayEvent[] = [];
    this.events.set(serverId, events);
    return new StatelessCollabRelay({
      serverId,
      enableBatching: false,
      // These routing tests carry placeholder strings ("u1", "HSV") as CRDT bytes; decoding is
      // tested with real Yjs updates in test/relay/hostile-input.test.ts, where it is on.
      validateCrdtPayloads: false,
      ...config,
      redisAdapter: createInMemoryMessageBus(this.hub),
      ports: { clock: this.clock, random: new SeededRandom(serverId.length + 7), logger: quietLogger },
      onEvent: (event) => events.push(event),
    });
  }

  async connect(relay: StatelessCollabRelay, docId = "doc-1", role: Role = "editor"): Promise<{ ws: FakeSocket; id: string }> {
    const id = `c${++this.clientCount}`;
    const ws = new FakeSocket(id);
    await relay.handleConnection(ws, docId, id, { role });
    await settle();
    return { ws, id };
  }
}

export function send(relay: StatelessCollabRelay, ws: FakeSocket, frame: object | string): void {
  relay.handleMessage(ws, typeof frame === "string" ? frame : JSON.stringify(frame));
}

export const update = (update: string, extra: object = {}) => ({ type: "CRDT_UPDATE", payload: { update }, ...extra });
