/**
 * Hostile input against two relays on a real Redis: bad frames get their ERROR and reach nobody
 * (PROTOCOL.md section 5), docId and JWT checks at the upgrade (section 1), and the cluster
 * secret: a message published straight to Redis without a valid signature is dropped (section 6).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { SignJWT } from "jose";
import { Redis } from "ioredis";
import { startRedisServer, type LocalRedis } from "../../chaos/infra/redis-server.ts";
import { signMessage } from "../../relay/bus/signing.ts";
import { RawClient, startRelay, waitFor, type TestRelay } from "./helpers.ts";

const JWT_SECRET = "jwt-secret-for-tests";
const CLUSTER_SECRET = "cluster-secret-for-tests";
const MAX_FRAME_BYTES = 4096;

let redis: LocalRedis;
let relays: TestRelay[] = [];
let guarded: TestRelay;
const raws: RawClient[] = [];

beforeAll(async () => {
  redis = await startRedisServer();
  const options = { redisUrl: redis.url, clusterSecret: CLUSTER_SECRET, maxFrameBytes: MAX_FRAME_BYTES };
  relays = await Promise.all([startRelay(options), startRelay(options)]);
  guarded = await startRelay({ jwtSecret: JWT_SECRET });
  await waitFor("relays on Redis", () => relays.every((r) => r.server.relay.health().redis.connected));
});

afterAll(async () => {
  for (const raw of raws) raw.close();
  await Promise.all([...relays, guarded].map((r) => r.server.close()));
  await redis?.stop();
});

async function raw(relay: TestRelay, docId: string, query = ""): Promise<RawClient> {
  const client = await RawClient.connect(relay.url, docId, query);
  raws.push(client);
  return client;
}

/** Frames a bystander saw besides the connection bookkeeping. */
const payloadFrames = (client: RawClient) => client.frames.filter((f) => !["WELCOME", "JOIN", "LEAVE"].includes(f.type));

describe("bad frames", () => {
  it("answers each with its ERROR, routes none of them, and keeps every socket open", async () => {
    const offender = await raw(relays[0]!, "bad");
    const sameServer = await raw(relays[0]!, "bad");
    const otherServer = await raw(relays[1]!, "bad");
    await waitFor("the offender is known on the other server", () =>
      otherServer.frames.some((f) => f.type === "JOIN" && f.payload.senderId === offender.welcome.senderId),
    );
    const cases: Array<[string, unknown]> = [
      ["BAD_MESSAGE", "this is not JSON"],
      ["BAD_MESSAGE", [1, 2, 3]],
      ["BAD_MESSAGE", { type: "CRDT_UPDATE", payload: { update: 42 } }],
      ["BAD_MESSAGE", { type: "NO_SUCH_TYPE", payload: {} }],
      ["BAD_MESSAGE", { type: "PRESENCE", payload: "not an object" }],
      ["DOC_MISMATCH", { type: "CRDT_UPDATE", docId: "another-doc", payload: { update: "AAA=" } }],
      ["TOO_LARGE", { type: "PRESENCE", payload: { state: "x".repeat(MAX_FRAME_BYTES * 2) } }],
    ];
    for (const [index, [code, frame]] of cases.entries()) {
      offender.send(frame);
      await waitFor(`ERROR ${code} for case ${index}`, () => offender.ofType("ERROR").length === index + 1);
      expect(offender.ofType("ERROR")[index]!.payload.code).toBe(code);
    }
    // A valid frame afterwards still flows: the sockets survived and the bad ones were dropped.
    offender.send({ type: "PRESENCE", payload: { state: { sentinel: true } } });
    await sameServer.next("PRESENCE");
    await otherServer.next("PRESENCE");
    for (const bystander of [sameServer, otherServer]) {
      expect(payloadFrames(bystander).map((f) => [f.type, f.payload])).toEqual([["PRESENCE", { state: { sentinel: true } }]]);
      expect(bystander.closeCode).toBeNull();
    }
    expect(offender.closeCode).toBeNull();
    expect(offender.ws.readyState).toBe(WebSocket.OPEN);
  });
});

describe("cluster secret", () => {
  it("drops and counts messages published to Redis without a valid signature", async () => {
    const listener = await raw(relays[1]!, "signed");
    const speaker = await raw(relays[0]!, "signed");
    const publisher = new Redis(redis.url);
    try {
      const forged = {
        v: 1, type: "CRDT_UPDATE", docId: "signed", senderId: "c-evil", messageId: "m-forged-1",
        sourceServerId: "server-evil", ts: Date.now(), payload: { update: "AAA=" },
      };
      const before = relays[1]!.server.relay.stats().forgedDropped;
      await publisher.publish("lfcc:doc:signed", JSON.stringify(forged));
      await publisher.publish("lfcc:doc:signed", JSON.stringify({ ...forged, messageId: "m-forged-2", sig: "0".repeat(64) }));
      const wrongKey = { ...forged, messageId: "m-forged-3" };
      await publisher.publish("lfcc:doc:signed", JSON.stringify({ ...wrongKey, sig: signMessage(wrongKey, "not-the-secret", "lfcc:doc:signed") }));
      await waitFor("three forged messages counted", () => relays[1]!.server.relay.stats().forgedDropped >= before + 3);

      // Genuine traffic between the servers still flows (signed by the relay itself).
      speaker.send({ type: "PRESENCE", payload: { state: "genuine" } });
      await listener.next("PRESENCE");
      expect(payloadFrames(listener).map((f) => f.senderId)).toEqual([speaker.welcome.senderId]);
    } finally {
      publisher.disconnect();
    }
  });
});

describe("upgrade checks", () => {
  /** Resolves with the HTTP status of a refused upgrade, or 101 when it was accepted. */
  function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers });
      ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
      ws.on("open", () => {
        ws.close();
        resolve(101);
      });
      ws.on("error", (error) => reject(error));
    });
  }
  const token = (claims: Record<string, unknown>, secret = JWT_SECRET, expiresIn: string | number = "5m") =>
    new SignJWT(claims).setProtectedHeader({ alg: "HS256" }).setExpirationTime(expiresIn).sign(new TextEncoder().encode(secret));

  it("refuses a missing or invalid docId with HTTP 400", async () => {
    expect(await upgradeStatus(relays[0]!.url)).toBe(400);
    expect(await upgradeStatus(`${relays[0]!.url}?docId=${encodeURIComponent("has spaces/and slashes")}`)).toBe(400);
    expect(await upgradeStatus(`${relays[0]!.url}?docId=${"x".repeat(129)}`)).toBe(400);
  });

  it("refuses missing, forged, expired and out-of-scope tokens with HTTP 401", async () => {
    const url = `${guarded.url}?docId=team-1`;
    expect(await upgradeStatus(url)).toBe(401);
    expect(await upgradeStatus(`${url}&token=${await token({ sub: "u" }, "wrong-secret")}`)).toBe(401);
    expect(await upgradeStatus(`${url}&token=${await token({ sub: "u" }, JWT_SECRET, Math.floor(Date.now() / 1000) - 60)}`)).toBe(401);
    expect(await upgradeStatus(`${url}&token=${await token({ sub: "u", docs: ["other", "team-2*"] })}`)).toBe(401);
    expect(await upgradeStatus(`${url}&token=garbage`)).toBe(401);
  });

  it("accepts covering tokens (query or Bearer) and applies the viewer role", async () => {
    const editor = await raw(guarded, "team-1", `&token=${await token({ sub: "ann", docs: ["team-*"] })}`);
    expect(editor.welcome).toMatchObject({ role: "editor" });
    expect(await upgradeStatus(`${guarded.url}?docId=team-1`, { authorization: `Bearer ${await token({ sub: "bob" })}` })).toBe(101);
    const viewer = await raw(guarded, "team-1", `&token=${await token({ sub: "vic", role: "viewer", docs: ["team-1"] })}`);
    expect(viewer.welcome).toMatchObject({ role: "viewer" });
    viewer.send({ type: "CRDT_UPDATE", payload: { update: "AAA=" } });
    expect((await viewer.next("ERROR")).payload.code).toBe("FORBIDDEN");
    viewer.send({ type: "PRESENCE", payload: { state: "viewers may point" } });
    await editor.next("PRESENCE");
    expect(editor.ofType("CRDT_UPDATE")).toHaveLength(0);
  });
});
