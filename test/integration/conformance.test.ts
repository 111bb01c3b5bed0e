/**
 * Raw-socket conformance: two `node bin/lfcc.js serve` processes on one real Redis, checked
 * against the MUSTs of shared/PROTOCOL.md with plain `ws` clients (no provider), plus a crash
 * (SIGKILL) and a graceful stop (SIGTERM) of real processes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChildProcess } from "node:child_process";
import { startRedisServer, type LocalRedis } from "../../chaos/infra/redis-server.ts";
import { RawClient, getJson, spawnServe, startClient, stopChild, waitConverged, waitFor, whenSynced, type TestClient } from "./helpers.ts";
import { realUpdate } from "../attacks/corpus.ts";

/** Real Yjs updates: the relay decodes what it routes (PROTOCOL.md section 8). */
const ROUTED_UPDATE = realUpdate("routed");
const SNAPSHOT_UPDATE = realUpdate("snapshot bytes", 2);

type Served = { child: ChildProcess; port: number; url: string; logs: string[] };

let redis: LocalRedis;
let s1: Served;
let s2: Served;
const raws: RawClient[] = [];
const providers: TestClient[] = [];

beforeAll(async () => {
  redis = await startRedisServer();
  const flags = ["--redis", redis.url, "--snapshot-timeout", "1s", "--heartbeat-interval", "300ms", "--presence-timeout", "1500ms", "--log-level", "warn"];
  const started = await Promise.allSettled([spawnServe([...flags, "--server-id", "server-one"]), spawnServe([...flags, "--server-id", "server-two"])]);
  [s1, s2] = started.map((r) => (r.status === "fulfilled" ? r.value : undefined!)); // afterAll stops whichever started
  for (const result of started) if (result.status === "rejected") throw result.reason;
  await waitFor("both servers on Redis", async () =>
    (await Promise.all([s1, s2].map((s) => getJson(s.port, "/health")))).every((h) => h.body?.redis?.connected === true),
  );
}, 60_000);

afterAll(async () => {
  for (const raw of raws) raw.close();
  for (const p of providers) p.provider.destroy();
  await Promise.all([s1, s2].filter(Boolean).map((s) => stopChild(s.child, "SIGKILL")));
  await redis?.stop();
});

async function raw(server: Served, docId: string): Promise<RawClient> {
  const client = await RawClient.connect(server.url, docId);
  raws.push(client);
  return client;
}

const joined = (observer: RawClient, who: RawClient) => () =>
  observer.frames.some((f) => f.type === "JOIN" && f.payload.senderId === who.welcome.senderId);

describe("lfcc serve conformance (PROTOCOL.md)", () => {
  it("sends WELCOME with the full envelope and payload", async () => {
    const client = await raw(s1, "conf-welcome");
    const welcome = client.frames[0]!;
    expect(welcome).toMatchObject({ type: "WELCOME", docId: "conf-welcome", senderId: "server", payload: { docId: "conf-welcome", serverId: "server-one", role: "editor" } });
    expect(typeof welcome.messageId).toBe("string");
    expect(typeof welcome.ts).toBe("number");
    expect(typeof welcome.payload.senderId).toBe("string");
    expect(Array.isArray(welcome.payload.peers)).toBe(true);
  });

  it("announces JOIN and LEAVE across servers", async () => {
    const a = await raw(s1, "conf-presence");
    const b = await raw(s2, "conf-presence");
    await waitFor("A hears B join", joined(a, b));
    b.close();
    const leave = await a.next("LEAVE", (p) => p.senderId === b.welcome.senderId);
    expect(leave.payload.senderId).toBe(b.welcome.senderId);
  });

  it("routes updates to every other client of the doc on every server, stamped, without echo", async () => {
    const a = await raw(s1, "conf-route");
    const sameServer = await raw(s1, "conf-route");
    const otherServer = await raw(s2, "conf-route");
    const otherDoc = await raw(s2, "conf-route-other");
    await waitFor("A known on server two", joined(otherServer, a));
    a.send({ type: "CRDT_UPDATE", docId: "conf-route", senderId: "spoofed", messageId: "m-conf-1", payload: { update: ROUTED_UPDATE } });
    for (const receiver of [sameServer, otherServer]) {
      const frame = await receiver.next("CRDT_UPDATE");
      expect(frame).toMatchObject({ docId: "conf-route", senderId: a.welcome.senderId, messageId: "m-conf-1", payload: { update: ROUTED_UPDATE } });
      expect(typeof frame.ts).toBe("number");
    }
    a.send({ type: "PRESENCE", payload: { state: { cursor: 1 } } });
    await otherServer.next("PRESENCE");
    expect(a.ofType("CRDT_UPDATE")).toHaveLength(0);
    expect(a.ofType("PRESENCE")).toHaveLength(0);
    expect(otherDoc.frames.filter((f) => f.type !== "WELCOME")).toHaveLength(0);
  });

  it("routes a snapshot from a source on another server to the requester only, with its own requestId", async () => {
    const holder = await raw(s1, "conf-snap");
    const bystander = await raw(s1, "conf-snap");
    const requester = await raw(s2, "conf-snap");
    holder.send({ type: "CRDT_UPDATE", payload: { update: "AAA=" } });
    await requester.next("CRDT_UPDATE");
    requester.send({ type: "SNAPSHOT_REQUEST", payload: { requestId: "mine-42", stateVector: "AA==" } });
    const asked = await holder.next("SNAPSHOT_REQUEST");
    holder.send({ type: "SNAPSHOT_RESPONSE", payload: { requestId: asked.payload.requestId, update: SNAPSHOT_UPDATE } });
    const answer = await requester.next("SNAPSHOT_RESPONSE");
    expect(answer.payload).toMatchObject({ requestId: "mine-42", update: SNAPSHOT_UPDATE });
    expect(bystander.ofType("SNAPSHOT_RESPONSE")).toHaveLength(0);
    expect(holder.ofType("SNAPSHOT_RESPONSE")).toHaveLength(0);
  });

  it("answers update:null with source none when the source never answers within the timeout", async () => {
    const silent = await raw(s1, "conf-timeout");
    const witness = await raw(s1, "conf-timeout");
    silent.send({ type: "CRDT_UPDATE", payload: { update: "AAA=" } });
    await witness.next("CRDT_UPDATE"); // server one now counts `silent` as a snapshot source
    const requester = await raw(s2, "conf-timeout");
    requester.send({ type: "SNAPSHOT_REQUEST", payload: { requestId: "wait-for-nothing" } });
    const answer = await requester.next("SNAPSHOT_RESPONSE", () => true, 8000);
    expect(answer.payload).toMatchObject({ requestId: "wait-for-nothing", update: null, source: "none" });
  });

  it("answers a bad frame with ERROR BAD_MESSAGE and keeps the socket", async () => {
    const client = await raw(s2, "conf-error");
    client.send("{ not json");
    expect((await client.next("ERROR")).payload.code).toBe("BAD_MESSAGE");
    expect(client.closeCode).toBeNull();
  });

  it("serves /health and /metrics", async () => {
    const health = await getJson(s1.port, "/health");
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ ok: true, status: "healthy", serverId: "server-one", redis: { connected: true } });
    expect(typeof health.body.redis.activeSubscriptions).toBe("number");
    expect(typeof health.body.connections).toBe("number");
    expect(typeof health.body.documents).toBe("number");
    const metrics = await getJson(s2.port, "/metrics");
    expect(metrics.status).toBe(200);
    for (const name of ["lfcc_redis_connected", "lfcc_remote_messages_total", "lfcc_snapshot_requests_total", "lfcc_active_documents",
      "lfcc_active_connections", "lfcc_queue_messages", "lfcc_dropped_messages_total", "lfcc_rate_limited_messages_total"]) {
      expect(metrics.text).toMatch(new RegExp(`^${name} \\d`, "m"));
    }
    expect(metrics.text).toMatch(/^lfcc_remote_messages_total [1-9]/m);
  });
});

describe("process faults", () => {
  it("after a SIGKILL, peers hear LEAVE in bounded time and the crashed server's clients reconnect and converge", async () => {
    const watcher = await raw(s1, "conf-crash");
    let s2Alive = true;
    const onS1 = startClient("on-s1", s1.url, "conf-crash");
    const onS2 = startClient("on-s2", () => (s2Alive ? s2.url : s1.url), "conf-crash");
    providers.push(onS1, onS2);
    await Promise.all([whenSynced(onS1), whenSynced(onS2)]);
    const victimId = onS2.provider.senderId!;
    await waitFor("watcher knows the victim", () => watcher.frames.some((f) => f.type === "JOIN" && f.payload.senderId === victimId));

    s2Alive = false;
    await stopChild(s2.child, "SIGKILL");
    onS2.doc.getText("t").insert(0, "<written while its server was dead>");
    onS1.doc.getText("t").insert(0, "<written on the survivor>");
    await watcher.next("LEAVE", (p) => p.senderId === victimId, 10_000);
    await waitFor("victim reconnected to server one", () => onS2.provider.serverId === "server-one" && onS2.provider.synced);
    await waitConverged([onS1, onS2], ["<written while its server was dead>", "<written on the survivor>"]);
  });

  it("stops on SIGTERM with exit code 0, closing clients with 1001", async () => {
    const client = await raw(s1, "conf-term");
    expect(await stopChild(s1.child, "SIGTERM")).toBe(0);
    await waitFor("client closed", () => client.closeCode !== null);
    expect(client.closeCode).toBe(1001);
  });
});
