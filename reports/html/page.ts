/**
 * index.html: one self-contained page (inline CSS and SVG, no script, no network), laid out for a
 * release decision: the verdict and the build it judges, the failures with their replay commands,
 * the summary table (one column per invariant, key metrics), the spread across seeds, sim-vs-chaos
 * fidelity, then every scenario's runs (failing groups open, passing ones collapsed).
 */
import type { RunRecord } from "../../lab/record.ts";
import type { BuildInfo } from "../build-info.ts";
import { summaryRows, type SummaryRow } from "../summary.ts";
import { verdictOf } from "../verdict.ts";
import { acrossSeeds } from "./across-seeds.ts";
import { verdictBanner } from "./banner.ts";
import { esc } from "./escape.ts";
import { fidelitySection } from "./fidelity-table.ts";
import { scenarioSection } from "./run-card.ts";
import { STYLE } from "./style.ts";
import { summaryTable } from "./summary-table.ts";

export function toHtml(records: readonly RunRecord[], build: BuildInfo): string {
  const rows = summaryRows(records);
  const verdict = verdictOf(records);
  const scenarios = [...new Set(rows.map((row) => row.record.scenario))];
  const failing = (name: string) => rows.some((row) => row.record.scenario === name && !row.record.passed);
  scenarios.sort((a, b) => Number(failing(b)) - Number(failing(a)));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>lfcc resilience report: ${verdict.passed ? "PASS" : "FAIL"}</title><style>${STYLE}</style></head>
<body>
<h1>lfcc resilience report</h1>
${verdictBanner(verdict, build)}
${failureList(rows.filter((row) => !row.record.passed))}
<h2>All runs</h2>
<p class="subtitle">Failures first. ✓ held, ✗ violated, · not checked in that run (hover a mark for its detail). Shaded areas in every chart are fault windows.</p>
${summaryTable(rows)}
${acrossSeeds(records)}
${fidelitySection(records)}
${scenarios.map((name) => scenarioSection(name, rows.filter((row) => row.record.scenario === name))).join("\n")}
</body></html>
`;
}

function failureList(failed: SummaryRow[]): string {
  if (failed.length === 0) return "";
  const items = failed.map((row) => {
    const broken = row.record.invariants.filter((inv) => !inv.passed).map((inv) => `<li><strong>${esc(inv.name)}</strong>: ${esc(inv.detail)}</li>`).join("");
    return `<li class="failure"><a href="#${row.id}">${esc(row.title)} (${row.record.mode})</a><ul>${broken}</ul><pre class="replay"><code>${esc(row.replay)}</code></pre></li>`;
  });
  return `<section class="failures" id="failures"><h2>Failures (${failed.length})</h2><ol>${items.join("")}</ol></section>`;
}
