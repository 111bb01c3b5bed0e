import { describe, expect, it } from "vitest";
import { SimKernel } from "../kernel/kernel.ts";
import { Network, type Endpoint } from "./network.ts";

function setup(jitterMs = 20) {
  const kernel = new SimKernel({ seed: 4 });
  const network = new Network(kernel, kernel.stream("net"), { baseMs: 2, jitterMs });
  const accepted: Endpoint[] = [];
  const received: unknown[] = [];
  network.listen("s1", (end) => {
    accepted.push(end);
    end.onMessage = (data) => received.push(data);
  });
  return { kernel, network, accepted, received };
}

describe("virtual network", () => {
  it("keeps per-direction FIFO order despite jitter", async () => {
    const { kernel, network, received } = setup(50);
    const client = network.connect("c1", "s1", "ws");
    client.onOpen = () => {
      for (let i = 0; i < 200; i++) client.send(i, 10);
    };
    await kernel.runUntil(5000);
    expect(received).toEqual(Array.from({ length: 200 }, (_, i) => i));
  });

  it("opens after a round trip and the acceptor's first frame follows the open", async () => {
    const { kernel, network } = setup();
    network.listen("s2", (end) => end.send("welcome", 7));
    const order: string[] = [];
    const client = network.connect("c1", "s2", "ws");
    client.onOpen = () => order.push("open");
    client.onMessage = (data) => order.push(String(data));
    await kernel.runUntil(1000);
    expect(order).toEqual(["open", "welcome"]);
  });

  it("refuses connections to a node that does not listen", async () => {
    const { kernel, network } = setup();
    const client = network.connect("c1", "s9", "ws");
    let closed: number | undefined;
    client.onClose = (info) => (closed = info.code);
    await kernel.runUntil(1000);
    expect(closed).toBe(1006);
  });

  it("a partition resets crossing connections, refuses new ones, and heals", async () => {
    const { kernel, network, accepted } = setup();
    const client = network.connect("c1", "s1", "ws");
    const closes: string[] = [];
    client.onClose = (info) => closes.push(`client:${info.code}`);
    await kernel.runUntil(100);
    accepted[0].onClose = (info) => closes.push(`server:${info.code}`);
    const id = network.partition([["c1"], ["s1"]]);
    expect(network.canTalk("c1", "s1")).toBe(false);
    expect(network.canTalk("c1", "redis")).toBe(true);
    await kernel.runUntil(200);
    expect(closes.sort()).toEqual(["client:1006", "server:1006"]);
    const retry = network.connect("c1", "s1", "ws");
    let retryClosed = false;
    retry.onClose = () => (retryClosed = true);
    await kernel.runUntil(300);
    expect(retryClosed).toBe(true);
    network.healPartition(id);
    const again = network.connect("c1", "s1", "ws");
    let opened = false;
    again.onOpen = () => (opened = true);
    await kernel.runUntil(400);
    expect(opened).toBe(true);
  });

  it("a reader that stops reading builds up the sender's buffered bytes, then drains in order", async () => {
    const { kernel, network, accepted } = setup();
    const client = network.connect("c1", "s1", "ws");
    const got: unknown[] = [];
    client.onMessage = (data) => got.push(data);
    await kernel.runUntil(100);
    client.setReading(false);
    for (let i = 0; i < 10; i++) accepted[0].send(i, 100);
    await kernel.runUntil(500);
    expect(accepted[0].bufferedBytes).toBe(1000);
    expect(got).toEqual([]);
    client.setReading(true);
    expect(got).toEqual(Array.from({ length: 10 }, (_, i) => i));
    expect(accepted[0].bufferedBytes).toBe(0);
  });

  it("graceful close reaches both ends after the data already sent", async () => {
    const { kernel, network, received } = setup();
    const events: string[] = [];
    network.listen("s1", (end) => {
      end.onMessage = (data) => received.push(data);
      end.onClose = (info) => events.push(`server closed ${info.code} after ${received.join()}`);
    });
    const client = network.connect("c1", "s1", "ws");
    client.onOpen = () => {
      client.send("last words", 10);
      client.close({ code: 1000, reason: "bye" });
    };
    client.onClose = (info) => events.push(`client closed ${info.code}`);
    await kernel.runUntil(500);
    expect(events).toEqual(["server closed 1000 after last words", "client closed 1000"]);
    expect(network.openConnections).toBe(0);
  });

  it("added link latency delays messages on that link only", async () => {
    const { kernel, network } = setup(0);
    network.addLatency("c1", "s1", 300, 0);
    let openedAt = -1;
    const client = network.connect("c1", "s1", "ws");
    client.onOpen = () => (openedAt = kernel.nowMs);
    await kernel.runUntil(1000);
    expect(openedAt).toBe(604);
  });
});
