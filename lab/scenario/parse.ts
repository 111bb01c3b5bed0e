/**
 * Scenario text -> normalized Scenario, or a ScenarioError listing every problem with its
 * file:line:col. No file access here (lab/ runs inside the simulator): callers pass the text.
 */
import { LineCounter, parseDocument, type Document } from "yaml";
import type { z } from "zod";
import { ScenarioError, type DocumentPath, type ScenarioIssue } from "./errors.ts";
import { NO_POSITIONS, yamlLocator, type Locator } from "./locate.ts";
import { scenarioSchema } from "./schema.ts";
import { normalizeScenario } from "./semantics.ts";
import type { Scenario } from "./types.ts";
import { describeValue } from "./units.ts";

/** Parses and validates one scenario file. Throws ScenarioError. */
export function parseScenario(text: string, fileName: string): Scenario {
  const { document, locator } = parseYaml(text, fileName);
  return validateScenario(document.toJS({ maxAliasCount: 1000 }), fileName, locator);
}

/** Validates a scenario that is already a value (file form), e.g. from a failure file. */
export function validateScenario(value: unknown, fileName: string, locator: Locator = NO_POSITIONS, basePath: DocumentPath = []): Scenario {
  const issueAt = (path: DocumentPath, message: string, key?: string): ScenarioIssue => {
    const { line, col } = key === undefined ? locator.valueAt(path) : locator.keyAt(path.slice(0, -1), key);
    return { file: fileName, line, col, path: [...basePath, ...path], message };
  };
  const parsed = scenarioSchema.safeParse(value, { reportInput: true, error: defaultMessage });
  if (!parsed.success) throw new ScenarioError(sortIssues(parsed.error.issues.map((issue) => zodIssue(issue, issueAt))));
  const { scenario, issues } = normalizeScenario(parsed.data);
  if (issues.length > 0) throw new ScenarioError(sortIssues(issues.map((issue) => issueAt(issue.path, issue.message))));
  return scenario;
}

/** YAML text -> document with positions; YAML syntax errors become ScenarioErrors. */
export function parseYaml(text: string, fileName: string): { document: Document; locator: Locator; lineCounter: LineCounter } {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  if (document.errors.length > 0) {
    throw new ScenarioError(document.errors.map((error) => {
      const position = error.linePos?.[0] ?? lineCounter.linePos(error.pos[0]);
      return { file: fileName, line: position.line, col: position.col, path: [], message: `invalid YAML: ${firstLine(error.message)}` };
    }));
  }
  if (document.contents === null) {
    throw new ScenarioError([{ file: fileName, line: 1, col: 1, path: [], message: "the file is empty (expected a scenario mapping)" }]);
  }
  return { document, locator: yamlLocator(document, lineCounter), lineCounter };
}

type IssueAt = (path: DocumentPath, message: string, key?: string) => ScenarioIssue;

function zodIssue(issue: z.core.$ZodIssue, issueAt: IssueAt): ScenarioIssue {
  const path = issue.path.filter((segment): segment is string | number => typeof segment !== "symbol");
  // Point at the unknown key itself and name it in the path.
  if (issue.code === "unrecognized_keys") return issueAt([...path, issue.keys[0]!], issue.message, issue.keys[0]);
  return issueAt(path, issue.message);
}

function sortIssues(issues: ScenarioIssue[]): ScenarioIssue[] {
  return issues.sort((a, b) => a.line - b.line || a.col - b.col);
}

const EXPECTED_NAMES: Record<string, string> = {
  object: "a mapping", array: "a list", int: "a whole number", number: "a number", string: "a string", boolean: "true or false",
};

/** Messages for the zod issues our own schema pieces do not word themselves. */
function defaultMessage(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code === "invalid_type") {
    const expected = EXPECTED_NAMES[issue.expected] ?? issue.expected;
    return issue.input === undefined ? `missing required field (expected ${expected})` : `expected ${expected}, got ${describeValue(issue.input)}`;
  }
  if (issue.code === "too_small") {
    if (issue.origin === "array") return `expected at least ${String(issue.minimum)} item(s)`;
    if (issue.origin === "string") return "must not be empty";
    return `must be at least ${String(issue.minimum)}, got ${describeValue(issue.input)}`;
  }
  if (issue.code === "too_big") {
    if (issue.origin === "array") return `expected at most ${String(issue.maximum)} item(s)`;
    return `must be at most ${String(issue.maximum)}, got ${describeValue(issue.input)}`;
  }
  return undefined;
}

function firstLine(text: string): string {
  return text.split("\n")[0]!.trim();
}
