/**
 * The systems the benchmarks put side by side, each as server child processes plus a way to
 * connect a client in this process: shared by bench/vs-hocuspocus.ts and bench/vs-y-websocket.ts.
 */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { HocuspocusProvider, HocuspocusProviderWebsocket } from "@hocuspocus/provider";
import WebSocket from "ws";
import * as Y from "yjs";
import { freePort } from "../../chaos/infra/free-port.ts";
import { startClient, waitFor } from "../../test/integration/helpers.ts";
import { inspectFlag } from "../heap-after-gc.ts";

export interface BenchClient {
  doc: Y.Doc;
  synced(): boolean;
  destroy(): void;
}

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** V8 inspector port, used only to read memory after a forced GC. */
  inspectorPort: number;
}

export interface SystemUnderTest {
  servers: ServerProcess[];
  connect(serverIndex: number, docId: string): BenchClient;
}

const HOCUSPOCUS_SERVER = fileURLToPath(new URL("./hocuspocus-server.ts", import.meta.url));

export async function spawnHocuspocus(redisUrl: string, identifier: string): Promise<ServerProcess> {
  const [port, inspectorPort] = [await freePort(), await freePort()];
  const child = spawn(process.execPath, [inspectFlag(inspectorPort), "--import", "tsx", HOCUSPOCUS_SERVER, String(port), redisUrl, identifier], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: string[] = [];
  child.stdout!.on("data", (chunk: Buffer) => logs.push(chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => logs.push(chunk.toString()));
  await waitFor(`hocuspocus ${identifier} listening`, () => {
    if (child.exitCode !== null) throw new Error(`hocuspocus server exited ${child.exitCode}: ${logs.join("")}`);
    return logs.some((line) => line.includes("listening"));
  }, 30_000);
  return { url: `ws://127.0.0.1:${port}`, child, inspectorPort };
}

export async function startHocuspocus(redisUrl: string, round: number): Promise<SystemUnderTest> {
  const servers = await Promise.all(["a", "b"].map((id) => spawnHocuspocus(redisUrl, `hp-${round}-${id}`)));
  return { servers, connect: (serverIndex, docId) => hocuspocusClient(servers[serverIndex]!.url, docId) };
}

/** A HocuspocusProvider on `docId` at `url`, in this process. */
export function hocuspocusClient(url: string, docId: string): BenchClient {
  const doc = new Y.Doc();
  // One socket per provider (what `url` would do), built here because Node needs the `ws` polyfill.
  const socket = new HocuspocusProviderWebsocket({ url, WebSocketPolyfill: WebSocket });
  const provider = new HocuspocusProvider({ websocketProvider: socket, name: docId, document: doc });
  provider.attach();
  return {
    doc,
    synced: () => provider.isSynced,
    destroy: () => {
      provider.destroy();
      socket.destroy();
    },
  };
}

/** An LfccProvider on `docId` at `url` (test/integration/helpers.ts startClient), in this process. */
export function lfccClient(name: string, url: string, docId: string): BenchClient {
  const client = startClient(name, url, docId);
  return { doc: client.doc, synced: () => client.provider.synced, destroy: () => client.provider.destroy() };
}
