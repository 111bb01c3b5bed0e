// ESLint flat config. Its one job beyond hygiene: enforce determinism. Code that runs inside the
// simulator (relay/, sim/, lab/) may reach time, randomness, timers and I/O only through the
// ports in relay/ports.ts; the real implementations live in relay/adapters/ and relay/server/,
// which the simulator never loads. A violation fails `npm run lint`, which CI runs.
import tseslint from "typescript-eslint";

const SIM_CODE = ["relay/**/*.ts", "sim/**/*.ts", "lab/**/*.ts"];
const REAL_ADAPTERS = [
  "relay/adapters/**",
  "relay/server/**",
  // The simulator's one door to the host event loop (drains promise chains between events).
  "sim/kernel/host.ts",
  "**/*.test.ts",
];

const IO_MODULES = ["fs", "fs/promises", "net", "tls", "http", "https", "dgram", "child_process", "worker_threads",
  "ioredis", "ws", "pino", "prom-client", "timers", "timers/promises", "perf_hooks"];
const why = "breaks determinism in the simulator: go through a port (relay/ports.ts)";

const IO_IMPORTS = [
  ...IO_MODULES.flatMap((name) => [name, `node:${name}`].map((n) => ({ name: n, message: `real I/O or time: ${why}` }))),
  ...["crypto", "node:crypto"].map((name) => ({
    name,
    importNames: ["randomBytes", "randomUUID", "randomInt", "getRandomValues", "webcrypto", "randomFillSync"],
    message: `crypto randomness ${why}`,
  })),
];
// Simulated code must not depend on the real-infrastructure layers.
const LAB_LAYERS = { group: ["**/chaos/**", "**/cli/**", "**/reports/**"], message: "simulated code must not load real-infrastructure layers" };
// The production relay never knows a lab exists (ARCHITECTURE.md: every arrow points at the ports).
// Chaos runs the same scenarios on real infrastructure; what it shares with the simulator lives in lab/.
const CHAOS_NOT_SIM = { group: ["**/sim/**"], message: "chaos/ must not import the simulator: move what both modes share into lab/" };
const RELAY_OUTWARD = { group: ["**/sim/**", "**/chaos/**", "**/lab/**", "**/cli/**", "**/reports/**"], message: "relay/ must not import the lab" };

export default tseslint.config(
  { ignores: ["node_modules/**", "dist/**", "out/**", "lfcc-out/**", "**/*.js", "!eslint.config.js"] },
  {
    files: ["**/*.ts"],
    languageOptions: { parser: tseslint.parser },
    plugins: { "@typescript-eslint": tseslint.plugin },
    rules: {},
  },
  {
    files: SIM_CODE,
    ignores: REAL_ADAPTERS,
    rules: {
      "no-restricted-globals": [
        "error",
        ...["setTimeout", "setInterval", "setImmediate", "clearTimeout", "clearInterval", "clearImmediate", "performance", "fetch"].map(
          (name) => ({ name, message: `${name} ${why}` }),
        ),
      ],
      "no-restricted-properties": [
        "error",
        { object: "Date", property: "now", message: `Date.now ${why}` },
        { object: "Math", property: "random", message: `Math.random ${why}` },
        { object: "process", property: "nextTick", message: `process.nextTick ${why}` },
        { object: "process", property: "hrtime", message: `process.hrtime ${why}` },
        { object: "crypto", property: "randomUUID", message: `crypto.randomUUID ${why}` },
        { object: "crypto", property: "randomBytes", message: `crypto.randomBytes ${why}` },
        { object: "crypto", property: "getRandomValues", message: `crypto.getRandomValues ${why}` },
        { object: "globalThis", property: "setTimeout", message: `setTimeout ${why}` },
        { object: "performance", property: "now", message: `performance.now ${why}` },
      ],
      "no-restricted-syntax": [
        "error",
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: `new Date() ${why}` },
        { selector: "CallExpression[callee.name='Date']", message: `Date() ${why}` },
      ],
      "no-restricted-imports": ["error", { paths: IO_IMPORTS, patterns: [LAB_LAYERS] }],
    },
  },
  {
    // The production relay never knows a simulator exists (ARCHITECTURE.md: arrows point at the ports).
    files: ["relay/**/*.ts"],
    ignores: REAL_ADAPTERS,
    rules: {
      "no-restricted-imports": [
        "error",
        { paths: IO_IMPORTS, patterns: [RELAY_OUTWARD] },
      ],
    },
  },
  {
    files: ["chaos/**/*.ts"],
    ignores: ["**/*.test.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [CHAOS_NOT_SIM] }] },
  },
  {
    files: ["relay/adapters/**/*.ts", "relay/server/**/*.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [RELAY_OUTWARD] }] },
  },
);
