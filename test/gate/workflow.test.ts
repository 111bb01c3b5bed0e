/**
 * docs/ci/github-actions.yml is copied into users' repositories, so it must at least be a valid
 * workflow that runs the gate sharded over a matrix, merges every shard into one report and
 * verdict, and publishes the results even when the gate fails.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

interface Step { uses?: string; run?: string; if?: string; with?: Record<string, unknown> }
interface Job { needs?: string | string[]; if?: string; steps: Step[]; strategy?: { "fail-fast"?: boolean; matrix: { shard: number[] } } }
const workflow = parse(readFileSync(join(import.meta.dirname, "..", "..", "docs", "ci", "github-actions.yml"), "utf8")) as {
  env: { SHARDS: number };
  jobs: { shard: Job; report: Job };
};
const { shard, report } = workflow.jobs;
const index = (steps: Step[], match: (step: Step) => boolean) => steps.findIndex(match);

describe("docs/ci/github-actions.yml", () => {
  it("runs one gate shard per matrix entry, 1..SHARDS, each to the end", () => {
    expect(shard.strategy!.matrix.shard).toEqual(Array.from({ length: workflow.env.SHARDS }, (_, i) => i + 1));
    expect(shard.strategy!["fail-fast"]).toBe(false);
    const gate = shard.steps.find((step) => /npx lfcc gate --chaos .*--shard \$\{\{ matrix\.shard \}\}\/\$\{\{ env\.SHARDS \}\} --out lfcc-out\/shard-\$\{\{ matrix\.shard \}\}/.test(step.run ?? ""));
    expect(gate).toBeDefined();
    // A failed run (exit 1) must not stop the merge; bad usage (2) fails the shard.
    expect(gate!.run).toMatch(/\[ "\$code" -le 1 \] \|\| exit "\$code"/);
  });

  it("installs Node 20, the dependencies, redis-server and Toxiproxy before the gate runs", () => {
    const gate = index(shard.steps, (step) => /npx lfcc gate/.test(step.run ?? ""));
    expect(shard.steps.find((step) => step.uses?.startsWith("actions/setup-node"))?.with?.["node-version"]).toBe(20);
    for (const before of [/^npm ci$/, /apt-get install -y redis-server/, /go install github\.com\/Shopify\/toxiproxy\/v2\/cmd\/server@/]) {
      expect(index(shard.steps, (step) => before.test(step.run ?? ""))).toBeGreaterThanOrEqual(0);
      expect(index(shard.steps, (step) => before.test(step.run ?? ""))).toBeLessThan(gate);
    }
  });

  it("uploads every shard's results folder, even when the shard's gate failed", () => {
    const upload = shard.steps.find((step) => step.uses?.startsWith("actions/upload-artifact"));
    expect(upload?.with).toMatchObject({ name: "lfcc-gate-shard-${{ matrix.shard }}", path: "lfcc-out/shard-${{ matrix.shard }}" });
    expect(upload?.if).toMatch(/!cancelled\(\)|always\(\)/);
  });

  it("merges all shards in one job into one report with one verdict", () => {
    expect(report.needs).toBe("shard");
    expect(report.if).toMatch(/!cancelled\(\)|always\(\)/);
    const download = index(report.steps, (step) => step.uses?.startsWith("actions/download-artifact") === true);
    const merge = index(report.steps, (step) => /npx lfcc report \$\(seq -f "lfcc-out\/shard-%g" 1 "\$SHARDS"\) --out lfcc-out\/gate\/report --verdict/.test(step.run ?? ""));
    expect(report.steps[download]!.with?.["pattern"]).toBe("lfcc-gate-shard-*");
    expect(download).toBeGreaterThanOrEqual(0);
    expect(merge).toBeGreaterThan(download);
  });

  it("publishes junit.xml, report.md and the report directory even when the verdict is FAIL", () => {
    const junit = report.steps.find((step) => step.with?.["report_paths"] === "lfcc-out/gate/report/junit.xml");
    const summary = report.steps.find((step) => (step.run ?? "").includes(`lfcc-out/gate/report/report.md >> "$GITHUB_STEP_SUMMARY"`));
    const upload = report.steps.find((step) => step.uses?.startsWith("actions/upload-artifact"));
    expect(upload?.with?.["path"]).toBe("lfcc-out");
    for (const step of [junit, summary, upload]) expect(step?.if).toMatch(/!cancelled\(\)|always\(\)/);
  });
});
