/**
 * PROTOCOL.md section 9 end to end: the real y-websocket 3.1.0 WebsocketProvider (and 2.1.0 once)
 * against three `lfcc serve` processes on a real redis-server. Sync, late joiner, offline edits,
 * edits both ways, awareness, LfccProvider in the same document, hostile binary input, and a
 * SIGKILLed server whose clients' awareness must vanish at the others within 15 s.
 */
import WebSocket from "ws";
import * as Y from "yjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedisServer, type LocalRedis } from "../../chaos/infra/redis-server.ts";
import { getJson, startClient, stopChild, waitFor, type TestClient } from "../integration/helpers.ts";
import { startServes, waitTextConverged, whenYwsSynced, ywsPool, type Serve, type YwsClient } from "./clients.ts";


let redis: LocalRedis;
let serves: Serve[] = [];
const pool = ywsPool();
const jsonClients: TestClient[] = [];

beforeAll(async () => {
  redis = await startRedisServer();
  serves = await startServes(redis.url, 3);
}, 60_000);

afterAll(async () => {
  pool.destroyAll();
  for (const client of jsonClients) client.provider.destroy();
  await Promise.all(serves.map((s) => stopChild(s.child, "SIGKILL")));
  await redis?.stop();
});

const url = (i: number) => serves[i]!.url;

function typeInto(client: { doc: Y.Doc }, token: string): string {
  client.doc.getText("t").insert(client.doc.getText("t").length, token);
  return token;
}

describe("y-websocket clients across three lfcc serve processes", () => {
  it("a late joiner is synced WITH the content, and edits flow both ways across servers", async () => {
    const a = pool.start("a", url(0), "yws-late");
    await whenYwsSynced(a);
    const tokens = [typeInto(a, "<a1>")];
    const b = pool.start("b", url(1), "yws-late");
    // y-websocket sets `synced` on the first SyncStep2: it must already carry a's text.
    let textAtSynced: string | null = null;
    b.provider.on("sync", (synced: boolean) => {
      if (synced && textAtSynced === null) textAtSynced = b.text();
    });
    await whenYwsSynced(b);
    expect(textAtSynced).toBe("<a1>");
    const c = pool.start("c", url(2), "yws-late");
    await whenYwsSynced(c);
    expect(c.text()).toBe("<a1>");
    tokens.push(typeInto(b, "<b1>"), typeInto(c, "<c1>"), typeInto(a, "<a2>"));
    await waitTextConverged([a, b, c], tokens);
  });

  it("a first client alone reaches synced with an empty document (no source anywhere)", async () => {
    const lone = pool.start("lone", url(1), "yws-empty");
    await whenYwsSynced(lone, 8000);
    expect(lone.text()).toBe("");
  });

  it("offline edits of a client that reconnects to another server are pulled", async () => {
    const a = pool.start("a", url(0), "yws-offline");
    const b = pool.start("b", url(1), "yws-offline");
    await Promise.all([whenYwsSynced(a), whenYwsSynced(b)]);
    const tokens = [typeInto(a, "<a-before>")];
    await waitTextConverged([a, b], tokens);
    b.provider.disconnect();
    tokens.push(typeInto(b, "<b-offline>"), typeInto(a, "<a-while-b-away>"));
    b.provider.serverUrl = url(2).replace(/\/$/, "");
    b.provider.connect();
    await whenYwsSynced(b);
    await waitTextConverged([a, b], tokens);
  });

  it("awareness reaches every other client, and a leaving client's state is removed", async () => {
    const clients = [0, 1, 2].map((i) => pool.start(`aw${i}`, url(i), "yws-awareness"));
    await Promise.all(clients.map((c) => whenYwsSynced(c)));
    await waitFor("everyone sees everyone", () => clients.every((c) => c.peerNames().length === 2)).catch((error: Error) => {
      throw new Error(`${error.message}: ${clients.map((c) => `${c.name} sees ${c.peerNames().join(",")}`).join("; ")}`);
    });
    clients[0]!.provider.awareness.setLocalStateField("cursor", 7);
    await waitFor("cursor update arrives", () =>
      clients.slice(1).every((c) => [...c.provider.awareness.getStates().values()].some((s) => (s as { cursor?: number }).cursor === 7)),
    );
    clients[1]!.provider.destroy();
    await waitFor("aw1 removed at the others", () => [clients[0]!, clients[2]!].every((c) => !c.peerNames().includes("aw1")), 15_000);
  });

  it("shares one document and presence with LfccProvider (JSON dialect) clients", async () => {
    const yws = pool.start("yws", url(0), "yws-mixed");
    await whenYwsSynced(yws);
    const tokens = [typeInto(yws, "<yws-1>")];
    const json = startClient("json", url(1), "yws-mixed");
    jsonClients.push(json);
    await waitFor("json synced", () => json.provider.synced);
    expect(json.text()).toBe("<yws-1>");
    tokens.push(typeInto(json, "<json-1>"));
    const late = pool.start("late", url(2), "yws-mixed");
    await whenYwsSynced(late);
    tokens.push(typeInto(late, "<late-1>"), typeInto(yws, "<yws-2>"));
    await waitTextConverged([yws, json, late], tokens);

    json.provider.setPresence({ name: "json-user", cursor: 3 });
    await waitFor("y-websocket clients see the JSON client's presence as awareness", () =>
      [yws, late].every((c) => c.peerNames().includes("json-user")),
    );
    await waitFor("the JSON client sees y-websocket awareness as PRESENCE", () =>
      [...json.provider.presence.values()].some((state) => (state as { name?: string } | null)?.name === "late"),
    );
    json.provider.destroy();
    await waitFor("JSON client's awareness removed on LEAVE", () => [yws, late].every((c) => !c.peerNames().includes("json-user")), 15_000);
  });

  it("works with y-websocket 2.1.0 next to 3.1.0", async () => {
    const v3 = pool.start("v3", url(0), "yws-v2");
    await whenYwsSynced(v3);
    const tokens = [typeInto(v3, "<v3>")];
    const v2 = pool.start("v2", url(1), "yws-v2", { v2: true });
    await whenYwsSynced(v2);
    expect(v2.text()).toBe("<v3>");
    tokens.push(typeInto(v2, "<v2>"));
    await waitTextConverged([v3, v2], tokens);
    await waitFor("awareness both ways", () => v3.peerNames().includes("v2") && v2.peerNames().includes("v3"));
  });

  it("drops and counts undecodable binary input; the socket stays open and keeps working", async () => {
    const raw = new WebSocket(`${url(2)}yws-hostile`);
    raw.binaryType = "nodebuffer";
    const received: Buffer[] = [];
    raw.on("message", (data: Buffer) => received.push(data));
    await new Promise((resolve) => raw.once("open", resolve));
    for (const garbage of [[9, 9, 9], [0, 7, 1, 1], [0, 2, 5, 255, 255, 255, 255, 255], [1, 3, 1, 2], []]) raw.send(Buffer.from(garbage));
    raw.send("not binary");
    // A SyncStep1 with an empty state vector still gets its SyncStep2 (00 01 ...).
    raw.send(Buffer.from([0, 0, 1, 0]));
    await waitFor("a SyncStep2", () => received.some((m) => m[0] === 0 && m[1] === 1), 8000);
    expect(raw.readyState).toBe(WebSocket.OPEN);
    const metrics = await getJson(serves[2]!.port, "/metrics");
    const rejected = Number(/^lfcc_ywebsocket_input_rejected_total (\d+)/m.exec(metrics.text)?.[1]);
    expect(rejected).toBeGreaterThanOrEqual(6);
    raw.close();
  });

  it("removes the awareness of a SIGKILLed server's clients at the others within 15 s", async () => {
    const survivors = [pool.start("s0", url(0), "yws-crash"), pool.start("s1", url(1), "yws-crash")];
    const doomed: YwsClient = pool.start("doomed", url(2), "yws-crash");
    await Promise.all([...survivors, doomed].map((c) => whenYwsSynced(c)));
    await waitFor("everyone sees doomed", () => survivors.every((c) => c.peerNames().includes("doomed")));
    const tokens = [typeInto(doomed, "<doomed>")];
    await waitTextConverged([...survivors, doomed], tokens);
    await stopChild(serves[2]!.child, "SIGKILL");
    const killedAt = Date.now();
    await waitFor("doomed's awareness removed", () => survivors.every((c) => !c.peerNames().includes("doomed")), 15_000);
    expect(Date.now() - killedAt).toBeLessThan(15_000);
    doomed.provider.disconnect();
  }, 30_000);
});
