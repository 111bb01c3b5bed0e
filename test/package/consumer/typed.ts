// A strict NodeNext TypeScript user of the package (skipLibCheck: false, so every shipped .d.ts
// is checked too). The @ts-expect-error lines prove the types are real: were anything `any`,
// they would be unused and fail the check.
import { LfccProvider, createRedisAdapter, createRelayServer, StatelessCollabRelay, type RelayHealth, type RelayServerOptions } from "lfcc";
import { LfccProvider as BrowserProvider } from "lfcc/provider";
import { parseScenario, runScenario, type RunRecord } from "lfcc/sim";
import * as Y from "yjs";

const options: RelayServerOptions = { redisUrl: "redis://127.0.0.1:6379", maxFrameBytes: 1024 * 1024 };
const server = createRelayServer(options);
const relay: StatelessCollabRelay = server.relay;
const health: RelayHealth = relay.health();
const mode: "memory" | "single" | "cluster" = health.redis.mode;
// @ts-expect-error listen takes a port number
void server.listen("3030");
const provider: LfccProvider = new BrowserProvider({ url: "ws://127.0.0.1:3030", docId: "d", doc: new Y.Doc(), connect: false });
// @ts-expect-error docId is required
new LfccProvider({ url: "ws://x", doc: new Y.Doc() });
const bus = createRedisAdapter({ redisUrl: "redis://127.0.0.1:6379" });
// @ts-expect-error the bus has no such method
bus.flushEverything();

export async function simulate(yaml: string): Promise<boolean> {
  const { record }: { record: RunRecord } = await runScenario(parseScenario(yaml, "x.yaml"), { seed: 1 });
  return record.passed && mode !== undefined && provider.doc !== undefined;
}
