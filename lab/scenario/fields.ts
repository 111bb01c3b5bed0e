/**
 * Zod building blocks shared by the scenario schema: strict mappings whose unknown keys get a
 * "did you mean", and duration / size fields that accept the units of SCENARIOS.md.
 */
import { z } from "zod";
import { didYouMean } from "./suggest.ts";
import { DURATION_HINT, parseDurationMs, parseSizeBytes, SIZE_HINT, type UnitResult } from "./units.ts";

/** A mapping that rejects unknown keys, naming the closest valid key. */
export function strictMapping<Shape extends z.ZodRawShape>(shape: Shape, what = "key", suggestKeys?: readonly string[]) {
  const validKeys = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code === "unrecognized_keys") return unknownKeysMessage(issue.keys, suggestKeys ?? validKeys, what);
      if (issue.code !== "invalid_type") return undefined;
      const expected = `expected a mapping with ${validKeys.join(", ")}`;
      return issue.input === undefined ? `missing required field (${expected})` : expected;
    },
  });
}

/** `unknown relay key "heartbeatIntervl" (did you mean "heartbeatInterval"?)`, listing short key sets. */
export function unknownKeysMessage(keys: readonly string[], validKeys: readonly string[], what: string): string {
  const list = validKeys.length <= 12 ? `${what}s: ${validKeys.join(", ")}` : "see docs/SCENARIOS-REFERENCE.md";
  return keys.map((key) => `unknown ${what} "${key}"${didYouMean(key, validKeys)} (${list})`).join("; ");
}

function unitField(parse: (value: unknown) => UnitResult, hint: string) {
  return z.unknown().transform((value, ctx) => {
    const result = parse(value);
    if (result.ok) return result.value;
    ctx.addIssue({ code: "custom", message: value === undefined ? `missing required field (expected ${hint})` : result.error });
    return z.NEVER;
  });
}

/** A non-negative duration (`250ms`, `10s`, `2m`) -> ms. */
export const durationMs = () => unitField((value) => parseDurationMs(value), DURATION_HINT);
/** A duration that must be longer than zero (the `for` of a fault, a run's `duration`). */
export const positiveDurationMs = () =>
  durationMs().refine((ms) => ms > 0, { message: "must be longer than 0ms" });
/** A duration that may be negative (`clockSkew.offset: -2s`). */
export const signedDurationMs = () => unitField((value) => parseDurationMs(value, { signed: true }), `${DURATION_HINT} (may be negative)`);
/** A size (`512B`, `64KiB`, `1MiB`, or a bare number of bytes) -> bytes. */
export const sizeBytes = () => unitField(parseSizeBytes, SIZE_HINT);
/** A duration (string with a unit) or a number already in ms: for `...Ms` relay fields. */
export const msOrDuration = () => unitField((value) =>
  typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? { ok: true, value } : parseDurationMs(value),
  `${DURATION_HINT} or a number of ms`);

export const count = (min: number) => z.number().int().min(min);
export const weight = () => z.number().min(0).finite();
export const nodeName = () => z.string().min(1);
