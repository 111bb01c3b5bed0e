/**
 * Failure files (shared/CLI.md): `{version: 1, scenario: <file form>, seed, traceHash, violated}`.
 * Reading validates the embedded scenario with the scenario parser, with positions inside the
 * JSON text, so a hand-edited failure file gets the same precise errors as a YAML file.
 */
import { z } from "zod";
import type { FailureFile } from "../record.ts";
import { ScenarioError } from "./errors.ts";
import { parseYaml, validateScenario } from "./parse.ts";
import { toScenarioDocument } from "./to-document.ts";
import type { Scenario } from "./types.ts";

const envelopeSchema = z.object({
  version: z.literal(1),
  scenario: z.record(z.string(), z.unknown()),
  seed: z.number().int().min(0),
  traceHash: z.string(),
  violated: z.array(z.string()),
});

export interface LoadedFailure {
  failure: FailureFile;
  scenario: Scenario;
}

export function parseFailureFile(text: string, fileName: string): LoadedFailure {
  const { document, locator } = parseYaml(text, fileName);
  const parsed = envelopeSchema.safeParse(document.toJS());
  if (!parsed.success) {
    throw new ScenarioError(parsed.error.issues.map((issue) => {
      const path = issue.path.filter((s): s is string | number => typeof s !== "symbol");
      return { file: fileName, ...locator.valueAt(path), path, message: `not a failure file (version 1): ${issue.message}` };
    }));
  }
  const scenario = validateScenario(parsed.data.scenario, fileName, subLocator(locator, "scenario"), ["scenario"]);
  return { failure: parsed.data, scenario };
}

export function buildFailureFile(scenario: Scenario, seed: number, traceHash: string, violated: string[]): FailureFile {
  return { version: 1, scenario: toScenarioDocument(scenario), seed, traceHash, violated };
}

function subLocator(locator: ReturnType<typeof parseYaml>["locator"], key: string) {
  return {
    valueAt: (path: readonly (string | number)[]) => locator.valueAt([key, ...path]),
    keyAt: (path: readonly (string | number)[], name: string) => locator.keyAt([key, ...path], name),
  };
}
