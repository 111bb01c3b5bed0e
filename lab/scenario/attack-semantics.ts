/**
 * Cross-reference checks of the attack additions: an attacker's doc and server exist, its name is
 * unique (default a1..aN, never a client or server name), its window starts inside the run, and
 * it has at least one attack to send (`editAsViewer` only for a viewer).
 */
import { ATTACK_KINDS, type AttackerSpec } from "../attack/kinds.ts";
import { docNames, listNames, serverNames } from "./names.ts";
import type { ScenarioInput } from "./schema.ts";
import { normalizeTopology, type SemanticIssue } from "./semantics.ts";
import type { Expectations } from "./types.ts";
import { formatDuration } from "./units.ts";

export function resolveAttackers(input: ScenarioInput, issues: SemanticIssue[]): AttackerSpec[] | undefined {
  const entries = input.attackers ?? [];
  if (entries.length === 0) return undefined;
  const topology = normalizeTopology(input.topology);
  const docs = docNames(topology);
  const servers = serverNames(topology);
  const taken = new Set<string>([...servers, ...docs, "redis"]);
  return entries.map((entry, index) => {
    const report = (field: string, message: string) => issues.push({ path: ["attackers", index, field], message });
    const name = entry.name ?? `a${index + 1}`;
    if (taken.has(name) || /^c\d+$/.test(name)) report("name", `"${name}" is already taken (attacker names must differ from clients, servers, docs and other attackers)`);
    taken.add(name);
    if (!docs.includes(entry.doc)) report("doc", `unknown doc "${entry.doc}" (docs: ${listNames(docs)})`);
    if (!servers.includes(entry.server)) report("server", `unknown server "${entry.server}" (servers: ${listNames(servers)})`);
    if (entry.from >= input.duration) {
      report("from", `${formatDuration(entry.from)} is not inside the run (duration: ${formatDuration(input.duration)})`);
    }
    const attacks = Object.fromEntries(ATTACK_KINDS.map((kind) => [kind, entry.attacks[kind] ?? 0])) as AttackerSpec["attacks"];
    if (ATTACK_KINDS.every((kind) => attacks[kind] === 0)) issues.push({ path: ["attackers", index, "attacks"], message: `at least one attack kind needs a weight above 0 (kinds: ${ATTACK_KINDS.join(", ")})` });
    if (attacks.editAsViewer > 0 && entry.role !== "viewer") {
      issues.push({ path: ["attackers", index, "attacks", "editAsViewer"], message: "editAsViewer needs role: viewer (an editor's edits are allowed)" });
    }
    const forMs = entry.for ?? Math.max(1, input.duration - entry.from);
    return { name, doc: entry.doc, server: entry.server, role: entry.role, fromMs: entry.from, forMs, rate: entry.rate, attacks };
  });
}

export function normalizeAttackExpect(expect: ScenarioInput["expect"], into: Expectations): void {
  if (expect.noCrash !== undefined) into.noCrash = expect.noCrash;
  if (expect.noInjection !== undefined) into.noInjection = expect.noInjection;
  if (expect.amplification) into.amplification = { max: expect.amplification.max };
  if (expect.honestLatency) into.honestLatency = { p99Ms: expect.honestLatency.p99 };
  if (expect.attackersThrottled !== undefined) into.attackersThrottled = expect.attackersThrottled;
}
