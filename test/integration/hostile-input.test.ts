/**
 * PROTOCOL.md section 8 over real sockets: two real `lfcc serve` processes (--cluster-secret,
 * --jwt-secret) on a real redis-server, attacked as issue 10 did it. Each case failed before the
 * fix: the relay process died, bystanders received the whole document, garbage was routed, a
 * replay was accepted, or an oversize flood was never rate-limited.
 */
import type { ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { SignJWT } from "jose";
import { startRedisServer, type LocalRedis } from "../../chaos/infra/redis-server.ts";
import { FRAME_ATTACKS, oversizeFrame } from "../attacks/corpus.ts";
import { getJson, RawClient, spawnServe, startClient, stopChild, waitFor, whenSynced, type TestClient } from "./helpers.ts";

const JWT_SECRET = "jwt-secret-for-hostile-tests";
const CLUSTER_SECRET = "cluster-secret-for-hostile-tests";
// Short windows so a replay "after the dedup filter forgot it" takes seconds, not a minute.
const RELAY_CONFIG = { dedupWindowMs: 3000, signedFreshnessMs: 1500 };

let redis: LocalRedis;
const serves: Array<{ child: ChildProcess; port: number; url: string; logs: string[] }> = [];
const raws: RawClient[] = [];
const clients: TestClient[] = [];

async function token(sub: string, role: "editor" | "viewer"): Promise<string> {
  return new SignJWT({ role }).setProtectedHeader({ alg: "HS256" }).setSubject(sub).sign(new TextEncoder().encode(JWT_SECRET));
}

async function raw(server: number, docId: string, role: "editor" | "viewer" = "editor"): Promise<RawClient> {
  const client = await RawClient.connect(serves[server]!.url, docId, `&token=${await token(`${role}-${raws.length}`, role)}`);
  raws.push(client);
  return client;
}

const payloadFrames = (client: RawClient, from = 0) => client.frames.slice(from).filter((f) => !["WELCOME", "JOIN", "LEAVE"].includes(f.type));
const bytesOf = (frames: object[]) => frames.reduce((sum, f) => sum + JSON.stringify(f).length, 0);

beforeAll(async () => {
  redis = await startRedisServer();
  const flags = ["--redis", redis.url, "--cluster-secret", CLUSTER_SECRET, "--jwt-secret", JWT_SECRET, "--max-frame-bytes", "64KiB", "--relay-config", JSON.stringify(RELAY_CONFIG)];
  serves.push(...(await Promise.all([spawnServe([...flags, "--server-id", "hostile-one"]), spawnServe([...flags, "--server-id", "hostile-two"])])));
}, 60_000);

afterAll(async () => {
  for (const client of clients) client.provider.destroy();
  for (const client of raws) client.close();
  await Promise.all(serves.map((s) => stopChild(s.child)));
  await redis?.stop();
});

async function bothKnow(docId: string, a: RawClient, b: RawClient): Promise<void> {
  await waitFor("peers see each other across servers", () => b.frames.some((f) => f.type === "JOIN" && f.payload.senderId === a.welcome.senderId));
}

describe("deep PRESENCE under --cluster-secret", () => {
  it("does not kill the relay: the viewer gets BAD_MESSAGE, the process keeps serving", async () => {
    const viewer = await raw(0, "deep", "viewer");
    const listener = await raw(1, "deep");
    await bothKnow("deep", viewer, listener);
    const deep = FRAME_ATTACKS.find((a) => a.name === "deep-presence-arrays")!;
    viewer.send(deep.frame());
    viewer.send(deep.frame());
    await waitFor("two BAD_MESSAGE errors", () => viewer.ofType("ERROR").length === 2);
    expect(viewer.ofType("ERROR").map((f) => f.payload.code)).toEqual(["BAD_MESSAGE", "BAD_MESSAGE"]);
    await new Promise((resolve) => setTimeout(resolve, 300)); // past several batch windows
    expect(serves.map((s) => s.child.exitCode)).toEqual([null, null]);
    expect((await getJson(serves[0]!.port, "/health")).status).toBe(200);
    viewer.send({ type: "PRESENCE", payload: { state: "still here" } });
    await listener.next("PRESENCE");
    expect(payloadFrames(listener).map((f) => f.payload)).toEqual([{ state: "still here" }]);
  });
});

describe("amplification", () => {
  it("an empty-state-vector SYNC_STEP1 from a viewer makes no editor broadcast: bystanders get nothing", async () => {
    const editorToken = await token("editor-a", "editor");
    const a = startClient("a", serves[0]!.url, "amp", { token: editorToken });
    const b = startClient("b", serves[1]!.url, "amp", { token: await token("editor-b", "editor") });
    clients.push(a, b);
    await Promise.all([whenSynced(a), whenSynced(b)]);
    a.doc.getText("t").insert(0, "x".repeat(30_000));
    await waitFor("b holds the 30 KB doc", () => b.text().length === 30_000);
    const bystanders = [await raw(0, "amp"), await raw(1, "amp")];
    const viewer = await raw(1, "amp", "viewer");
    await new Promise((resolve) => setTimeout(resolve, 500)); // joins settle
    const marks = bystanders.map((c) => c.frames.length);
    viewer.send({ type: "SYNC_STEP1", payload: { stateVector: "AA==" } }); // 54 bytes: "I hold nothing"
    await waitFor("the viewer got both editors' answers", () => bytesOf(viewer.ofType("CRDT_UPDATE")) > 2 * 30_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const delivered = bystanders.map((c, i) => bytesOf(payloadFrames(c, marks[i]).filter((f) => f.type === "CRDT_UPDATE")));
    expect(delivered).toEqual([0, 0]);
  });
});

describe("poisoned content", () => {
  it("a garbage update gets BAD_MESSAGE and reaches nobody, on either server", async () => {
    const offender = await raw(0, "garbage");
    const near = await raw(0, "garbage");
    const far = await raw(1, "garbage");
    await bothKnow("garbage", offender, far);
    for (const attack of FRAME_ATTACKS.filter((a) => a.reason === "bad-update")) offender.send(attack.frame());
    const expected = FRAME_ATTACKS.filter((a) => a.reason === "bad-update").length;
    await waitFor("every garbage frame refused", () => offender.ofType("ERROR").length === expected);
    expect(new Set(offender.ofType("ERROR").map((f) => f.payload.code))).toEqual(new Set(["BAD_MESSAGE"]));
    offender.send({ type: "PRESENCE", payload: { state: "sentinel" } });
    await far.next("PRESENCE");
    await near.next("PRESENCE");
    for (const bystander of [near, far]) expect(payloadFrames(bystander).map((f) => f.type)).toEqual(["PRESENCE"]);
  });
});

describe("replay", () => {
  it("a signed message captured off Redis and republished after the freshness window is dropped", async () => {
    const speaker = await raw(0, "replay");
    const listener = await raw(1, "replay");
    await bothKnow("replay", speaker, listener);
    const spy = new Redis(redis.url);
    const publisher = new Redis(redis.url);
    try {
      const captured: string[] = [];
      spy.on("message", (_channel: string, message: string) => captured.push(message));
      await spy.subscribe("lfcc:presence:replay");
      speaker.send({ type: "PRESENCE", payload: { state: "once" } });
      await listener.next("PRESENCE");
      await waitFor("the signed publish captured", () => captured.some((m) => m.includes('"once"')));
      const message = captured.find((m) => m.includes('"once"'))!;
      expect(JSON.parse(message).sig).toMatch(/^[0-9a-f]{64}$/);
      // Past both the dedup window (3 s) and the freshness window (1.5 s).
      await new Promise((resolve) => setTimeout(resolve, 3500));
      await publisher.publish("lfcc:presence:replay", message);
      speaker.send({ type: "PRESENCE", payload: { state: "sentinel" } });
      await listener.next("PRESENCE", (p) => p.state === "sentinel");
      expect(listener.ofType("PRESENCE").map((f) => f.payload.state)).toEqual(["once", "sentinel"]);
    } finally {
      spy.disconnect();
      publisher.disconnect();
    }
  }, 20_000);
});

describe("oversize flood", () => {
  it("ends in RATE_LIMITED (or a 1008/1009 close), not 600 MiB for free", async () => {
    const flooder = await raw(0, "flood");
    const frame = oversizeFrame(70 * 1024); // over the 64 KiB frame limit, under ws's own cap
    for (let i = 0; i < 150 && flooder.closeCode === null; i++) flooder.send(frame);
    await waitFor("RATE_LIMITED or a close", () =>
      flooder.ofType("ERROR").some((f) => f.payload.code === "RATE_LIMITED") || [1008, 1009].includes(flooder.closeCode ?? 0),
    );
    expect(flooder.ofType("ERROR").some((f) => f.payload.code === "TOO_LARGE")).toBe(true);
  });
});
