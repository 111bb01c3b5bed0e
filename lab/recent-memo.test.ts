import { describe, expect, it } from "vitest";
import { RecentMemo } from "./recent-memo.ts";

describe("RecentMemo", () => {
  it("computes each of the last N texts once, and again once evicted", () => {
    const calls: string[] = [];
    const memo = new RecentMemo<number>(2);
    const length = (text: string) => {
      calls.push(text);
      return text.length;
    };
    const a = "a".repeat(10);
    const b = "b".repeat(10);
    const c = "c".repeat(3);
    expect([memo.get(a, length), memo.get(b, length), memo.get(a, length), memo.get(b, length)]).toEqual([10, 10, 10, 10]);
    expect(calls).toEqual([a, b]);
    expect(memo.get(c, length)).toBe(3); // evicts a, the oldest
    expect(memo.get(b, length)).toBe(10);
    expect(memo.get(a, length)).toBe(10);
    expect(calls).toEqual([a, b, c, a]);
  });

  it("matches equal strings that are different objects, never different strings of one length", () => {
    const memo = new RecentMemo<string>(4);
    const first = ["x", "y"].join("-");
    expect(memo.get(first, (text) => `parsed ${text}`)).toBe("parsed x-y");
    expect(memo.get(["x", "y"].join("-"), () => "recomputed")).toBe("parsed x-y");
    expect(memo.get("x-z", (text) => `parsed ${text}`)).toBe("parsed x-z");
  });
});
