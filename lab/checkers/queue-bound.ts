/**
 * queueBound: the outage queue of every server stayed within its bound, in messages AND bytes, at
 * every sample (the relay samples at every enqueue and drain, so a peak cannot slip between two
 * samples). A failure names the server, the time, the depth and the bound of the first breach.
 */
import type { Observations, QueueSample } from "../observations.ts";
import type { InvariantResult } from "../record.ts";
import { formatMs, listSome } from "./format.ts";

export function checkQueueBound(obs: Observations): InvariantResult {
  const firstBreachPerServer = new Map<string, QueueSample>();
  let breaches = 0;
  for (const sample of [...obs.queueSamples].sort((a, b) => a.tMs - b.tMs)) {
    if (sample.depthMessages <= sample.maxMessages && sample.depthBytes <= sample.maxBytes) continue;
    breaches++;
    if (!firstBreachPerServer.has(sample.server)) firstBreachPerServer.set(sample.server, sample);
  }
  if (breaches === 0) return { name: "queueBound", passed: true, detail: describePeak(obs.queueSamples) };
  const parts = [...firstBreachPerServer.values()].map(describeBreach);
  return { name: "queueBound", passed: false, detail: `${breaches} samples over the bound: ${listSome(parts, 4)}` };
}

function describeBreach(s: QueueSample): string {
  return `${s.server} at ${formatMs(s.tMs)} held ${s.depthMessages} messages / ${s.depthBytes} bytes (bound ${s.maxMessages} / ${s.maxBytes})`;
}

function describePeak(samples: readonly QueueSample[]): string {
  if (samples.length === 0) return "no outage queue was used";
  const peak = samples.reduce((a, b) => (b.depthMessages > a.depthMessages ? b : a));
  return `peak ${peak.depthMessages}/${peak.maxMessages} messages on ${peak.server} at ${formatMs(peak.tMs)}`;
}
