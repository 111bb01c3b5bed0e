/**
 * The provider entry ("lfcc/provider") in a browser (issue 11): bundled by esbuild for the
 * browser platform, where any Node built-in (node:http, node:crypto, ...) is a build error, then
 * loaded in real headless Chromium, where it syncs a Y.Doc with a Node provider through a real
 * relay. The bundle also must not carry the Node-only parts of the package (server, Redis, pino).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { build } from "esbuild";
import { chromium, type Browser } from "playwright-core";
import * as Y from "yjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LfccProvider } from "../../relay/provider/index.ts";
import { createRelayServer, type RelayServer } from "../../relay/server/index.ts";
import { silentLogger } from "../../relay/adapters/silent-logger.ts";
import { waitFor } from "../integration/helpers.ts";

const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];
const PROVIDER_ENTRY = new URL("../../relay/provider/index.ts", import.meta.url).pathname;

let browser: Browser;
let server: RelayServer;
let url: string;

beforeAll(async () => {
  server = createRelayServer({ logger: silentLogger });
  const { port } = await server.listen(0, "127.0.0.1");
  url = `ws://127.0.0.1:${port}`;
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function bundleForBrowser(): Promise<{ code: string; inputs: string[] }> {
  const result = await build({
    stdin: {
      contents: `import * as Y from "yjs"; import { LfccProvider } from ${JSON.stringify(PROVIDER_ENTRY)}; window.lfcc = { Y, LfccProvider };`,
      resolveDir: process.cwd(),
      loader: "ts",
    },
    bundle: true,
    platform: "browser",
    format: "iife",
    write: false,
    metafile: true,
    logLevel: "silent",
  });
  return { code: result.outputFiles[0]!.text, inputs: Object.keys(result.metafile.inputs) };
}

describe("the provider entry in a browser", () => {
  it("bundles for the browser without Node built-ins or the server side of the package", async () => {
    const { inputs } = await bundleForBrowser(); // a node:* import would throw here
    expect(inputs.some((input) => input.includes("relay/provider/provider.ts"))).toBe(true);
    expect(inputs.filter((input) => /relay\/(server|bus|adapters\/system)|node_modules\/(ioredis|pino|prom-client|jose)\//.test(input))).toEqual([]);
  });

  it("syncs a Y.Doc in headless Chromium with a Node provider through a real relay", async () => {
    const { code } = await bundleForBrowser();
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on("pageerror", (error) => problems.push(error.message));
    // Served from loopback like the relay: Chromium blocks a public page (about:blank) from
    // reaching loopback (local network access checks), as it would on a real site.
    const site = await serveOnce(`<!doctype html><meta charset="utf-8"><script>${code.replaceAll("</script", "<\\/script")}</script>`);
    await page.goto(site.url);
    const nodeDoc = new Y.Doc();
    const nodeProvider = new LfccProvider({ url, docId: "browser-doc", doc: nodeDoc });
    try {
      await page.evaluate((relayUrl) => {
        const { Y: BrowserY, LfccProvider: Provider } = (window as unknown as { lfcc: { Y: typeof Y; LfccProvider: typeof LfccProvider } }).lfcc;
        const doc = new BrowserY.Doc();
        (window as unknown as { doc: Y.Doc }).doc = doc;
        new Provider({ url: relayUrl, docId: "browser-doc", doc }); // the browser's own WebSocket
        doc.getText("t").insert(0, "typed in chromium");
      }, url);
      await waitFor("node sees the browser's edit", () => nodeDoc.getText("t").toString().includes("typed in chromium"), 15_000);
      nodeDoc.getText("t").insert(0, "node says hi; ");
      await waitFor("the browser sees node's edit", async () =>
        (await page.evaluate(() => (window as unknown as { doc: Y.Doc }).doc.getText("t").toString())) === "node says hi; typed in chromium", 15_000);
      expect(problems).toEqual([]);
    } finally {
      nodeProvider.destroy();
      await page.close();
      site.server.close();
    }
  });
});

/** A loopback HTTP server answering every request with `html`. */
async function serveOnce(html: string): Promise<{ server: Server; url: string }> {
  const server = createServer((_request, response) => response.writeHead(200, { "content-type": "text/html" }).end(html));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}
