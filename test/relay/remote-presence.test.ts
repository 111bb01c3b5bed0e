/**
 * Remote presence bookkeeping: a client whose PRESENCE reached our clients must also get its LEAVE
 * to them, even when we never saw (or had already forgotten) its JOIN. The three fuzz failures in
 * scenarios/regressions/ghost-presence-*.yaml are this case: a Redis outage queued a client's
 * PRESENCE and LEAVE, and at the heal the PRESENCE was forwarded and the LEAVE dropped.
 */
import { describe, expect, it } from "vitest";
import { RemotePresence } from "../../relay/core/remote-presence.ts";
import { encodeRouted } from "../../relay/bus/routed.ts";
import { settle } from "./fakes.ts";
import { Cluster } from "./relay-harness.ts";

const routed = (type: string, messageId: string, payload: Record<string, unknown>) => ({
  v: 1, type, docId: "doc-1", senderId: "far", messageId, sourceServerId: "s2", ts: 1, payload,
});

describe("a remote PRESENCE from a client we did not know", () => {
  it("is followed to the clients by that client's LEAVE", async () => {
    const cluster = new Cluster();
    const s1 = cluster.relay("s1");
    const watcher = await cluster.connect(s1);
    // s2's JOIN for "far" was never heard (it was superseded by a roster during an outage).
    cluster.hub.publish("lfcc:presence:doc-1", encodeRouted(routed("PRESENCE", "p1", { state: { x: 1 } }), undefined, "lfcc:presence:doc-1"));
    cluster.hub.publish("lfcc:presence:doc-1", encodeRouted(routed("LEAVE", "l1", { senderId: "far" }), undefined, "lfcc:presence:doc-1"));
    await settle();
    expect(watcher.ws.ofType("PRESENCE").map((f) => f.senderId)).toEqual(["far"]);
    expect(watcher.ws.ofType("LEAVE").map((f) => f.payload.senderId)).toEqual(["far"]);
  });

  it("is reported gone when its server's next roster leaves it out", () => {
    const presence = new RemotePresence();
    presence.presenceSeen("d", "s2", "far", 0);
    expect(presence.applyRoster("d", "s2", [], 10).left).toEqual(["far"]);
  });
});
