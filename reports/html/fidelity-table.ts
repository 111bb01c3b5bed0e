/**
 * Sim vs chaos fidelity (lab/fidelity.ts), for every scenario the report holds in both modes: each
 * metric's sim spread over seeds next to the chaos value(s), the chaos/sim ratio, and a flag where
 * chaos falls outside the sim's range (a model gap, or a real-world effect the simulator leaves out).
 */
import { compareFidelity, formatFidelityValue, type FidelityRow, type ScenarioFidelity } from "../../lab/fidelity.ts";
import type { RunRecord } from "../../lab/record.ts";
import { formatDuration } from "../format.ts";
import { esc } from "./escape.ts";

export function fidelitySection(records: readonly RunRecord[]): string {
  const comparisons = compareFidelity(records);
  if (comparisons.length === 0) return "";
  const flagged = comparisons.reduce((n, c) => n + c.rows.filter((row) => row.outside).length, 0);
  return `<section class="fidelity" id="fidelity"><h2>Sim vs chaos fidelity</h2>
<p class="subtitle">Per scenario run in both modes: the simulator's spread over its seeds (median [min - max]) against the real run(s). <span class="flag">outside</span> marks ${flagged} metric${flagged === 1 ? "" : "s"} where chaos falls outside the simulator's range: a gap in the model, or a real-world effect the simulator does not model.</p>
${comparisons.map(scenarioTable).join("\n")}</section>`;
}

function scenarioTable(comparison: ScenarioFidelity): string {
  const head = `<tr><th>metric</th><th class="num">sim median [min - max] (${comparison.simSeeds.length} seeds)</th><th class="num">chaos (seed ${comparison.chaosSeeds.join(", ")})</th><th class="num">chaos / sim</th><th></th></tr>`;
  return `<h3>${esc(comparison.scenario)}</h3><div class="table-scroll"><table class="fidelity-table" data-scenario="${esc(comparison.scenario)}">${head}${comparison.rows.map(rowHtml).join("")}</table></div>`;
}

function rowHtml(row: FidelityRow): string {
  const format = (v: number | null) => formatFidelityValue(row.metric, v, formatDuration);
  const sim = row.sim === null ? "-" : `${format(row.sim.median)} [${format(row.sim.min)} - ${format(row.sim.max)}]`;
  const ratio = row.ratio === null ? "-" : `${row.ratio.toFixed(2)}x`;
  return `<tr class="${row.outside ? "outside" : ""}" data-metric="${row.metric.key}"><td>${esc(row.metric.label)}</td><td class="num">${esc(sim)}</td><td class="num">${esc(row.chaos.map(format).join(", "))}</td><td class="num">${ratio}</td><td>${row.outside ? `<span class="flag">outside</span>` : ""}</td></tr>`;
}
