/**
 * The REAL y-websocket `WebsocketProvider` (the installed npm package, unmodified) inside the
 * simulator, on virtual time.
 *
 * y-websocket reaches time through globals: `setTimeout` (reconnect back-off), `setInterval`
 * (its 30 s idle watchdog, y-protocols' awareness renewal/expiry) and `Date.now` (captured by
 * lib0/time at import). So the package (with y-protocols and lib0, but NOT yjs: the sim's own Yjs
 * is passed in, one Yjs per process) is bundled once with esbuild and evaluated per client in a
 * fresh `node:vm` context whose globals are that client's virtual clock, a `Date` on it, a
 * `crypto.getRandomValues` fed by the client's seeded stream, and a WebSocket class over the
 * virtual network. Every timer lands on the simulator's event queue, so a run stays reproducible.
 */
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { runInNewContext } from "node:vm";
import * as Y from "yjs";
import type { WebsocketProvider } from "y-websocket";
import type { Clock, Random } from "../../relay/ports.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const ENTRY = `export { WebsocketProvider } from "y-websocket";`;

let bundled: string | undefined;

/** The bundle is the same bytes for every client and run (esbuild is deterministic). */
function bundle(): string {
  // Loaded on first use: only scenarios with y-websocket clients need esbuild, and `lfcc/sim`
  // users who never run one should not pay for loading it.
  bundled ??= loadEsbuild().buildSync({
    stdin: { contents: ENTRY, resolveDir: ROOT, loader: "js" },
    bundle: true,
    format: "cjs",
    platform: "browser",
    external: ["yjs"],
    write: false,
    logLevel: "silent",
  }).outputFiles[0]!.text;
  return bundled;
}

/**
 * esbuild is an optional peer of the package (it has an install script and a native binary, which
 * most users of the relay never need): say how to get it instead of a bare module-not-found.
 */
function loadEsbuild(): typeof import("esbuild") {
  try {
    return createRequire(import.meta.url)("esbuild") as typeof import("esbuild");
  } catch {
    throw new Error("scenarios with y-websocket clients run the real WebsocketProvider, which needs esbuild: npm install esbuild@0.28.2");
  }
}

export interface ProviderSandbox {
  clock: Clock;
  random: Random;
  /** The WebSocket class the provider constructs (`new WebSocket(url, protocols)`). */
  WebSocket: unknown;
  /** Where the package's console output goes (it logs "Unable to compute message" and such). */
  log: (level: string, args: unknown[]) => void;
}

export type WebsocketProviderClass = typeof WebsocketProvider;

/** A WebsocketProvider class whose whole world (time, timers, randomness, sockets) is `sandbox`. */
export function loadRealWebsocketProvider(sandbox: ProviderSandbox): WebsocketProviderClass {
  const { clock, random } = sandbox;
  class VirtualDate extends Date {
    constructor(...args: ConstructorParameters<typeof Date> | []) {
      if (args.length === 0) super(clock.now());
      else super(...(args as ConstructorParameters<typeof Date>));
    }
    static override now(): number {
      return clock.now();
    }
  }
  const module = { exports: {} as Record<string, unknown> };
  const globals = {
    module,
    exports: module.exports,
    require: (id: string) => {
      if (id === "yjs") return Y;
      throw new Error(`the y-websocket bundle asked for ${id}`);
    },
    setTimeout: (fn: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => clock.setTimeout(() => fn(...args), ms ?? 0),
    clearTimeout: (handle: unknown) => clock.clearTimeout(handle as never),
    setInterval: (fn: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => clock.setInterval(() => fn(...args), ms ?? 0),
    clearInterval: (handle: unknown) => clock.clearInterval(handle as never),
    Date: VirtualDate,
    crypto: {
      getRandomValues<T extends ArrayBufferView>(array: T): T {
        const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
        for (let i = 0; i < bytes.length; i++) bytes[i] = random.uint32() & 0xff;
        return array;
      },
    },
    WebSocket: sandbox.WebSocket,
    console: {
      log: (...args: unknown[]) => sandbox.log("log", args),
      warn: (...args: unknown[]) => sandbox.log("warn", args),
      error: (...args: unknown[]) => sandbox.log("error", args),
    },
  };
  runInNewContext(`(function () {\n${bundle()}\n})();`, globals, { filename: "y-websocket.bundle.cjs" });
  return module.exports.WebsocketProvider as WebsocketProviderClass;
}
