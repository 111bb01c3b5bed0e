/**
 * docs/ci/github-actions.yml is copied into users' repositories, so it must at least be a valid
 * workflow that runs the gate and publishes its results even when the gate fails.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

interface Step { uses?: string; run?: string; if?: string; with?: Record<string, unknown> }
const workflow = parse(readFileSync(join(import.meta.dirname, "..", "..", "docs", "ci", "github-actions.yml"), "utf8")) as {
  jobs: { gate: { steps: Step[] } };
};
const steps = workflow.jobs.gate.steps;
const index = (match: (step: Step) => boolean) => steps.findIndex(match);

describe("docs/ci/github-actions.yml", () => {
  it("installs Node 20, the dependencies, redis-server and Toxiproxy before the gate runs", () => {
    const gate = index((step) => /npx lfcc gate --chaos .*--out lfcc-out\/gate/.test(step.run ?? ""));
    expect(gate).toBeGreaterThan(0);
    expect(steps.find((step) => step.uses?.startsWith("actions/setup-node"))?.with?.["node-version"]).toBe(20);
    for (const before of [/^npm ci$/, /apt-get install -y redis-server/, /go install github\.com\/Shopify\/toxiproxy\/v2\/cmd\/server@/]) {
      expect(index((step) => before.test(step.run ?? ""))).toBeGreaterThanOrEqual(0);
      expect(index((step) => before.test(step.run ?? ""))).toBeLessThan(gate);
    }
  });

  it("publishes junit.xml, report.md and the report directory even when the gate fails", () => {
    const junit = steps.find((step) => step.with?.["report_paths"] === "lfcc-out/gate/report/junit.xml");
    const summary = steps.find((step) => (step.run ?? "").includes(`lfcc-out/gate/report/report.md >> "$GITHUB_STEP_SUMMARY"`));
    const upload = steps.find((step) => step.uses?.startsWith("actions/upload-artifact"));
    expect(upload?.with?.["path"]).toBe("lfcc-out/gate");
    for (const step of [junit, summary, upload]) expect(step?.if).toMatch(/!cancelled\(\)|always\(\)/);
  });
});
