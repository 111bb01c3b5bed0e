/**
 * Command-line flags of the benchmarks, one way for all of them: `--kebab-name value` with a
 * default each; a flag whose default is a number must parse as one (a typo fails at once instead
 * of running a minute-long bench with NaN). The result uses camelCase keys (`--pace-ms` -> paceMs).
 */
import { parseArgs } from "node:util";

type Camel<S extends string> = S extends `${infer Head}-${infer Tail}` ? `${Head}${Capitalize<Camel<Tail>>}` : S;

export type BenchFlags<T extends Record<string, string | number>> = {
  [K in keyof T & string as Camel<K>]: T[K] extends number ? number : string;
};

const camel = (name: string) => name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());

export function parseBenchFlags<T extends Record<string, string | number>>(defaults: T, args = process.argv.slice(2)): BenchFlags<T> {
  const options = Object.fromEntries(Object.entries(defaults).map(([name, value]) => [name, { type: "string" as const, default: String(value) }]));
  const { values } = parseArgs({ args, options });
  const parsed: Record<string, string | number> = {};
  for (const [name, fallback] of Object.entries(defaults)) {
    const given = String(values[name]);
    if (typeof fallback === "number" && !Number.isFinite(Number(given))) throw new Error(`--${name} wants a number, got ${JSON.stringify(given)}`);
    parsed[camel(name)] = typeof fallback === "number" ? Number(given) : given;
  }
  return parsed as BenchFlags<T>;
}
