/**
 * Failure files embed the file form and replay validates it again, so the file form must carry a
 * normalized scenario exactly: validateScenario(toScenarioDocument(s)) deep-equals s.
 */
import { fc, test } from "@fast-check/vitest";
import { expect } from "vitest";
import { DEFAULT_RELAY_CONFIG } from "../../relay/config.ts";
import { toScenarioDocument, validateScenario, type Fault, type Scenario } from "../../lab/scenario/index.ts";

const ms = (max: number) => fc.oneof(fc.integer({ min: 1, max }), fc.integer({ min: 1, max: max / 1000 }).map((s) => s * 1000));

const relayArb = fc.record({
  enableBatching: fc.boolean(),
  batchWindowMs: fc.integer({ min: 0, max: 50 }),
  snapshotTimeoutMs: ms(10_000),
  queueMaxMessages: fc.integer({ min: 1, max: 20_000 }),
  queueMaxBytes: fc.oneof(fc.integer({ min: 1, max: 1 << 24 }), fc.integer({ min: 1, max: 64 }).map((k) => k * 1024)),
  rateLimitBurstMessages: fc.integer({ min: 1, max: 500 }),
  heartbeatIntervalMs: ms(5000),
  maxBufferedBytes: fc.integer({ min: 1, max: 1 << 24 }),
  clusterSecret: fc.string({ minLength: 1, maxLength: 8 }),
}, { requiredKeys: [] }) satisfies fc.Arbitrary<Partial<typeof DEFAULT_RELAY_CONFIG & { clusterSecret: string }>>;

function faultArb(servers: string[], clients: string[], durationMs: number): fc.Arbitrary<Fault> {
  const at = fc.integer({ min: 0, max: durationMs });
  const forMs = ms(20_000);
  const node = fc.constantFrom(...servers, ...clients, "redis");
  const kinds: fc.Arbitrary<Fault>[] = [
    fc.record({ atMs: at, kind: fc.constant("redisOutage" as const), forMs }),
    fc.record({ atMs: at, kind: fc.constant("redisRestart" as const) }),
    fc.record({ atMs: at, kind: fc.constant("clockSkew" as const), server: fc.constantFrom(...servers), offsetMs: fc.integer({ min: -5000, max: 5000 }) }),
    fc.tuple(node, node).filter(([a, b]) => a !== b).chain((link) =>
      fc.record({ atMs: at, kind: fc.constant("latency" as const), link: fc.constant(link), addMs: fc.integer({ min: 0, max: 500 }), jitterMs: fc.integer({ min: 0, max: 50 }), forMs })),
    fc.shuffledSubarray([...servers, ...clients, "redis"], { minLength: 2 }).chain((nodes) =>
      fc.integer({ min: 1, max: nodes.length - 1 }).chain((cut) =>
        fc.record({ atMs: at, kind: fc.constant("partition" as const), sides: fc.constant<string[][]>([nodes.slice(0, cut), nodes.slice(cut)]), forMs }))),
  ];
  if (clients.length > 0) {
    kinds.push(
      fc.record({ atMs: at, kind: fc.constant("disconnect" as const), clients: fc.uniqueArray(fc.constantFrom(...clients), { minLength: 1 }), forMs }),
      fc.record({ atMs: at, kind: fc.constant("slowClient" as const), client: fc.constantFrom(...clients), forMs }),
    );
  }
  return fc.oneof(...kinds);
}

/** Crashes/stops on distinct servers, joins of new clients, leaves of distinct initial clients: always valid. */
function churnArb(servers: string[], clients: string[], durationMs: number): fc.Arbitrary<Fault[]> {
  const at = fc.integer({ min: 0, max: durationMs });
  const downs = fc.subarray(servers).chain((picked) => fc.tuple(...picked.map((server) =>
    fc.record({ atMs: at, kind: fc.constantFrom("crash" as const, "stop" as const), server: fc.constant(server), restartAfterMs: ms(10_000) }, { requiredKeys: ["atMs", "kind", "server"] }))));
  const leaves = fc.subarray(clients).map((names) => names.map((name, i): Fault => ({ atMs: i * 7, kind: "leave", clients: [name] })));
  const join = fc.record({
    atMs: at, kind: fc.constant("join" as const), clients: fc.constant<string[]>([`c${clients.length + 1}`, `c${clients.length + 2}`]),
    doc: fc.constant("d1"), server: fc.constantFrom(...servers),
  }, { requiredKeys: ["atMs", "kind", "clients"] });
  return fc.tuple(downs, leaves, fc.option(join, { nil: undefined })).map(([d, l, j]): Fault[] => [...d, ...l, ...(j ? [j] : [])]);
}

const scenarioArb: fc.Arbitrary<Scenario> = fc
  .record({ servers: fc.integer({ min: 1, max: 4 }), docs: fc.integer({ min: 1, max: 3 }), clients: fc.integer({ min: 0, max: 6 }), durationMs: ms(120_000) })
  .chain(({ durationMs, ...topology }) => {
    const servers = Array.from({ length: topology.servers }, (_, i) => `s${i + 1}`);
    const clients = Array.from({ length: topology.clients }, (_, i) => `c${i + 1}`);
    return fc.record({
      name: fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/),
      description: fc.string(),
      seed: fc.nat(),
      durationMs: fc.constant(Math.max(durationMs, 100)),
      topology: fc.constant(topology),
      relay: relayArb,
      workload: fc.record({
        editsPerSecond: fc.double({ min: 0, max: 50, noNaN: true }),
        ops: fc.record({ insertText: fc.integer({ min: 1, max: 9 }), deleteText: fc.nat(9), setMap: fc.nat(9), presence: fc.nat(9) }),
      }),
      network: fc.record({ latency: fc.record({ baseMs: fc.nat(100), jitterMs: fc.nat(100) }) }),
      faults: fc.tuple(fc.array(faultArb(servers, clients, Math.max(durationMs, 100)), { maxLength: 6 }), churnArb(servers, clients, Math.max(durationMs, 100)))
        .map(([a, b]) => [...a, ...b]),
      expect: fc.record({
        converge: fc.record({ withinMs: ms(30_000) }),
        noDataLoss: fc.boolean(),
        queueBound: fc.boolean(),
        noGhostPresence: fc.record({ withinMs: ms(30_000) }),
      }, { requiredKeys: [] }),
    });
  });

test.prop([scenarioArb], { numRuns: 100 })("validateScenario(toScenarioDocument(s)) deep-equals s", (scenario) => {
  const document = JSON.parse(JSON.stringify(toScenarioDocument(scenario))) as unknown;
  expect(validateScenario(document, "round-trip")).toEqual(scenario);
});
