/** What `lfcc gate` prints at the end: one line per stage, every failed run with its replay command, the report paths. */
import type { RunRecord } from "../../lab/record.ts";
import { replayCommand } from "../../reports/replay-command.ts";
import type { WrittenReport } from "../../reports/write-report.ts";

export interface StageResult {
  /** e.g. "library (13 scenarios x seeds 1..3)". */
  title: string;
  records: RunRecord[];
  /** An extra line, e.g. how to re-explore the fuzz stage. */
  note?: string;
  /** A check over runs another stage already counts (the determinism self-check): shown, not counted twice. */
  checkOnly?: boolean;
  /** What "passed" means for this stage's lines (default: the run passed). */
  passedOf?: (record: RunRecord) => boolean;
}

export function gateSummary(stages: StageResult[], report: WrittenReport): string {
  const all = stages.filter((stage) => !stage.checkOnly).flatMap((stage) => stage.records);
  const failed = all.filter((record) => !record.passed);
  const lines = stages.map((stage) => {
    const passed = stage.records.filter(stage.passedOf ?? ((record) => record.passed)).length;
    const verdict = passed === stage.records.length ? "ok  " : "FAIL";
    return `${verdict} ${stage.title}: ${passed}/${stage.records.length} passed${stage.note ? `  (${stage.note})` : ""}`;
  });
  for (const record of failed) lines.push("", ...failureLines(record));
  lines.push(
    "",
    `gate ${failed.length === 0 ? "PASSED" : "FAILED"}: ${all.length - failed.length}/${all.length} runs passed`,
    `report: ${report.files.markdown}`,
    `        ${report.files.html}`,
    `junit:  ${report.files.junit}`,
  );
  return lines.join("\n") + "\n";
}

function failureLines(record: RunRecord): string[] {
  const broken = record.invariants.filter((invariant) => !invariant.passed);
  return [
    `FAIL ${record.scenario} seed ${record.seed} (${record.mode})`,
    ...broken.map((invariant) => `  ${invariant.name}: ${invariant.detail}`),
    `  replay: ${replayCommand(record)}`,
  ];
}
