/**
 * One workload operation on a chaos client's doc. Kept apart so it can be swapped for the
 * simulator's own op generator (sim/workload.ts) once both agree on its shape.
 */
import type { Workload } from "../lab/scenario/types.ts";
import type { SimRandom } from "../sim/kernel/random.ts";
import type { ChaosClient } from "./client.ts";

type OpName = keyof Workload["ops"];
const ALPHABET = "abcdefghijklmnopqrstuvwxyz ";

export function applyWorkloadOp(client: ChaosClient, weights: Workload["ops"], random: SimRandom): void {
  const op = pickOp(weights, random);
  const text = client.doc.getText("text");
  switch (op) {
    case "insertText": {
      const word = Array.from({ length: 1 + random.int(8) }, () => ALPHABET[random.int(ALPHABET.length)]).join("");
      text.insert(random.int(text.length + 1), word);
      return;
    }
    case "deleteText":
      if (text.length > 0) {
        const at = random.int(text.length);
        text.delete(at, Math.min(1 + random.int(4), text.length - at));
      }
      return;
    case "setMap":
      client.doc.getMap("map").set(`k${random.int(16)}`, random.int(1_000_000));
      return;
    case "presence":
      client.provider.setPresence({ cursor: random.int(1000), name: client.name });
      return;
  }
}

function pickOp(weights: Workload["ops"], random: SimRandom): OpName {
  const entries = Object.entries(weights) as Array<[OpName, number]>;
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  let roll = random.next() * total;
  for (const [name, weight] of entries) {
    roll -= weight;
    if (roll < 0) return name;
  }
  return "insertText";
}
