/**
 * Whether the chaos suites can run here. Outside CI a missing redis-server or toxiproxy-server
 * skips them LOUDLY (a warning saying what is missing and how to install it); with CI=true a
 * missing binary fails the suite instead, because CI must always exercise chaos mode.
 */
import { missingServices } from "../../chaos/infra/services.ts";

const missing = missingServices();
export const chaosAvailable = missing.length === 0;
export const mustRunChaos = process.env.CI === "true";

if (!chaosAvailable && !mustRunChaos) {
  console.warn(`\n!!! CHAOS TESTS SKIPPED: ${missing.join("; ")}\n`);
}

export function missingServicesMessage(): string {
  return missing.join("; ");
}
