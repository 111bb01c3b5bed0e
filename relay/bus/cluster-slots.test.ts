import { describe, expect, it } from "vitest";
import { evenSlotRanges, fromClusterChannel, hashSlot, ownerOfSlot, toClusterChannel } from "./cluster-slots.ts";

describe("Redis Cluster slots", () => {
  it("hashes like Redis (CLUSTER KEYSLOT), honouring the first non-empty hash tag", () => {
    expect(hashSlot("foo")).toBe(12182);
    expect(hashSlot("123456789")).toBe(0x31c3 % 16384); // the CRC16/XMODEM check value
    expect(hashSlot("{user1000}.following")).toBe(hashSlot("user1000"));
    expect(hashSlot("foo{{bar}}zap")).toBe(hashSlot("{bar")); // the tag ends at the first }
    expect(hashSlot("foo{}{bar}")).not.toBe(hashSlot("bar"));
  });

  it("puts a document's doc and presence channels on one slot, and maps names back", () => {
    expect(toClusterChannel("lfcc:doc:d1")).toBe("lfcc:doc:{d1}");
    expect(hashSlot(toClusterChannel("lfcc:doc:a.b:c"))).toBe(hashSlot(toClusterChannel("lfcc:presence:a.b:c")));
    for (const name of ["lfcc:doc:x-1", "lfcc:presence:x-1", "lfcc:server:s1", "other"]) {
      expect(fromClusterChannel(toClusterChannel(name))).toBe(name);
    }
  });

  it("splits slots over N masters as redis-cli --cluster create does, every slot owned once", () => {
    expect(evenSlotRanges(3)).toEqual([[0, 5460], [5461, 10922], [10923, 16383]]);
    for (const n of [1, 2, 5, 7]) {
      const shards = evenSlotRanges(n).map((range) => ({ slots: [range] }));
      for (const slot of [0, 1, 5460, 8191, 16383]) expect(ownerOfSlot(shards, slot)).toBeGreaterThanOrEqual(0);
      expect(shards.at(-1)!.slots[0]![1]).toBe(16383);
    }
  });
});
