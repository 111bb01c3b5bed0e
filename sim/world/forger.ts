/**
 * A forger on Redis, present in runs with a cluster secret: anyone who can publish to Redis can
 * send routed messages, and a relay with a secret must drop every one that is not signed with it.
 * Every FORGE_EVERY_MS the forger publishes an unsigned CRDT_UPDATE (an empty, harmless update) to
 * each doc channel. The routing monitor fails the run if a client ever receives one (senderId
 * FORGED_SENDER). Without it, signing was never exercised: every message in a run was signed.
 * It claims to come from a live server (server ids are plain to see on Redis): from a server that
 * does not exist, replay floors would hold it back anyway (its sender never proves its clock), and
 * a relay that skipped the signature check would go unnoticed.
 */
import { FORGED_SENDER } from "../../lab/fuzz/routing-monitor.ts";
import { SIM_EPOCH_MS } from "../kernel/clock.ts";
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
      const live = [...world.servers.values()].map((server) => server.serverId).filter((id): id is string => id !== undefined);
      for (const docId of docIds()) {
        ++count;
        // Fresh by the relays' clocks (unskewed): only the missing signature gives it away.
        const message = {
          v: 1, type: "CRDT_UPDATE", docId, senderId: FORGED_SENDER, messageId: `forged-${count}`,
          sourceServerId: live[count % Math.max(1, live.length)] ?? FORGER_NODE, ts: SIM_EPOCH_MS + world.nowMs, payload: { update: EMPTY_UPDATE_BASE64 },
        };
        connection.publish(`lfcc:doc:${docId}`, JSON.stringify(message)).catch(() => (connected = false));
      }
    }
    world.kernel.after(FORGE_EVERY_MS, FORGER_NODE, tick);
  };
  world.kernel.after(FORGE_EVERY_MS, FORGER_NODE, tick);
}
