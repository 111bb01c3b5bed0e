// A package user's plain Node script (no TypeScript, no loader): the relay API from "lfcc", two
// providers syncing through a relay it hosts, and the lab from "lfcc/sim" running a library
// scenario shipped in the package. Prints one JSON line; the test checks it.
import { readFileSync } from "node:fs";
import * as Y from "yjs";
import { StatelessCollabRelay, LfccProvider, createRedisAdapter, createRelayServer, silentLogger } from "lfcc";
import { parseScenario, runScenario } from "lfcc/sim";

const server = createRelayServer({ logger: silentLogger });
const { port } = await server.listen(0, "127.0.0.1");
const url = `ws://127.0.0.1:${port}`;
const [a, b] = [new Y.Doc(), new Y.Doc()];
const providers = [new LfccProvider({ url, docId: "d", doc: a }), new LfccProvider({ url, docId: "d", doc: b })];
a.getText("t").insert(0, "hello from plain node");
const deadline = Date.now() + 10_000;
while (b.getText("t").toString() !== "hello from plain node" && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
const synced = b.getText("t").toString();
for (const provider of providers) provider.destroy();
await server.close();

const file = new URL("./node_modules/lfcc/scenarios/server-crash.yaml", import.meta.url);
const scenario = parseScenario(readFileSync(file, "utf8"), "server-crash.yaml");
const { record } = await runScenario(scenario, { seed: 2 });
const bus = createRedisAdapter({ redisUrl: "redis://127.0.0.1:1" });
console.log(JSON.stringify({
  synced,
  relayIsClass: typeof StatelessCollabRelay === "function",
  busKind: bus.kind,
  scenario: record.scenario,
  passed: record.passed,
  traceHash: record.traceHash,
}));
process.exit(0);
