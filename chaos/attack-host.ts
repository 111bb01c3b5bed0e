/**
 * Hosts a scenario's attackers and Redis injector against real infrastructure. The behaviour is
 * the lab's (lab/attack/: frames, driver, injector, ledger), the same code the simulator runs;
 * here it gets real ports: the wall clock, `ws` sockets straight to the relay ports, and ioredis
 * connections straight to redis-server. Viewer attackers need roles, so a run with one starts the
 * relays with a JWT secret and gives every honest client an editor token.
 */
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { SignJWT } from "jose";
import { WebSocket } from "ws";
import { AttackerDriver } from "../lab/attack/driver.ts";
import { AttackFrameSource } from "../lab/attack/frames.ts";
import { HonestObserver } from "../lab/attack/honest-observer.ts";
import { RedisInjector } from "../lab/attack/injector.ts";
import type { AttackerSpec } from "../lab/attack/kinds.ts";
import type { AttackLedger } from "../lab/attack/ledger.ts";
import { attackLimits, createLedger, dedupWindowMs, redisInjectFaults, type RedisInjectFault } from "../lab/attack/setup.ts";
import type { Scenario } from "../lab/scenario/types.ts";
import { systemClock } from "../relay/adapters/system.ts";
import type { ClientSocket } from "../relay/ports.ts";
import type { RandomForest } from "../lab/random.ts";
import { names } from "../lab/placement.ts";
import type { DeliveryTracker } from "../lab/deliveries.ts";

export interface ChaosAttackEnv {
  scenario: Scenario;
  forest: RandomForest;
  elapsedMs: () => number;
  deliveries: DeliveryTracker;
  redis: { host: string; port: number };
  /** Loopback port of a relay (attackers connect straight to it, not through a proxy). */
  relayPort: (server: string) => number;
}

export class ChaosAttackHost {
  readonly ledger: AttackLedger;
  /** Set when some attacker is a viewer: the relays then require JWTs. */
  readonly jwtSecret: string | undefined;
  private readonly tokens = new Map<string, string>();
  private readonly drivers: AttackerDriver[] = [];
  private readonly timers: NodeJS.Timeout[] = [];
  private injector: RedisInjector | null = null;
  private subscriber: Redis | null = null;
  private publisher: Redis | null = null;

  constructor(private readonly env: ChaosAttackEnv) {
    this.ledger = createLedger(env.scenario, env.elapsedMs);
    env.deliveries.onDelivery = (latencyMs, editTMs) => this.ledger.delivery(latencyMs, editTMs);
    const viewers = (env.scenario.attackers ?? []).some((a) => a.role === "viewer");
    this.jwtSecret = viewers ? randomBytes(16).toString("hex") : undefined;
  }

  /** Tokens and the injector's Redis connections, before the run's timeline starts. */
  async prepare(): Promise<void> {
    if (this.jwtSecret) {
      this.tokens.set("editor", await token(this.jwtSecret, "honest", "editor"));
      this.tokens.set("viewer", await token(this.jwtSecret, "attacker", "viewer"));
    }
    if (redisInjectFaults(this.env.scenario).length === 0) return;
    const { scenario, forest, elapsedMs, redis } = this.env;
    this.injector = new RedisInjector({
      clock: systemClock,
      nowMs: elapsedMs,
      random: forest.stream("injector"),
      ledger: this.ledger,
      docs: names("d", scenario.topology.docs),
      dedupWindowMs: dedupWindowMs(scenario),
      clusterSecret: Boolean(scenario.relay.clusterSecret),
    });
    const options = { host: redis.host, port: redis.port, lazyConnect: true, maxRetriesPerRequest: null };
    this.subscriber = new Redis(options);
    this.publisher = new Redis(options);
    this.subscriber.on("error", () => undefined);
    this.publisher.on("error", () => undefined);
    await Promise.all([this.subscriber.connect(), this.publisher.connect()]);
    const injector = this.injector;
    this.subscriber.on("message", (channel: string, message: string) => injector.captured(channel, message));
    await this.subscriber.subscribe(...injector.channels());
  }

  /** Honest clients' token (undefined when the relays run without auth). */
  honestToken(): string | undefined {
    return this.tokens.get("editor");
  }

  observerFor(client: string): HonestObserver {
    return new HonestObserver(this.ledger, client);
  }

  /** t = 0: schedules every attacker at its `from`. */
  begin(): void {
    for (const attacker of this.env.scenario.attackers ?? []) {
      this.timers.push(setTimeout(() => this.startAttacker(attacker), attacker.fromMs));
    }
  }

  async inject(fault: RedisInjectFault): Promise<string> {
    const publisher = this.publisher;
    if (!this.injector || !publisher) throw new Error("redisInject: the injector is not connected");
    this.injector.run(fault, { publish: (channel, message) => void publisher.publish(channel, message).catch(() => undefined) });
    return `ioredis publisher on ${this.env.redis.host}:${this.env.redis.port}: ${fault.replay ? "replaying" : ""}${fault.replay && fault.forge ? " and " : ""}${fault.forge ? "forging" : ""} for ${fault.forMs} ms`;
  }

  async shutdown(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    for (const driver of this.drivers) driver.stop();
    this.subscriber?.disconnect();
    this.publisher?.disconnect();
  }

  private startAttacker(attacker: AttackerSpec): void {
    const frames = new AttackFrameSource(attacker, attackLimits(this.env.scenario), this.env.forest.stream(`attacker:${attacker.name}`), this.env.forest.stream(`attacker-ydoc:${attacker.name}`).uint32());
    const tokenParam = this.tokens.has(attacker.role) ? `&token=${this.tokens.get(attacker.role)}` : "";
    const driver = new AttackerDriver(attacker, {
      clock: systemClock,
      connect: () => new WebSocket(`ws://127.0.0.1:${this.env.relayPort(attacker.server)}/?docId=${attacker.doc}${tokenParam}`) as unknown as ClientSocket,
      frames,
      ledger: this.ledger,
    });
    this.drivers.push(driver);
    driver.start();
  }
}

function token(secret: string, sub: string, role: "editor" | "viewer"): Promise<string> {
  return new SignJWT({ role }).setProtectedHeader({ alg: "HS256" }).setSubject(sub).setExpirationTime("2h").sign(new TextEncoder().encode(secret));
}
