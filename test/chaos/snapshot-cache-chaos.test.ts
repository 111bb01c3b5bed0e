/**
 * The library scenario scenarios/snapshot-cache-holders-leave.yaml in chaos mode: real
 * redis-server behind Toxiproxy, real `lfcc serve` processes (the scenario's `relay:` block
 * reaches them as --relay-config, so `snapshotCache: true` turns the cache on there), real
 * providers. Every holder leaves, then a newcomer opens the document: with the cache it has the
 * content; with the cache off the same run fails noDataLoss. Run at 0.4x its timeline (~10 s each).
 */
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { runChaos } from "../../chaos/run.ts";
import { parseScenario } from "../../lab/scenario/index.ts";
import { chaosAvailable, useChaosServices } from "./services-available.ts";

const FILE = "scenarios/snapshot-cache-holders-leave.yaml";
const TIME_SCALE = 0.4;

describe.runIf(chaosAvailable)("snapshot cache in chaos mode", () => {
  const services = useChaosServices();

  const scenario = () => parseScenario(readFileSync(FILE, "utf8"), FILE);
  const failed = (invariants: Array<{ name: string; passed: boolean }>) => invariants.filter((r) => !r.passed).map((r) => r.name);

  test("with the cache the newcomer opens with every promised edit", async () => {
    const { record } = await runChaos(scenario(), { services: services(), timeScale: TIME_SCALE });
    expect(failed(record.invariants), JSON.stringify(record.invariants)).toEqual([]);
    expect(record.mode).toBe("chaos");
  }, 60_000);

  test("with the cache off the same story loses the departed holders' edits", async () => {
    const off = scenario();
    const { record } = await runChaos({ ...off, relay: { ...off.relay, enableSnapshotCache: false } }, { services: services(), timeScale: TIME_SCALE });
    expect(failed(record.invariants)).toEqual(["noDataLoss"]);
    expect(record.invariants.find((r) => r.name === "noDataLoss")!.detail).toMatch(/^c4 \(d1\) lacks/);
  }, 60_000);
});
