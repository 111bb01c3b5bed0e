/**
 * Hosts a scenario's attackers and its Redis injector in the simulator. The behaviour is the lab's
 * (lab/attack/: frames, driver, injector, ledger), shared with `lfcc chaos`; this file only gives
 * it virtual ports: each attacker is a network node of its own name with its own clock and random
 * stream, and the injector is node "injector" with two virtual Redis connections.
 */
import { AttackerDriver } from "../../lab/attack/driver.ts";
import { AttackFrameSource } from "../../lab/attack/frames.ts";
import { HonestObserver } from "../../lab/attack/honest-observer.ts";
import { RedisInjector, type InjectorTransport } from "../../lab/attack/injector.ts";
import type { AttackerSpec } from "../../lab/attack/kinds.ts";
import type { AttackLedger } from "../../lab/attack/ledger.ts";
import { attackLimits, createLedger, dedupWindowMs, redisInjectFaults, type RedisInjectFault } from "../../lab/attack/setup.ts";
import type { Scenario } from "../../lab/scenario/types.ts";
import type { RedisConnection } from "../../relay/ports.ts";
import { VirtualClientSocket } from "../net/websocket.ts";
import { createSimRedisConnector } from "../redis/connection.ts";
import { names } from "../../lab/placement.ts";
import type { SimWorld } from "./world.ts";

export const INJECTOR_NODE = "injector";
const INJECTOR_RETRY_MS = 500;

export class SimAttackHost {
  readonly ledger: AttackLedger;
  private readonly injector: RedisInjector | null = null;
  private readonly link: InjectorLink | null = null;

  constructor(
    private readonly world: SimWorld,
    private readonly scenario: Scenario,
  ) {
    this.ledger = createLedger(scenario, () => world.nowMs);
    world.observer.deliveries.onDelivery = (latencyMs, editTMs) => this.ledger.delivery(latencyMs, editTMs);
    for (const attacker of scenario.attackers ?? []) world.at(attacker.fromMs, () => this.startAttacker(attacker));
    if (redisInjectFaults(scenario).length > 0) {
      const kernel = world.kernel;
      this.injector = new RedisInjector({
        clock: kernel.clock(INJECTOR_NODE),
        nowMs: () => kernel.nowMs,
        random: kernel.stream("injector"),
        ledger: this.ledger,
        docs: names("d", scenario.topology.docs),
        dedupWindowMs: dedupWindowMs(scenario),
        clusterSecret: Boolean(scenario.relay.clusterSecret),
      });
      this.link = new InjectorLink(world, this.injector);
    }
  }

  observerFor(client: string): HonestObserver {
    return new HonestObserver(this.ledger, client);
  }

  /** A redisInject fault starts (it stops by itself after `forMs`). */
  inject(fault: RedisInjectFault): void {
    this.world.kernel.trace.record(INJECTOR_NODE, "inject", { replay: fault.replay, forge: fault.forge, forMs: fault.forMs });
    this.injector!.run(fault, this.link!);
  }

  private startAttacker(attacker: AttackerSpec): void {
    const { kernel, network } = this.world;
    kernel.trace.record(attacker.name, "attacker.start", { doc: attacker.doc, server: attacker.server, role: attacker.role });
    const frames = new AttackFrameSource(attacker, attackLimits(this.scenario), kernel.stream(`attacker:${attacker.name}`), kernel.stream(`attacker-ydoc:${attacker.name}`).uint32());
    const url = `ws://${attacker.server}/?docId=${attacker.doc}&role=${attacker.role}`;
    const driver = new AttackerDriver(attacker, {
      clock: kernel.clock(attacker.name),
      connect: () => new VirtualClientSocket(network.connect(attacker.name, attacker.server, url)),
      frames,
      ledger: this.ledger,
    });
    driver.start();
  }
}

/** The injector's subscriber and publisher connections, reopened whenever Redis drops them. */
class InjectorLink implements InjectorTransport {
  private publisher: RedisConnection | null = null;

  constructor(
    private readonly world: SimWorld,
    private readonly injector: RedisInjector,
  ) {
    this.openSubscriber();
    this.openPublisher();
  }

  publish(channel: string, message: string): void {
    this.publisher?.publish(channel, message).catch(() => undefined);
  }

  private connector() {
    return createSimRedisConnector(this.world.network, INJECTOR_NODE);
  }

  private openSubscriber(): void {
    const connection = this.connector()("sub");
    connection.onMessage((channel, message) => this.injector.captured(channel, message));
    connection.onClose(() => this.retry(() => this.openSubscriber()));
    connection
      .connect()
      .then(() => Promise.all(this.injector.channels().map((channel) => connection.subscribe(channel))))
      .catch(() => this.retry(() => this.openSubscriber()));
  }

  private openPublisher(): void {
    const connection = this.connector()("pub");
    connection.onClose(() => {
      this.publisher = null;
      this.retry(() => this.openPublisher());
    });
    connection
      .connect()
      .then(() => (this.publisher = connection))
      .catch(() => this.retry(() => this.openPublisher()));
  }

  private retry(open: () => void): void {
    this.world.kernel.after(INJECTOR_RETRY_MS, INJECTOR_NODE, open);
  }
}
