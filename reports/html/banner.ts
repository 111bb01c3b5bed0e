/** The top of the page: the verdict at a glance, and which build it judges. */
import type { BuildInfo } from "../build-info.ts";
import type { Verdict } from "../verdict.ts";
import { esc } from "./escape.ts";

export function verdictBanner(verdict: Verdict, build: BuildInfo): string {
  const modes = verdict.byMode.map(([mode, n]) => `${n} ${mode}`).join(", ");
  const counts = `${verdict.runs} runs (${modes}): ${verdict.passedRuns} passed, ${verdict.failedRuns} failed`;
  const failing = verdict.failingInvariants.length === 0
    ? ""
    : `<p class="failing-invariants">Failing invariants: ${verdict.failingInvariants.map(([name, n]) => `<a href="#failures"><strong>${esc(name)}</strong></a> in ${n} run${n === 1 ? "" : "s"}`).join(", ")}</p>`;
  return `<section class="verdict ${verdict.passed ? "pass" : "fail"}" data-verdict="${verdict.passed ? "pass" : "fail"}">
<div class="verdict-word">${verdict.passed ? "PASS" : "FAIL"}</div>
<div><p class="verdict-counts">${esc(counts)}</p>${failing}</div>
</section>
${buildLine(build)}`;
}

function buildLine(build: BuildInfo): string {
  const facts: Array<[string, string]> = [
    ["lfcc", build.packageVersion],
    ["commit", build.gitCommit ?? "not a git checkout"],
    ["written", build.date.replace("T", " ").replace(/\.\d+Z$/, " UTC")],
    ["host", build.host],
    ["Node", build.node],
  ];
  return `<p class="build">${facts.map(([k, v]) => `<span>${esc(k)} <strong>${esc(v)}</strong></span>`).join("")}</p>`;
}
