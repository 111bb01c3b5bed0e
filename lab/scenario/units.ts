/**
 * Durations and sizes as people write them in scenario files (`250ms`, `10s`, `2m`; `512B`,
 * `64KiB`, `1MiB`) and back. Parsing returns a result instead of throwing so the scenario parser
 * can attach the file position to the message.
 */
export type UnitResult = { ok: true; value: number } | { ok: false; error: string };

const DURATION_UNITS_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const SIZE_UNITS_BYTES: Record<string, number> = { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 };

export const DURATION_HINT = "a duration like 250ms, 10s, 2m";
export const SIZE_HINT = "a size like 512B, 64KiB, 1MiB";

/** `signed` allows a leading `-`/`+` (clock skew offsets); everything else is non-negative. */
export function parseDurationMs(value: unknown, options: { signed?: boolean } = {}): UnitResult {
  return parseWithUnits(value, DURATION_UNITS_MS, DURATION_HINT, options.signed ?? false);
}

/** A bare non-negative integer is taken as bytes. */
export function parseSizeBytes(value: unknown): UnitResult {
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return { ok: true, value };
  return parseWithUnits(value, SIZE_UNITS_BYTES, SIZE_HINT, false);
}

/** The largest unit that represents `ms` exactly, so formatting then parsing gives back `ms`. */
export function formatDuration(ms: number): string {
  const sign = ms < 0 ? "-" : "";
  return sign + formatExact(Math.abs(ms), [["h", 3_600_000], ["m", 60_000], ["s", 1000]], "ms");
}

export function formatSize(bytes: number): string {
  return formatExact(bytes, [["GiB", 1024 ** 3], ["MiB", 1024 ** 2], ["KiB", 1024]], "B");
}

function formatExact(amount: number, units: [string, number][], smallest: string): string {
  for (const [unit, factor] of units) {
    if (amount !== 0 && amount % factor === 0) return `${amount / factor}${unit}`;
  }
  return `${amount}${smallest}`;
}

const QUANTITY = /^([+-]?)(\d+(?:\.\d+)?)\s*([A-Za-z]+)$/;

function parseWithUnits(value: unknown, units: Record<string, number>, hint: string, signed: boolean): UnitResult {
  if (typeof value === "number") {
    return { ok: false, error: `expected ${hint}, got the bare number ${value} (add a unit)` };
  }
  if (typeof value !== "string") return { ok: false, error: `expected ${hint}, got ${describeValue(value)}` };
  const match = QUANTITY.exec(value.trim());
  if (!match) return { ok: false, error: `expected ${hint}, got "${value}"` };
  const [, sign, amountText, unit] = match as unknown as [string, string, string, string];
  const factor = units[unit];
  if (factor === undefined) {
    return { ok: false, error: `unknown unit "${unit}" in "${value}" (units: ${Object.keys(units).join(", ")})` };
  }
  if (sign === "-" && !signed) return { ok: false, error: `expected ${hint}, got the negative "${value}"` };
  const magnitude = Number(amountText) * factor;
  if (!Number.isSafeInteger(Math.round(magnitude)) || Math.abs(magnitude - Math.round(magnitude)) > 1e-9) {
    const smallest = Object.keys(units)[0];
    return { ok: false, error: `"${value}" is not a whole number of ${smallest}` };
  }
  return { ok: true, value: (sign === "-" ? -1 : 1) * Math.round(magnitude) };
}

export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "nothing";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return `the string "${value}"`;
  return `${typeof value} ${String(value)}`;
}
