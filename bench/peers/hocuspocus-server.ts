/**
 * The peer in bench/vs-hocuspocus.ts: a minimal Hocuspocus 4 server that shares documents with its
 * siblings through @hocuspocus/extension-redis, and nothing else (no storage, no auth), so it
 * does the same job as one `lfcc serve --redis URL` process. Run as its own child process so its
 * memory is measured per process:
 *
 *   node --import tsx bench/peers/hocuspocus-server.ts <port> <redisUrl> <identifier>
 *
 * Prints one line containing `listening` once it accepts connections (same cue as `lfcc serve`).
 */
import { Server } from "@hocuspocus/server";
import { Redis } from "@hocuspocus/extension-redis";

const [portArg, redisUrl, identifier] = process.argv.slice(2);
if (!portArg || !redisUrl || !identifier) {
  console.error("usage: hocuspocus-server.ts <port> <redisUrl> <identifier>");
  process.exit(2);
}
const redis = new URL(redisUrl);

const server = new Server({
  name: identifier,
  address: "127.0.0.1",
  port: Number(portArg),
  quiet: true,
  // Defaults kept on purpose: flushDelay 0 (coalesce broadcasts within one event-loop turn) and
  // debounce 2000 ms (only delays onStoreDocument, which this server does not have).
  extensions: [new Redis({ host: redis.hostname, port: Number(redis.port), identifier })],
});

await server.listen();
console.log(JSON.stringify({ msg: "listening", port: server.address.port, identifier }));
