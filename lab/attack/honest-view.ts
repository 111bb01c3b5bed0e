/**
 * Honest-client invariants ignore attackers (SCENARIOS.md v1.1): the observations as the honest
 * clients' checkers see them, with every attacker connection taken out of what the routing monitor
 * reports per connection (rate-limit judgements, snapshot requests, routing violations at it).
 */
import type { Observations } from "../observations.ts";

export function honestView(obs: Observations): Observations {
  const attack = obs.attack;
  const monitor = obs.monitor;
  if (!attack || !monitor) return obs;
  const attackers = new Set(attack.sessions.map((s) => s.senderId));
  const violations = monitor.routing.violations.filter((v) => !attackers.has(v.receiver));
  const removed = monitor.routing.violations.length - violations.length;
  return {
    ...obs,
    monitor: {
      ...monitor,
      rateLimit: monitor.rateLimit.filter((r) => !attackers.has(r.senderId)),
      snapshots: monitor.snapshots.filter((s) => !attackers.has(s.requester)),
      routing: { ...monitor.routing, violations, violationCount: monitor.routing.violationCount - removed },
    },
  };
}
