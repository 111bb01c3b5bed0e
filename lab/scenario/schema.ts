/**
 * The zod schema of a scenario file (shared/SCENARIOS.md), in file form. It checks shapes, types
 * and units and converts durations/sizes; cross-references (does server s9 exist? is the fault
 * inside the run?) are checked afterwards by semantics.ts, which needs the whole document.
 */
import { z } from "zod";
import { SCENARIO_DEFAULTS as D } from "./defaults.ts";
import { count, durationMs, nodeName, positiveDurationMs, signedDurationMs, strictMapping, weight } from "./fields.ts";
import { relaySchema } from "./relay-overrides.ts";
import { attackersSchema, attackExpectShape, redisInjectSchema } from "./attack-schema.ts";

const restartable = strictMapping({ server: nodeName(), restartAfter: positiveDurationMs().optional() });
const clientList = z.union([nodeName().transform((name) => [name]), z.array(nodeName()).min(1)], {
  error: "expected a client name or a list of client names",
});

/** One mapping per fault kind: the value of `crash:`, `partition:`, ... */
export const FAULT_BODIES = {
  crash: restartable,
  stop: restartable,
  redisOutage: strictMapping({ for: positiveDurationMs(), shard: nodeName().optional() }),
  // `redisRestart:` with nothing after it is null in YAML; `{}` is fine too.
  redisRestart: z.preprocess((value) => value ?? {}, strictMapping({ shard: nodeName().optional() })),
  partition: strictMapping({
    sides: z.array(z.array(nodeName()).min(1, "a side needs at least one node")).min(2, "expected at least two sides"),
    for: positiveDurationMs(),
  }),
  disconnect: strictMapping({ clients: clientList, for: positiveDurationMs() }),
  latency: strictMapping({
    link: z.tuple([nodeName(), nodeName()], { error: "expected a link of two nodes, like [s1, redis]" }),
    add: durationMs(),
    jitter: durationMs().default(D.latencyFaultJitterMs),
    for: positiveDurationMs(),
  }),
  slowClient: strictMapping({ client: nodeName(), for: positiveDurationMs() }),
  clockSkew: strictMapping({ server: nodeName(), offset: signedDurationMs() }),
  join: strictMapping({
    clients: z.union([count(1), z.array(nodeName()).min(1)], { error: "expected a count or a list of client names" }),
    doc: nodeName().optional(),
    server: nodeName().optional(),
  }),
  leave: strictMapping({
    clients: z.union([count(1), z.array(nodeName()).min(1)], { error: "expected a count or a list of client names" }),
  }),
  redisInject: redisInjectSchema,
};

export type FaultKindName = keyof typeof FAULT_BODIES;
export const FAULT_KINDS = Object.keys(FAULT_BODIES) as FaultKindName[];

const faultShape = {
  at: durationMs(),
  ...Object.fromEntries(FAULT_KINDS.map((kind) => [kind, FAULT_BODIES[kind].optional()])),
} as { at: ReturnType<typeof durationMs> } & { [K in FaultKindName]: z.ZodOptional<(typeof FAULT_BODIES)[K]> };

/** Exactly one kind per fault; checked on the raw mapping so an unknown kind is reported alone. */
function checkOneKind(value: unknown, ctx: z.RefinementCtx): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
  const keys = Object.keys(value).filter((key) => key !== "at");
  const kinds = keys.filter((key): key is FaultKindName => key in FAULT_BODIES);
  if (keys.length === 0) ctx.addIssue({ code: "custom", message: `a fault needs a kind (kinds: ${FAULT_KINDS.join(", ")})` });
  if (kinds.length > 1) {
    ctx.addIssue({ code: "custom", path: [kinds[1]!], message: `a fault has exactly one kind, found ${kinds.join(" and ")}` });
  }
  return value;
}

const faultSchema = z.preprocess(checkOneKind, strictMapping(faultShape, "fault kind", FAULT_KINDS));

export type FaultInput = z.output<typeof faultSchema>;

const withinOrFlag = (defaultWithinMs: number) =>
  z.preprocess(
    (value) => (value === true ? {} : value === false ? undefined : value),
    strictMapping({ within: positiveDurationMs().default(defaultWithinMs) }).optional(),
  );

export const scenarioSchema = strictMapping({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "expected a name of letters, digits, '.', '_' and '-' (it names output files)"),
  description: z.string().default(D.description),
  seed: z.number().int().min(0).default(D.seed),
  duration: positiveDurationMs(),
  topology: strictMapping({
    servers: count(1),
    docs: count(1).default(D.docs),
    // A count (all LfccProvider clients), or client kinds: `{ lfcc: 6, yWebsocket: 3 }` (docs/SCENARIOS-REFERENCE.md).
    clients: z.union([count(0), strictMapping({ lfcc: count(0).default(0), yWebsocket: count(0).default(0) }, "client kind")], {
      error: "expected a count or client kinds { lfcc: N, yWebsocket: M }",
    }),
    redisShards: count(1).optional(),
    loadBalancer: z.enum(["nginx"]).optional(),
  }),
  relay: relaySchema.default({}),
  workload: strictMapping({
    editsPerSecond: z.number().min(0).finite().default(D.editsPerSecond),
    ops: strictMapping({
      insertText: weight().optional(),
      deleteText: weight().optional(),
      setMap: weight().optional(),
      presence: weight().optional(),
    }, "operation").optional(),
  }).default({ editsPerSecond: D.editsPerSecond }),
  network: strictMapping({
    latency: strictMapping({ base: durationMs().optional(), jitter: durationMs().optional() }).optional(),
  }).default({}),
  faults: z.array(faultSchema),
  attackers: attackersSchema,
  expect: strictMapping({
    converge: withinOrFlag(D.convergeWithinMs),
    noDataLoss: z.boolean().optional(),
    queueBound: z.boolean().optional(),
    noGhostPresence: withinOrFlag(D.noGhostPresenceWithinMs),
    ...attackExpectShape,
    presenceComplete: withinOrFlag(D.presenceCompleteWithinMs),
    efficiency: z.preprocess(
      (value) => (value === true ? {} : value === false ? undefined : value),
      strictMapping({ factor: z.number().min(1).finite().default(D.efficiencyFactor) }).optional(),
    ),
    snapshots: z.boolean().optional(),
    rateLimitFair: z.boolean().optional(),
    routing: z.boolean().optional(),
    accounting: z.boolean().optional(),
  }, "invariant"),
}, "key");

export type ScenarioInput = z.output<typeof scenarioSchema>;
