/**
 * The workload generator: each client edits at `editsPerSecond` with exponential inter-arrival
 * times (a Poisson process), drawing every choice from its own named stream ("workload:c3"), so
 * adding a client or a fault never changes what another client types. Edits go on while the
 * client is disconnected (local-first) and stop at the scenario's durationMs.
 */
import type * as Y from "yjs";
import type { Workload } from "./scenario/types.ts";
import type { SimRandom } from "./random.ts";

type OpName = keyof Workload["ops"];
const ALPHABET = "abcdefghijklmnopqrstuvwxyz ";

/** What an op needs from a client: both the simulated client and chaos/client.ts fit, so both modes draw the same ops. */
export interface WorkloadTarget {
  name: string;
  doc: Y.Doc;
  provider: { setPresence(state: unknown): void };
}

export function applyWorkloadOp(target: WorkloadTarget, weights: Workload["ops"], random: SimRandom): OpName {
  const op = pickOp(weights, random);
  const text = target.doc.getText("text");
  switch (op) {
    case "insertText": {
      const word = Array.from({ length: 1 + random.int(8) }, () => ALPHABET[random.int(ALPHABET.length)]).join("");
      text.insert(random.int(text.length + 1), word);
      break;
    }
    case "deleteText":
      if (text.length > 0) {
        const at = random.int(text.length);
        text.delete(at, Math.min(1 + random.int(4), text.length - at));
      }
      break;
    case "setMap":
      target.doc.getMap("map").set(`k${random.int(16)}`, random.int(1_000_000));
      break;
    case "presence":
      target.provider.setPresence({ cursor: random.int(1000), name: target.name });
      break;
  }
  return op;
}

export function pickOp(weights: Workload["ops"], random: SimRandom): OpName {
  const entries = Object.entries(weights) as Array<[OpName, number]>;
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  let roll = random.next() * total;
  for (const [name, weight] of entries) {
    roll -= weight;
    if (roll < 0) return name;
  }
  return "insertText";
}

/** Delay to the next edit: exponential with mean 1000/editsPerSecond ms, at least 1 ms. */
export function nextEditDelayMs(editsPerSecond: number, random: SimRandom): number {
  return Math.max(1, Math.round(random.exponential(1000 / editsPerSecond)));
}
