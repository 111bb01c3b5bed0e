/**
 * `lfcc report` pointed at the wrong folder meets JSON that is not a run record: a failure file
 * (`<out>/failures/`), or a report's own results.json (`<out>/report/`). Zod's "scenario: Invalid
 * input" does not tell anyone what went wrong, so the known look-alikes are named in words, and
 * anything else gets the field, what it should be and what it is.
 */

const RUN_RECORDS = "lfcc report reads run records: give it the results directory (the one holding runs/, written by lfcc sim/chaos/gate --out DIR)";

/** A sentence for JSON that is not a run record, naming what it is when we recognise it. */
export function notARunRecord(json: unknown, issuePath: readonly PropertyKey[], expected: string | undefined): string {
  if (Array.isArray(json) && json.length > 0 && json.every(looksLikeRunRecord)) {
    return `this is a report's results.json (the output of lfcc report), not a run record; ${RUN_RECORDS}`;
  }
  if (isObject(json) && json.version === 1 && isObject(json.scenario) && Array.isArray(json.violated)) {
    return `this is a failure file (replay it with lfcc replay FILE), not a run record; ${RUN_RECORDS}`;
  }
  const path = issuePath.map(String).join(".");
  const found = describe(valueAt(json, issuePath));
  if (path === "") return `not a run record: expected a JSON object, found ${found}; ${RUN_RECORDS}`;
  const should = expected === undefined ? "has an invalid value" : `should be ${article(expected)}`;
  return `not a run record: field "${path}" ${should}, found ${found}`;
}

function looksLikeRunRecord(value: unknown): boolean {
  return isObject(value) && typeof value.scenario === "string" && typeof value.passed === "boolean";
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function valueAt(json: unknown, path: readonly PropertyKey[]): unknown {
  let value = json;
  for (const key of path) value = isObject(value) || Array.isArray(value) ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  return value;
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing (the field is missing)";
  if (value === null) return "null";
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === "object") return "an object";
  return `${typeof value} ${JSON.stringify(value).slice(0, 40)}`;
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
