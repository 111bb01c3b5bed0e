/**
 * The host contains what its callbacks throw (PROTOCOL.md section 8: nothing ends the process):
 * a relay whose handleMessage / handleDisconnection throw, hosted on real sockets, leaves the
 * server serving, and the errors show in /metrics. Without containment the throw escapes ws's
 * 'message' emit into the socket's data handler: an uncaught exception, the whole process gone.
 */
import { afterAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { StatelessCollabRelay } from "../relay.ts";
import { silentLogger } from "../adapters/system.ts";
import { createRelayHost } from "./http-server.ts";
import type { HostedRelay } from "./hosted-relay.ts";
import type { RelaySocket } from "../ports.ts";

class ThrowingRelay extends StatelessCollabRelay {
  override handleMessage(ws: RelaySocket, data: string | Buffer | ArrayBuffer | Buffer[]): void {
    if (String(data).includes("boom")) throw new Error("planted: handleMessage threw");
    super.handleMessage(ws, data);
  }
  override handleDisconnection(ws: RelaySocket): void {
    super.handleDisconnection(ws);
    throw new Error("planted: handleDisconnection threw");
  }
}

const relay: HostedRelay = new ThrowingRelay({ ports: { logger: silentLogger } });
let ids = 0;
const host = createRelayHost({ relay, logger: silentLogger, newClientId: () => `c-${++ids}`, wsMaxPayloadBytes: 1 << 20 });
afterAll(() => host.close());

function open(url: string): Promise<{ ws: WebSocket; frames: Array<{ type: string }> }> {
  const ws = new WebSocket(url);
  const frames: Array<{ type: string }> = [];
  ws.on("message", (data) => frames.push(JSON.parse(String(data))));
  return new Promise((resolve, reject) => {
    ws.on("error", reject);
    const poll = setInterval(() => {
      if (frames.some((f) => f.type === "WELCOME")) {
        clearInterval(poll);
        resolve({ ws, frames });
      }
    }, 10);
  });
}

describe("host error containment", () => {
  it("keeps serving when the relay throws in a socket callback, and counts it", async () => {
    await relay.initialize();
    const { port } = await host.listen(0, "127.0.0.1");
    const url = `ws://127.0.0.1:${port}/?docId=contain`;
    const a = await open(url);
    const b = await open(url);
    a.ws.send("boom");
    a.ws.send(JSON.stringify({ type: "PRESENCE", payload: { state: "after the throw" } }));
    await expect.poll(() => b.frames.some((f) => f.type === "PRESENCE"), { timeout: 5000 }).toBe(true);
    a.ws.close();
    await expect.poll(() => b.frames.some((f) => f.type === "LEAVE"), { timeout: 5000 }).toBe(true);
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toMatch(/^lfcc_server_callback_errors_total\{callback="ws-message"\} 1$/m);
    expect(metrics).toMatch(/^lfcc_server_callback_errors_total\{callback="ws-close"\} 1$/m);
    b.ws.close();
  });
});
