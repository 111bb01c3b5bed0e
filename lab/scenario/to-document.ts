/**
 * Normalized Scenario -> its file form (SCENARIOS.md fields, durations and sizes as strings).
 * Failure files embed this and `lfcc replay` validates it with the same parser as a YAML file,
 * so `validateScenario(toScenarioDocument(s))` deep-equals `s` (a property test checks it).
 */
import { stringify } from "yaml";
import { relayToDocument } from "./relay-overrides.ts";
import type { AttackerSpec } from "../attack/kinds.ts";
import type { Fault, Scenario } from "./types.ts";
import { formatDuration as d } from "./units.ts";

export function toScenarioDocument(scenario: Scenario): Record<string, unknown> {
  const document: Record<string, unknown> = {
    name: scenario.name,
    description: scenario.description,
    seed: scenario.seed,
    duration: d(scenario.durationMs),
    topology: topologyToDocument(scenario.topology),
  };
  const relay = relayToDocument(scenario.relay);
  if (Object.keys(relay).length > 0) document.relay = relay;
  document.workload = { editsPerSecond: scenario.workload.editsPerSecond, ops: { ...scenario.workload.ops } };
  document.network = { latency: { base: d(scenario.network.latency.baseMs), jitter: d(scenario.network.latency.jitterMs) } };
  document.faults = scenario.faults.map(faultToDocument);
  document.expect = expectToDocument(scenario.expect);
  if (scenario.attackers && scenario.attackers.length > 0) document.attackers = scenario.attackers.map(attackerToDocument);
  return document;
}

/** The file form as YAML text, for writing regression scenarios a person can read and edit. */
export function toScenarioYaml(scenario: Scenario): string {
  return stringify(toScenarioDocument(scenario), { lineWidth: 0, flowCollectionPadding: true });
}

function attackerToDocument(attacker: AttackerSpec): Record<string, unknown> {
  const attacks = Object.fromEntries(Object.entries(attacker.attacks).filter(([, weight]) => weight > 0));
  const { name, doc, server, role, rate } = attacker;
  return { name, doc, server, role, from: d(attacker.fromMs), for: d(attacker.forMs), rate, attacks };
}

export function faultToDocument(fault: Fault): Record<string, unknown> {
  return { at: d(fault.atMs), [fault.kind]: faultBody(fault) };
}

function faultBody(fault: Fault): Record<string, unknown> {
  switch (fault.kind) {
    case "crash":
    case "stop":
      return { server: fault.server, ...(fault.restartAfterMs === undefined ? {} : { restartAfter: d(fault.restartAfterMs) }) };
    case "redisOutage":
      return { for: d(fault.forMs), ...(fault.shard === undefined ? {} : { shard: fault.shard }) };
    case "redisRestart":
      return fault.shard === undefined ? {} : { shard: fault.shard };
    case "partition":
      return { sides: fault.sides.map((side) => [...side]), for: d(fault.forMs) };
    case "disconnect":
      return { clients: [...fault.clients], for: d(fault.forMs) };
    case "latency":
      return { link: [...fault.link], add: d(fault.addMs), jitter: d(fault.jitterMs), for: d(fault.forMs) };
    case "slowClient":
      return { client: fault.client, for: d(fault.forMs) };
    case "clockSkew":
      return { server: fault.server, offset: d(fault.offsetMs) };
    case "join":
      return { clients: [...fault.clients], ...(fault.doc === undefined ? {} : { doc: fault.doc }), ...(fault.server === undefined ? {} : { server: fault.server }) };
    case "leave":
      return { clients: [...fault.clients] };
    case "redisInject":
      return { replay: fault.replay, forge: fault.forge, for: d(fault.forMs) };
  }
}

function expectToDocument(expect: Scenario["expect"]): Record<string, unknown> {
  const document: Record<string, unknown> = {};
  if (expect.converge) document.converge = { within: d(expect.converge.withinMs) };
  if (expect.noDataLoss !== undefined) document.noDataLoss = expect.noDataLoss;
  if (expect.queueBound !== undefined) document.queueBound = expect.queueBound;
  if (expect.noGhostPresence) document.noGhostPresence = { within: d(expect.noGhostPresence.withinMs) };
  if (expect.noCrash !== undefined) document.noCrash = expect.noCrash;
  if (expect.noInjection !== undefined) document.noInjection = expect.noInjection;
  if (expect.amplification) document.amplification = { max: expect.amplification.max };
  if (expect.honestLatency) document.honestLatency = { p99: d(expect.honestLatency.p99Ms) };
  if (expect.attackersThrottled !== undefined) document.attackersThrottled = expect.attackersThrottled;
  if (expect.presenceComplete) document.presenceComplete = { within: d(expect.presenceComplete.withinMs) };
  if (expect.efficiency) document.efficiency = { factor: expect.efficiency.factor };
  for (const flag of ["snapshots", "rateLimitFair", "routing", "accounting"] as const) {
    if (expect[flag] !== undefined) document[flag] = expect[flag];
  }
  return document;
}

function topologyToDocument(topology: Scenario["topology"]): Record<string, unknown> {
  const { yWebsocketClients, ...rest } = topology;
  if (!yWebsocketClients) return { ...rest };
  return { ...rest, clients: { lfcc: topology.clients - yWebsocketClients, yWebsocket: yWebsocketClients } };
}
