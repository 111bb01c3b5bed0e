/**
 * junit.xml for CI systems: one <testsuite> per mode (classname = mode), one <testcase> per
 * (scenario, seed) named "scenario seed N"; a failure's message holds the violated invariants and
 * the exact replay command, its body the invariant details. Counts live in the suite attributes.
 */
import type { RunRecord } from "../lab/record.ts";
import { summaryRows, type SummaryRow } from "./summary.ts";

export function toJunitXml(records: readonly RunRecord[]): string {
  const rows = summaryRows(records);
  const modes = [...new Set(rows.map((row) => row.record.mode))];
  const suites = modes.map((mode) => suiteXml(mode, rows.filter((row) => row.record.mode === mode)));
  const failures = rows.filter((row) => !row.record.passed).length;
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="lfcc" tests="${rows.length}" failures="${failures}" errors="0" time="${seconds(sumWallMs(rows))}">`,
    ...suites,
    `</testsuites>`,
    ``,
  ].join("\n");
}

function suiteXml(mode: string, rows: SummaryRow[]): string {
  const failures = rows.filter((row) => !row.record.passed).length;
  const head = `  <testsuite name="lfcc ${xmlEscape(mode)}" tests="${rows.length}" failures="${failures}" errors="0" skipped="0" time="${seconds(sumWallMs(rows))}">`;
  return [head, ...rows.map(caseXml), `  </testsuite>`].join("\n");
}

function caseXml(row: SummaryRow): string {
  const attrs = `classname="${xmlEscape(row.record.mode)}" name="${xmlEscape(row.title)}" time="${seconds(row.record.wallMs)}"`;
  if (row.record.passed) return `    <testcase ${attrs}/>`;
  const message = `violated: ${row.violated.join(", ") || "(none reported)"}; replay: ${row.replay}`;
  const details = row.record.invariants
    .filter((inv) => !inv.passed)
    .map((inv) => `${inv.name}: ${inv.detail}`)
    .concat(`replay: ${row.replay}`)
    .join("\n");
  return [
    `    <testcase ${attrs}>`,
    `      <failure type="invariant" message="${xmlEscape(message)}">${xmlEscape(details)}</failure>`,
    `    </testcase>`,
  ].join("\n");
}

/** Escapes markup and drops characters XML 1.0 cannot hold at all (control characters). */
export function xmlEscape(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

function sumWallMs(rows: SummaryRow[]): number {
  return rows.reduce((sum, row) => sum + row.record.wallMs, 0);
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}
