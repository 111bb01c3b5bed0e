import { describe, expect, it } from "vitest";
import { parseSeedFlags } from "../../cli/seeds.ts";

describe("--seed / --seeds", () => {
  it("default is the file's seed (undefined), --seed one, --seeds an inclusive range", () => {
    expect(parseSeedFlags({})).toBeUndefined();
    expect(parseSeedFlags({ seed: "7" })).toEqual([7]);
    expect(parseSeedFlags({ seeds: "3..6" })).toEqual([3, 4, 5, 6]);
    expect(parseSeedFlags({ seeds: "0..0" })).toEqual([0]);
  });
  it("--seeds K is a count: seeds 1..K (CLI.md v1.1, the same in every command)", () => {
    expect(parseSeedFlags({ seeds: "3" })).toEqual([1, 2, 3]);
    expect(parseSeedFlags({ seeds: " 1 " })).toEqual([1]);
  });
  it.each([
    [{ seed: "x" }, /--seed expects a non-negative integer, got "x"/],
    [{ seed: "-1" }, /--seed expects a non-negative integer/],
    [{ seeds: "1-3" }, /--seeds expects a range A..B like 1..10, or a count K \(= 1..K\), got "1-3"/],
    [{ seeds: "0" }, /--seeds 0: a count must be at least 1/],
    [{ seeds: "3..1" }, /the range is empty \(3 > 1\)/],
    [{ seed: "1", seeds: "1..2" }, /either --seed or --seeds, not both/],
  ])("%j is bad usage", (flags, message) => {
    expect(() => parseSeedFlags(flags)).toThrow(message);
  });
});
