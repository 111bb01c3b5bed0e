/**
 * Reads a Node child process's memory after a full garbage collection, through the V8 inspector
 * (the child runs with `--inspect=127.0.0.1:<port>`). It needs no hook in the server under test,
 * so lfcc and its peer are measured the same way; RSS alone also counts garbage not yet collected,
 * which punishes whichever server handles more idle-time traffic (heartbeats, awareness).
 */
import WebSocket from "ws";

export interface MemoryAfterGc {
  heapUsedBytes: number;
  rssBytes: number;
}

export function inspectFlag(port: number): string {
  return `--inspect=127.0.0.1:${port}`;
}

export async function memoryAfterGc(inspectorPort: number): Promise<MemoryAfterGc> {
  const targets = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json/list`)).json()) as Array<{ webSocketDebuggerUrl: string }>;
  const socket = new WebSocket(targets[0]!.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
  try {
    const call = cdpCaller(socket);
    await call("HeapProfiler.collectGarbage");
    const reply = await call("Runtime.evaluate", { expression: "JSON.stringify(process.memoryUsage())", returnByValue: true });
    const usage = JSON.parse((reply as { result: { value: string } }).result.value) as NodeJS.MemoryUsage;
    return { heapUsedBytes: usage.heapUsed, rssBytes: usage.rss };
  } finally {
    socket.close();
  }
}

/** One request/response at a time over the Chrome DevTools Protocol. */
function cdpCaller(socket: WebSocket) {
  let nextId = 1;
  return (method: string, params: Record<string, unknown> = {}): Promise<unknown> => {
    const id = nextId++;
    return new Promise((resolve, reject) => {
      const onMessage = (data: WebSocket.RawData) => {
        const message = JSON.parse(data.toString()) as { id?: number; result?: unknown; error?: { message: string } };
        if (message.id !== id) return; // events and other replies
        socket.off("message", onMessage);
        if (message.error) reject(new Error(`${method}: ${message.error.message}`));
        else resolve(message.result);
      };
      socket.on("message", onMessage);
      socket.send(JSON.stringify({ id, method, params }));
    });
  };
}
