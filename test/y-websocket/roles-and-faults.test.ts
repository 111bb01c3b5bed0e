/**
 * PROTOCOL.md section 9, second half: JWT refusals that stop y-websocket's retries (4401/4403),
 * viewers (synced with the content, never routed, never a source), a Redis outage that unmodified
 * clients cannot heal on their own, and the keepalive that keeps a lone client's socket open.
 * Two `lfcc serve` processes with a JWT secret on a real redis-server; the outage and keepalive use
 * in-process relays (the test must kill/restart Redis and shorten the dialect's timers).
 */
import { SignJWT } from "jose";
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedisServer, type LocalRedis } from "../../chaos/infra/redis-server.ts";
import { startRelay, stopChild, waitFor, type TestRelay } from "../integration/helpers.ts";
import { startServes, waitTextConverged, whenYwsSynced, ywsPool, type Serve } from "./clients.ts";

const SECRET = "y-websocket-test-secret";

let redis: LocalRedis;
let serves: Serve[] = [];
const pool = ywsPool();

function token(claims: Record<string, unknown>): Promise<string> {
  return new SignJWT({ sub: "user", ...claims }).setProtectedHeader({ alg: "HS256" }).setExpirationTime("1h").sign(new TextEncoder().encode(SECRET));
}

beforeAll(async () => {
  redis = await startRedisServer();
  serves = await startServes(redis.url, 2, ["--jwt-secret", SECRET]);
}, 60_000);

afterAll(async () => {
  pool.destroyAll();
  await Promise.all(serves.map((s) => stopChild(s.child, "SIGKILL")));
  await redis?.stop();
});

const url = (i: number) => serves[i]!.url;

/** Resolves with the `closed` event y-websocket 3 emits when it gives up on a permanent close. */
function terminalClose(provider: { on(name: "closed", fn: (event: { code: number }) => void): void }): Promise<number> {
  return new Promise((resolve) => provider.on("closed", (event) => resolve(event.code)));
}

describe("JWT and roles on the y-websocket path", () => {
  it("refuses a missing or bad token with 4401 and an uncovered doc with 4403, and the client stops retrying", async () => {
    const missing = pool.start("missing", url(0), "yws-auth");
    const bad = pool.start("bad", url(0), "yws-auth", { token: "not-a-jwt" });
    const uncovered = pool.start("uncovered", url(1), "yws-auth", { token: await token({ docs: ["other-*"] }) });
    const codes = await Promise.all([missing, bad, uncovered].map((c) => terminalClose(c.provider)));
    expect(codes).toEqual([4401, 4401, 4403]);
    expect([missing, bad, uncovered].every((c) => !c.provider.shouldConnect && !c.provider.synced)).toBe(true);
  });

  it("a viewer is synced with the content and receives edits, but its own edits are not routed", async () => {
    const editor = pool.start("editor", url(0), "yws-viewer", { token: await token({ role: "editor" }) });
    await whenYwsSynced(editor);
    editor.doc.getText("t").insert(0, "<editor-1>");
    const viewer = pool.start("viewer", url(1), "yws-viewer", { token: await token({ role: "viewer" }) });
    await whenYwsSynced(viewer);
    expect(viewer.text()).toBe("<editor-1>");
    viewer.doc.getText("t").insert(0, "<viewer-edit>");
    editor.doc.getText("t").insert(editor.doc.getText("t").length, "<editor-2>");
    await waitFor("viewer receives the editor's edit", () => viewer.text().includes("<editor-2>"));
    // A late editor must be synced from the editor, never from the viewer's (locally edited) state.
    const late = pool.start("late", url(1), "yws-viewer", { token: await token({}) });
    await whenYwsSynced(late);
    await waitTextConverged([editor, late], ["<editor-1>", "<editor-2>"]);
    expect(editor.text()).not.toContain("<viewer-edit>");
    expect(late.text()).not.toContain("<viewer-edit>");
    await waitFor("viewer awareness still reaches editors", () => editor.peerNames().includes("viewer"));
  });
});

describe("faults unmodified clients cannot heal themselves", () => {
  let outageRedis: LocalRedis;
  let relays: TestRelay[] = [];

  beforeAll(async () => {
    outageRedis = await startRedisServer();
    const options = { redisUrl: outageRedis.url, redisReconnectBaseMs: 50, redisReconnectMaxMs: 300, yWebsocket: { keepaliveIdleMs: 300, sweepIntervalMs: 100 } };
    relays = await Promise.all([startRelay(options), startRelay(options)]);
    await waitFor("relays on Redis", () => relays.every((r) => r.server.relay.health().redis.connected));
  });

  afterAll(async () => {
    await Promise.all(relays.map((r) => r.server.close()));
    await outageRedis?.stop();
  });

  it("after a Redis outage every client's edits reach every other client within 10 s of the heal", async () => {
    const [a0, b0, a1, b1] = [
      pool.start("a0", relays[0]!.url, "yws-outage"),
      pool.start("b0", relays[0]!.url, "yws-outage"),
      pool.start("a1", relays[1]!.url, "yws-outage"),
      pool.start("b1", relays[1]!.url, "yws-outage"),
    ];
    const all = [a0!, b0!, a1!, b1!];
    await Promise.all(all.map((c) => whenYwsSynced(c)));
    const tokens = all.map((c) => `<${c.name}-before>`);
    all.forEach((c, i) => c.doc.getText("t").insert(0, tokens[i]!));
    await waitTextConverged(all, tokens);

    await outageRedis.kill();
    await waitFor("relays notice", () => relays.every((r) => !r.server.relay.health().redis.connected));
    for (const c of all) {
      const t = `<${c.name}-during>`;
      tokens.push(t);
      c.doc.getText("t").insert(0, t);
    }
    await waitFor("same-server clients keep collaborating", () => b0!.text().includes("<a0-during>") && a1!.text().includes("<b1-during>"));
    expect(a0!.text()).not.toContain("<a1-during>");
    await outageRedis.restart();
    await waitFor("relays back on Redis", () => relays.every((r) => r.server.relay.health().redis.connected), 15_000);
    await waitTextConverged(all, tokens, 10_000);
  }, 40_000);

  it("keeps a lone client's idle socket alive with empty awareness updates (01 01 00)", async () => {
    const raw = new WebSocket(`${relays[0]!.url}yws-lone`);
    const received: Buffer[] = [];
    raw.on("message", (data: Buffer) => received.push(data));
    await new Promise((resolve) => raw.once("open", resolve));
    await waitFor("two keepalives", () => received.filter((m) => m.equals(Buffer.from([1, 1, 0]))).length >= 2, 5000);
    raw.close();
  });
});
