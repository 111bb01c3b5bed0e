/**
 * Scenario validation errors. Each issue names the file, line and column of the offending YAML
 * node (or of its parent when a key is missing), the path inside the document and what was
 * expected: `scenarios/x.yaml:12:7: faults[1].crash.server: unknown server "s9" (servers: s1, s2)`.
 */
export type DocumentPath = readonly (string | number)[];

export interface ScenarioIssue {
  file: string;
  /** 1-based; 0 when the source has no positions (a scenario built in code). */
  line: number;
  col: number;
  path: DocumentPath;
  message: string;
}

export class ScenarioError extends Error {
  override name = "ScenarioError";
  constructor(readonly issues: ScenarioIssue[]) {
    super(issues.map(formatIssue).join("\n"));
  }
}

export function formatIssue(issue: ScenarioIssue): string {
  const where = issue.line > 0 ? `${issue.file}:${issue.line}:${issue.col}` : issue.file;
  const path = formatPath(issue.path);
  return path === "" ? `${where}: ${issue.message}` : `${where}: ${path}: ${issue.message}`;
}

/** `faults[1].crash.server` */
export function formatPath(path: DocumentPath): string {
  let text = "";
  for (const segment of path) {
    text += typeof segment === "number" ? `[${segment}]` : text === "" ? segment : `.${segment}`;
  }
  return text;
}
