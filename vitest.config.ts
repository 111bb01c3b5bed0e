import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["**/*.test.ts"],
    exclude: ["node_modules/**", "dist/**"],
    // Integration and chaos suites start real processes; give them room but keep CI bounded.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores: running files in parallel is fine, but chaos suites share real services.
    pool: "forks",
  },
});
