/**
 * The shell command that reproduces a run, shown in every report format. A sim run with a
 * failure file replays it (`lfcc replay` checks the trace hash); otherwise the runner's own
 * command if it recorded one (it knows the scenario's path); otherwise one built from the name.
 */
import type { RunRecord } from "../lab/record.ts";

export function replayCommand(record: RunRecord): string {
  if (record.mode === "sim" && record.failureFile) return `npx lfcc replay ${shellQuote(record.failureFile)}`;
  // Runners may record "lfcc ..."; the reports always show the npx form so it works from a checkout.
  if (record.replayCommand) return record.replayCommand.replace(/^lfcc /, "npx lfcc ");
  if (record.mode === "sim") return `npx lfcc sim ${shellQuote(record.scenario)} --seed ${record.seed}`;
  return `npx lfcc chaos ${shellQuote(record.scenario)}`;
}

/** Quote only when needed, so ordinary paths stay copy-paste friendly. */
function shellQuote(word: string): string {
  if (/^[\w@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
