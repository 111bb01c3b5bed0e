/** Ids of servers and clients (the design doc's generateServerId / generateClientId). */
import { cryptoRandom, systemClock } from "./adapters/system.ts";
import type { Clock, Random } from "./ports.ts";

/** `server-<ms>-<hex>`: sortable by start time, unique by the random part (a restart gets a new id). */
export function generateServerId(random: Random = cryptoRandom, clock: Clock = systemClock): string {
  return `server-${clock.now()}-${random.uint32().toString(16).padStart(8, "0")}`;
}

export function generateClientId(random: Random = cryptoRandom): string {
  return random.id("c");
}
