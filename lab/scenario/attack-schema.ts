/**
 * The file form of the attack additions (SCENARIOS.md v1.1, "Attackers"): `attackers:` entries,
 * the `redisInject` fault body and the attack invariants of `expect`. Kept apart from schema.ts,
 * which only wires them in; cross-references (doc, server, names) are checked by attack-semantics.ts.
 */
import { z } from "zod";
import { ATTACK_KINDS } from "../attack/kinds.ts";
import { durationMs, nodeName, positiveDurationMs, strictMapping, weight } from "./fields.ts";

const attackWeights = strictMapping(
  Object.fromEntries(ATTACK_KINDS.map((kind) => [kind, weight().optional()])) as Record<(typeof ATTACK_KINDS)[number], z.ZodOptional<ReturnType<typeof weight>>>,
  "attack kind",
);

export const attackerSchema = strictMapping({
  name: z.string().regex(/^[A-Za-z][A-Za-z0-9_-]*$/, "expected a name of letters, digits, '_' and '-'").optional(),
  doc: nodeName().default("d1"),
  server: nodeName().default("s1"),
  role: z.enum(["viewer", "editor"], { error: "expected viewer or editor" }).default("viewer"),
  from: durationMs().default(0),
  /** Default: until the end of the run (filled in by attack-semantics.ts, which knows the duration). */
  for: positiveDurationMs().optional(),
  rate: z.number({ error: "expected frames per second (a number above 0)" }).positive("expected frames per second above 0").max(1000, "at most 1000 frames per second").finite(),
  attacks: attackWeights,
});

export type AttackerInput = z.output<typeof attackerSchema>;

export const attackersSchema = z.array(attackerSchema).optional();

export const redisInjectSchema = strictMapping({
  replay: z.boolean().default(true),
  forge: z.boolean().default(false),
  for: positiveDurationMs(),
});

/** `expect` entries of the attack invariants. */
export const attackExpectShape = {
  noCrash: z.boolean().optional(),
  noInjection: z.boolean().optional(),
  amplification: strictMapping({ max: z.number().positive("must be above 0").finite() }).optional(),
  honestLatency: strictMapping({ p99: positiveDurationMs() }).optional(),
  attackersThrottled: z.boolean().optional(),
};
