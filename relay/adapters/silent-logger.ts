import type { Logger } from "../ports.ts";

/**
 * A logger that drops everything: the default where the host wants no output (libraries, browser
 * providers, tests). Pure, so both the Node adapters and the browser-safe defaults can share it.
 */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
};
