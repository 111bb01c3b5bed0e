/**
 * JSON.parse for the routing monitor's spies, remembering the last text it parsed. The relay
 * writes ONE frame string to every local client of a document (fan-out), and a Redis message
 * string reaches every subscribed server: the spy of each receiver would otherwise parse the same
 * text again. Same object: an O(1) comparison. Callers only read the parsed value, never change it.
 */
let lastText: string | undefined;
let lastValue: unknown;

/** The parsed value, or `undefined` when the text is not JSON. */
export function parseJsonOnce(text: string): unknown {
  if (text === lastText) return lastValue;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  lastText = text;
  lastValue = value;
  return value;
}
