/**
 * A forger on Redis, present in runs with a cluster secret: anyone who can publish to Redis can
 * send routed messages, and a relay with a secret must drop every one that is not signed with it.
 * Every FORGE_EVERY_MS the forger publishes an unsigned CRDT_UPDATE (an empty, harmless update) to
 * each doc channel. The routing monitor fails the run if a client ever receives one (senderId
 * FORGED_SENDER). Without it, signing was never exercised: every message in a run was signed.
 */
import { FORGED_SENDER } from "../../lab/fuzz/routing-monitor.ts";
import { createSimRedisConnector } from "../redis/connection.ts";
import type { SimWorld } from "./world.ts";

export const FORGE_EVERY_MS = 1_000;
const FORGER_NODE = "forger";
/** Y.encodeStateAsUpdate of an empty doc: valid, changes nothing. */
const EMPTY_UPDATE_BASE64 = "AAA=";

export function startForger(world: SimWorld, docIds: () => string[]): void {
  const connection = createSimRedisConnector(world.network, FORGER_NODE)("pub");
  let connected = false;
  let count = 0;
  const tryConnect = () => {
    connection.connect().then(() => (connected = true), () => (connected = false));
  };
  connection.onClose(() => (connected = false));
  tryConnect();
  const tick = () => {
    if (!connected) tryConnect();
    else {
      for (const docId of docIds()) {
        const message = {
          v: 1, type: "CRDT_UPDATE", docId, senderId: FORGED_SENDER, messageId: `forged-${++count}`,
          sourceServerId: FORGER_NODE, ts: world.nowMs, payload: { update: EMPTY_UPDATE_BASE64 },
        };
        connection.publish(`lfcc:doc:${docId}`, JSON.stringify(message)).catch(() => (connected = false));
      }
    }
    world.kernel.after(FORGE_EVERY_MS, FORGER_NODE, tick);
  };
  world.kernel.after(FORGE_EVERY_MS, FORGER_NODE, tick);
}
