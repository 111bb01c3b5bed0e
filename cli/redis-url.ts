/**
 * `--redis URL` / REDIS_URL checked before anything starts (CLI.md v1.1: a malformed URL is a
 * usage error, exit 2). Without this, ioredis reads "localhost:6379" as a Unix socket path or a
 * port and retries it forever without a word. Only the shape is checked here: whether the server
 * answers is the relay's business (it warns and keeps retrying).
 */
import { UsageError } from "./usage-error.ts";

const SCHEMES = ["redis:", "rediss:"];

export function checkedRedisUrl(text: string, source: string): string {
  const expected = `${source} expects redis://[user:password@]host[:port][/db] or rediss://...`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`${expected}, got "${redacted(text)}"`);
  }
  if (!SCHEMES.includes(url.protocol)) {
    const hint = /^[\w.-]+:\d+$/.test(text) ? ` (did you mean redis://${text}?)` : "";
    throw new UsageError(`${expected}, got "${redacted(text)}"${hint}`);
  }
  if (url.hostname === "") throw new UsageError(`${expected}: "${redacted(text)}" names no host`);
  if (url.pathname !== "" && url.pathname !== "/" && !/^\/\d+$/.test(url.pathname)) {
    throw new UsageError(`${expected}: the path must be a database number, got "${url.pathname}"`);
  }
  return text;
}

/** A password has no place in an error message (it lands in logs and CI output). */
function redacted(text: string): string {
  return text.replace(/\/\/([^@/]*)@/, "//***@");
}
