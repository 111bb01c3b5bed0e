/**
 * An unmodified Yjs app in a real browser: headless Debian Chromium loads a page whose script is
 * y-websocket 3.1.0 + Yjs bundled here by esbuild (from node_modules, no network), edits a Y.Text
 * through one relay while a y-websocket client in Node edits through another relay on the same
 * Redis. Both must see each other's text and awareness.
 */
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedisServer, type LocalRedis } from "../../chaos/infra/redis-server.ts";
import { startRelay, waitFor, type TestRelay } from "../integration/helpers.ts";
import { whenYwsSynced, ywsPool } from "./clients.ts";

const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];
const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** What the page exposes to the test (window.app). */
const APP_SOURCE = `
import * as Y from "yjs";
import { WebsocketProvider } from "y-websocket";
window.app = {
  start(serverUrl, room, name) {
    const doc = new Y.Doc();
    const provider = new WebsocketProvider(serverUrl, room, doc);
    provider.awareness.setLocalStateField("name", name);
    window.app.doc = doc;
    window.app.provider = provider;
  },
  synced: () => window.app.provider.synced,
  text: () => window.app.doc.getText("t").toString(),
  type: (token) => window.app.doc.getText("t").insert(window.app.doc.getText("t").length, token),
  peers: () => [...window.app.provider.awareness.getStates()]
    .filter(([id]) => id !== window.app.doc.clientID).map(([, s]) => s.name).sort(),
};
`;

let redis: LocalRedis;
let relays: TestRelay[] = [];
let browser: Browser;
let bundle: string;
const pool = ywsPool();

beforeAll(async () => {
  const result = await build({
    stdin: { contents: APP_SOURCE, resolveDir: ROOT, loader: "js" },
    bundle: true,
    format: "iife",
    platform: "browser",
    write: false,
    logLevel: "silent",
  });
  bundle = result.outputFiles[0]!.text;
  redis = await startRedisServer();
  relays = await Promise.all([startRelay({ redisUrl: redis.url }), startRelay({ redisUrl: redis.url })]);
  await waitFor("relays on Redis", () => relays.every((r) => r.server.relay.health().redis.connected));
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
}, 60_000);

afterAll(async () => {
  pool.destroyAll();
  await browser?.close();
  await Promise.all(relays.map((r) => r.server.close()));
  await redis?.stop();
});

async function openApp(): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on("console", (msg) => msg.type() === "error" && problems.push(msg.text()));
  page.on("pageerror", (error) => problems.push(error.message));
  page.on("request", (request) => !/^(about:|data:|ws:\/\/127\.0\.0\.1)/.test(request.url()) && problems.push(`network: ${request.url()}`));
  await page.setContent(`<!doctype html><html><body><script>${bundle.replace(/<\/script/gi, "<\\/script")}</script></body></html>`);
  return { page, problems };
}

describe("y-websocket in headless Chromium", () => {
  it("a browser client and a Node client on different relays see each other's text and awareness", async () => {
    const { page, problems } = await openApp();
    const room = "yws-browser";
    const serverUrl = relays[0]!.url.replace(/\/$/, "");
    await page.evaluate(([url, r]) => (window as any).app.start(url, r, "browser"), [serverUrl, room]);
    await page.waitForFunction(() => (window as any).app.synced(), null, { timeout: 10_000 });
    await page.evaluate(() => (window as any).app.type("<from-browser>"));

    const node = pool.start("node", relays[1]!.url, room);
    await whenYwsSynced(node);
    expect(node.text()).toBe("<from-browser>");
    node.doc.getText("t").insert(node.doc.getText("t").length, "<from-node>");

    await page.waitForFunction(() => (window as any).app.text().includes("<from-node>"), null, { timeout: 10_000 });
    expect(await page.evaluate(() => (window as any).app.text())).toBe(node.text());
    await page.waitForFunction(() => (window as any).app.peers().includes("node"), null, { timeout: 10_000 });
    await waitFor("node sees the browser's awareness", () => node.peerNames().includes("browser"));
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);
});
