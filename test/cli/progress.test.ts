import { describe, expect, it } from "vitest";
import { createProgress } from "../../cli/progress.ts";

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  const stream = { isTTY, columns: 30, write: (text: string) => writes.push(text) > 0 } as unknown as NodeJS.WriteStream;
  return { stream, writes };
}

describe("progress line", () => {
  it("rewrites one line on a terminal, truncated to its width, and clears it when done", () => {
    const { stream, writes } = fakeStream(true);
    const progress = createProgress({ stream, minIntervalMs: 0 });
    progress.update("[1/2] server-crash seed 1");
    progress.update("[2/2] a-very-long-scenario-name seed 12345");
    progress.done();
    expect(writes).toEqual(["\r\x1b[K[1/2] server-crash seed 1", "\r\x1b[K[2/2] a-very-long-scenario-n…", "\r\x1b[K"]);
  });

  it("stays silent when stdout is not a terminal or output is --json", () => {
    const piped = fakeStream(false);
    createProgress({ stream: piped.stream }).update("x");
    const json = fakeStream(true);
    createProgress({ stream: json.stream, quiet: true }).update("x");
    expect([...piped.writes, ...json.writes]).toEqual([]);
  });
});
