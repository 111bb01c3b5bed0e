/**
 * JSON.parse for the routing monitor's spies, remembering the texts it parsed last. The relay
 * writes ONE frame string to every local client of a document (fan-out), and a Redis message
 * string reaches every subscribed server: the spy of each receiver would otherwise parse the same
 * text again. Callers only read the parsed value, never change it.
 */
import { RecentMemo } from "../../recent-memo.ts";

const recent = new RecentMemo<unknown>(8);

/** The parsed value, or `undefined` when the text is not JSON. */
export function parseJsonOnce(text: string): unknown {
  return recent.get(text, parseOrUndefined);
}

function parseOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
