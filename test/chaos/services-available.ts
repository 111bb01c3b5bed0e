/**
 * Whether the chaos suites can run here. Outside CI a missing redis-server or toxiproxy-server
 * skips them LOUDLY (a warning saying what is missing and how to install it); with CI=true a
 * missing binary fails the suite instead, because CI must always exercise chaos mode.
 */
import { afterAll, beforeAll } from "vitest";
import { acquireServices, missingServices, type ChaosServices } from "../../chaos/infra/services.ts";

const missing = missingServices();
export const chaosAvailable = missing.length === 0;
export const mustRunChaos = process.env.CI === "true";

if (!chaosAvailable && !mustRunChaos) {
  console.warn(`\n!!! CHAOS TESTS SKIPPED: ${missing.join("; ")}\n`);
}

export function missingServicesMessage(): string {
  return missing.join("; ");
}

/**
 * Real chaos services (redis-server, Toxiproxy) for the enclosing `describe`: started before its
 * tests, torn down after them. Call the returned getter inside a test.
 */
export function useChaosServices(): () => ChaosServices {
  let services: ChaosServices | undefined;
  beforeAll(async () => {
    services = await acquireServices({ allowContainers: false });
  });
  afterAll(async () => {
    await services?.teardown();
  });
  return () => services!;
}
