/**
 * The determinism rule must bite: if someone loosens eslint.config.js so that relay/ or sim/ code
 * could call Date.now or import ioredis, this test fails even though `npm run lint` would pass.
 */
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

const eslint = new ESLint({ cwd: process.cwd() });

async function ruleIds(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result.messages.map((m) => m.ruleId ?? m.message);
}

describe("determinism lint", () => {
  const forbidden: Array<[string, string]> = [
    ["Date.now()", "no-restricted-properties"],
    ["new Date()", "no-restricted-syntax"],
    ["Math.random()", "no-restricted-properties"],
    ["setTimeout(() => {}, 1)", "no-restricted-globals"],
    ["setInterval(() => {}, 1)", "no-restricted-globals"],
    ["setImmediate(() => {})", "no-restricted-globals"],
    ["process.nextTick(() => {})", "no-restricted-properties"],
    ["crypto.randomUUID()", "no-restricted-properties"],
    ["performance.now()", "no-restricted-globals"],
  ];
  for (const dir of ["relay", "sim", "lab"]) {
    it.each(forbidden)(`${dir}/: %s is an error`, async (expression, rule) => {
      expect(await ruleIds(`export const x = ${expression};\n`, `${dir}/probe.ts`)).toContain(rule);
    });
  }

  it.each([
    ['import Redis from "ioredis";', "relay/probe.ts"],
    ['import { readFileSync } from "node:fs";', "sim/probe.ts"],
    ['import { randomBytes } from "node:crypto";', "relay/probe.ts"],
    ['import { world } from "../sim/world.ts";', "relay/probe.ts"],
    ['import { run } from "../chaos/run.ts";', "sim/probe.ts"],
    ['import { SimKernel } from "../sim/kernel/kernel.ts";', "chaos/probe.ts"],
  ])("%s in %s is an error", async (line, file) => {
    expect(await ruleIds(`${line}\nexport {};\n`, file)).toContain("no-restricted-imports");
  });

  it("allows the real adapters to use the real world", async () => {
    const code = 'import { randomBytes } from "node:crypto";\nexport const t = [Date.now(), setTimeout, randomBytes];\n';
    expect(await ruleIds(code, "relay/adapters/probe.ts")).toEqual([]);
  });

  it("lets chaos/ share the lab (what it has in common with the simulator)", async () => {
    expect(await ruleIds('import { RandomForest } from "../lab/random.ts";\nexport { RandomForest };\n', "chaos/probe.ts")).toEqual([]);
  });

  it("allows pure node:crypto hashing in simulated code", async () => {
    const code = 'import { createHash } from "node:crypto";\nexport const h = createHash("sha256");\n';
    expect(await ruleIds(code, "sim/probe.ts")).toEqual([]);
  });
});
