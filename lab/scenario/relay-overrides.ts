/**
 * The scenario `relay:` block -> overrides of the production RelayConfig (relay/config.ts), and
 * back. Every RelayConfig field is accepted by its own name (`heartbeatIntervalMs: 1000` or
 * `heartbeatIntervalMs: 1s`); `...Ms` fields also by their name without the unit
 * (`heartbeatInterval: 1s`); `...Bytes` fields take sizes (`1MiB`). Shorthands from SCENARIOS.md:
 * `queue: { maxMessages, maxBytes }`, `batching` (enableBatching), `rateLimiting`
 * (enableRateLimiting), `snapshotCache` (enableSnapshotCache). Two spellings of one field are an error.
 */
import { z } from "zod";
import { DEFAULT_RELAY_CONFIG, resolveRelayConfig, type RelayConfig } from "../../relay/config.ts";
import { strictMapping, msOrDuration, sizeBytes, durationMs } from "./fields.ts";
import { formatDuration, formatSize } from "./units.ts";

export type RelayOverrides = Partial<Omit<RelayConfig, "serverId">>;
type RelayField = keyof RelayOverrides;

const FIELDS = [...Object.keys(DEFAULT_RELAY_CONFIG), "clusterSecret"] as RelayField[];

const isDurationField = (field: string) => field.endsWith("Ms");
const isSizeField = (field: string) => field.includes("Bytes");

/** Every accepted key of the `relay:` block except `queue`, with the field it sets. */
const SPELLINGS: Record<string, RelayField> = Object.fromEntries([
  ...FIELDS.map((field) => [field, field]),
  ...FIELDS.filter(isDurationField).map((field) => [field.slice(0, -2), field]),
  ["batching", "enableBatching"],
  ["rateLimiting", "enableRateLimiting"],
  ["snapshotCache", "enableSnapshotCache"],
]);

function fieldSchema(field: RelayField) {
  if (field === "clusterSecret") return z.string().min(1);
  if (typeof DEFAULT_RELAY_CONFIG[field as keyof typeof DEFAULT_RELAY_CONFIG] === "boolean") return z.boolean();
  if (isDurationField(field)) return msOrDuration();
  if (isSizeField(field)) return sizeBytes();
  return z.number().int().min(0);
}

function spellingSchema(key: string, field: RelayField) {
  // `heartbeatInterval` (no unit in the name) needs a unit in the value.
  return key !== field && isDurationField(field) ? durationMs() : fieldSchema(field);
}

const queueSchema = strictMapping({
  maxMessages: z.number().int().min(1).optional(),
  maxBytes: sizeBytes().optional(),
}, "queue key");

const relayShape = {
  ...Object.fromEntries(Object.entries(SPELLINGS).map(([key, field]) => [key, spellingSchema(key, field).optional()])),
  queue: queueSchema.optional(),
};

export const relaySchema = strictMapping(relayShape, "relay key")
  .transform((block, ctx) => {
    const overrides: Record<string, unknown> = {};
    const spelledBy: Record<string, string> = {};
    const set = (key: string, field: string, value: unknown, path: (string | number)[]) => {
      if (value === undefined) return;
      if (spelledBy[field] !== undefined) {
        ctx.addIssue({ code: "custom", path, message: `sets ${field} again (already set by "${spelledBy[field]}")` });
        return;
      }
      spelledBy[field] = key;
      overrides[field] = value;
    };
    for (const [key, value] of Object.entries(block)) {
      if (key !== "queue") set(key, SPELLINGS[key]!, value, [key]);
    }
    set("queue.maxMessages", "queueMaxMessages", block.queue?.maxMessages, ["queue", "maxMessages"]);
    set("queue.maxBytes", "queueMaxBytes", block.queue?.maxBytes, ["queue", "maxBytes"]);
    try {
      resolveRelayConfig({ ...overrides, serverId: "validation" });
    } catch (error) {
      ctx.addIssue({ code: "custom", message: (error as Error).message });
    }
    return overrides as RelayOverrides;
  });

/** File form of the overrides: durations and sizes as strings, so a person can read them. */
export function relayToDocument(overrides: RelayOverrides): Record<string, unknown> {
  const document: Record<string, unknown> = {};
  for (const field of FIELDS) {
    const value = overrides[field];
    if (value === undefined) continue;
    if (isDurationField(field)) document[field.slice(0, -2)] = formatDuration(value as number);
    else if (isSizeField(field)) document[field] = formatSize(value as number);
    else document[field] = value;
  }
  return document;
}
