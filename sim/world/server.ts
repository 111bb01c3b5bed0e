/**
 * A simulated server node: hosts one production relay instance at a time. Each instance gets its
 * own clock view, random stream and Redis connector, and remembers its own connections, so
 *  - crash: kills its clock (no timer of the dead process ever fires), resets its sockets and
 *    Redis connections with no goodbye (peers see 1006), and the relay object is dropped;
 *  - stop: the graceful path, relay.shutdown(), then the same cleanup for whatever is left;
 *  - start after either: a fresh instance with a NEW serverId (generation counter).
 */
import { createRedisAdapter } from "../../relay/bus/create-redis-adapter.ts";
import type { RelayConfig } from "../../relay/config.ts";
import { generateClientId } from "../../relay/ids.ts";
import { DOC_ID_PATTERN, CloseCode } from "../../relay/protocol/messages.ts";
import type { NodeClock } from "../kernel/clock.ts";
import type { SimKernel } from "../kernel/kernel.ts";
import type { Connection, Endpoint, Network } from "../net/network.ts";
import { VirtualRelaySocket } from "../net/websocket.ts";
import { createSimRedisConnector } from "../redis/connection.ts";
import { createSimClusterConnector } from "../redis/shards.ts";
import type { ObservationLog } from "./observer.ts";
import type { RelayFactory, SimRelay } from "./relay-host.ts";
import { acceptYWebsocket, createSimDialect, yWebsocketDocId } from "./yws-host.ts";
import type { YWebsocketDialect } from "../../relay/dialects/y-websocket/dialect.ts";

/** A graceful stop that has not finished by then is cut short, like a supervisor's SIGKILL. */
export const STOP_GRACE_MS = 5000;

interface Instance {
  serverId: string;
  relay: SimRelay;
  clock: NodeClock;
  connections: Set<Connection>;
  /** The y-websocket dialect over this instance's relay (upgrades on `/<docId>`). */
  yWebsocket: YWebsocketDialect;
}

export interface ServerEnv {
  kernel: SimKernel;
  network: Network;
  observer: ObservationLog;
  relayFactory: RelayFactory;
  relayConfig: Partial<Omit<RelayConfig, "serverId">>;
  /** Redis Cluster masters (r1..rN); absent or 1: the single "redis" node. */
  redisShards?: number;
}

export class SimServer {
  private instance: Instance | undefined;
  private generation = 0;
  private skewMs = 0;

  constructor(
    private readonly env: ServerEnv,
    readonly name: string,
  ) {}

  get isUp(): boolean {
    return this.instance !== undefined;
  }

  get serverId(): string | undefined {
    return this.instance?.serverId;
  }

  get relay(): SimRelay | undefined {
    return this.instance?.relay;
  }

  start(): string {
    if (this.instance) return this.instance.serverId;
    const { kernel, network } = this.env;
    this.generation++;
    const serverId = `${this.name}.g${this.generation}`;
    const clock = kernel.clock(this.name);
    clock.skewMs = this.skewMs;
    const connections = new Set<Connection>();
    const random = kernel.stream(`relay:${this.name}:g${this.generation}`);
    const logger = kernel.logger(this.name);
    const track = (connection: Connection) => connections.add(connection);
    const shards = this.env.redisShards ?? 1;
    const redisAdapter =
      shards > 1
        ? createRedisAdapter({ clusterConnector: createSimClusterConnector(network, this.name, shards, track) })
        : createRedisAdapter({ connector: createSimRedisConnector(network, this.name, track) });
    const relay = this.env.relayFactory({
      ...this.env.relayConfig,
      serverId,
      redisAdapter,
      ports: { clock, random, logger },
      onEvent: (event) => {
        kernel.trace.record(this.name, "relay.event", event as unknown as Record<string, unknown>);
        this.env.observer.relayEvent(this.name, event);
      },
    });
    const yWebsocket = createSimDialect(relay, { clock, random: kernel.stream(`yws:${this.name}:g${this.generation}`) }, (event) =>
      kernel.trace.record(this.name, "yws.event", event as unknown as Record<string, unknown>),
    );
    this.instance = { serverId, relay, clock, connections, yWebsocket };
    kernel.trace.record(this.name, "server.start", { serverId });
    this.catchAsync(() => relay.initialize());
    network.listen(this.name, (endpoint) => this.accept(endpoint));
    return serverId;
  }

  crash(): void {
    const instance = this.instance;
    if (!instance) return;
    this.env.kernel.trace.record(this.name, "server.crash", { serverId: instance.serverId });
    this.instance = undefined;
    this.teardown(instance, "crash");
  }

  stop(): void {
    const instance = this.instance;
    if (!instance) return;
    const { kernel, network } = this.env;
    kernel.trace.record(this.name, "server.stop", { serverId: instance.serverId });
    this.instance = undefined;
    network.unlisten(this.name);
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      this.teardown(instance, "stopped");
    };
    // The stopping relay keeps its clock until shutdown finishes (its timers may drive it).
    Promise.resolve()
      .then(() => instance.relay.shutdown())
      .catch((error: unknown) => kernel.reportError(this.name, error))
      .finally(finish);
    kernel.after(STOP_GRACE_MS, this.name, finish);
  }

  setSkew(offsetMs: number): void {
    this.skewMs = offsetMs;
    if (this.instance) this.instance.clock.skewMs = offsetMs;
  }

  private teardown(instance: Instance, reason: string): void {
    const { network, observer } = this.env;
    instance.clock.kill();
    if (!this.instance) network.unlisten(this.name);
    network.resetConnections(instance.connections, reason, this.name);
    observer.serverGone(this.name);
  }

  private accept(endpoint: Endpoint): void {
    const instance = this.instance;
    if (!instance) return;
    instance.connections.add(endpoint.connection);
    const yDocId = yWebsocketDocId(String(endpoint.connection.label));
    if (yDocId !== null && DOC_ID_PATTERN.test(yDocId)) {
      const senderId = generateClientId(this.env.kernel.stream(`sender:${this.name}:g${this.generation}:${endpoint.connection.id}`));
      const closed = () => instance.connections.delete(endpoint.connection);
      return acceptYWebsocket(instance.yWebsocket, endpoint, yDocId, senderId, (call) => this.catchAsync(call), closed);
    }
    const socket = new VirtualRelaySocket(endpoint);
    const docId = docIdOf(String(endpoint.connection.label));
    if (docId === null || !DOC_ID_PATTERN.test(docId)) {
      socket.close(CloseCode.POLICY, "invalid docId");
      return;
    }
    const senderId = generateClientId(this.env.kernel.stream(`sender:${this.name}:g${this.generation}:${endpoint.connection.id}`));
    socket.onMessage = (data) => this.catchAsync(() => instance.relay.handleMessage(socket, data));
    socket.onClose = () => {
      instance.connections.delete(endpoint.connection);
      this.catchAsync(() => instance.relay.handleDisconnection(socket));
    };
    const role = roleOf(String(endpoint.connection.label));
    this.catchAsync(() => (role ? instance.relay.handleConnection(socket, docId, senderId, { role }) : instance.relay.handleConnection(socket, docId, senderId)));
  }

  /** Relay calls may return promises; a rejection is a reported error, never a crash of the sim. */
  private catchAsync(call: () => unknown): void {
    const { kernel } = this.env;
    try {
      const result = call();
      if (result instanceof Promise) result.catch((error: unknown) => kernel.reportError(this.name, error));
    } catch (error) {
      kernel.reportError(this.name, error);
    }
  }
}

/** The simulator's stand-in for a JWT's role claim: `?role=viewer` on the URL (only attackers set it). */
function roleOf(url: string): "viewer" | "editor" | undefined {
  try {
    const role = new URL(url).searchParams.get("role");
    return role === "viewer" || role === "editor" ? role : undefined;
  } catch {
    return undefined;
  }
}

function docIdOf(url: string): string | null {
  try {
    return new URL(url).searchParams.get("docId");
  } catch {
    return null;
  }
}
