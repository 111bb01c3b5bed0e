/**
 * Real y-websocket clients for the tests: the unmodified `WebsocketProvider` of the npm package
 * (3.1.0 as `y-websocket`, 2.1.0 as `y-websocket-v2`) in Node, with `ws` as its WebSocket and the
 * BroadcastChannel off (every client of a test shares one process, so cross-tab sync would hide
 * what the relay does).
 */
import WebSocket from "ws";
import * as Y from "yjs";
import { WebsocketProvider } from "y-websocket";
import { WebsocketProvider as WebsocketProviderV2 } from "y-websocket-v2";
import { getJson, spawnServe, waitFor } from "../integration/helpers.ts";

export interface YwsClient {
  name: string;
  doc: Y.Doc;
  provider: WebsocketProvider;
  text(): string;
  /** Names (awareness state `name`) of the OTHER clients this one sees. */
  peerNames(): string[];
}

export function startYws(name: string, serverUrl: string, docId: string, options: { token?: string; v2?: boolean; doc?: Y.Doc } = {}): YwsClient {
  const doc = options.doc ?? new Y.Doc();
  const Provider = (options.v2 ? WebsocketProviderV2 : WebsocketProvider) as typeof WebsocketProvider;
  const provider = new Provider(serverUrl.replace(/\/$/, ""), docId, doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    params: options.token ? { token: options.token } : {},
  });
  provider.awareness.setLocalStateField("name", name);
  return {
    name,
    doc,
    provider,
    text: () => doc.getText("t").toString(),
    peerNames: () =>
      [...provider.awareness.getStates()]
        .filter(([clientId]) => clientId !== doc.clientID)
        .map(([, state]) => String((state as { name?: unknown }).name ?? ""))
        .sort(),
  };
}

export function ywsPool() {
  const started: YwsClient[] = [];
  return {
    start(...args: Parameters<typeof startYws>): YwsClient {
      const client = startYws(...args);
      started.push(client);
      return client;
    },
    destroyAll(): void {
      for (const client of started.splice(0)) client.provider.destroy();
    },
  };
}

export function whenYwsSynced(client: YwsClient, timeoutMs = 10_000): Promise<void> {
  return waitFor(`${client.name} synced`, () => client.provider.synced, timeoutMs);
}

/** Waits until every client's text is equal and holds every token. */
export async function waitTextConverged(clients: Array<{ name: string; text(): string }>, tokens: string[], timeoutMs = 15_000): Promise<void> {
  await waitFor(
    `convergence of ${clients.map((c) => c.name).join(", ")}`,
    () => clients.every((c) => c.text() === clients[0]!.text()) && tokens.every((t) => clients[0]!.text().includes(t)),
    timeoutMs,
  ).catch((error: Error) => {
    throw new Error(`${error.message}\n${clients.map((c) => `${c.name}: ${JSON.stringify(c.text())}`).join("\n")}`);
  });
}

export type Serve = Awaited<ReturnType<typeof spawnServe>>;

/** `count` lfcc serve processes on one Redis, resolved once every one is connected to it. */
export async function startServes(redisUrl: string, count: number, extraArgs: string[] = []): Promise<Serve[]> {
  const serves = await Promise.all(Array.from({ length: count }, () => spawnServe(["--redis", redisUrl, ...extraArgs])));
  await waitFor("serves on Redis", async () => {
    const healths = await Promise.all(serves.map((s) => getJson(s.port, "/health")));
    return healths.every((h) => h.body?.redis?.connected === true);
  }, 20_000);
  return serves;
}
