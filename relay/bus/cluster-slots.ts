/**
 * Redis Cluster key slots and the channel names this relay uses on a cluster.
 *
 * Why here and not in an adapter: the sharded bus (relay/bus/sharded-bus.ts) routes every channel
 * to the master that owns its slot, and the simulator's virtual shards own slot ranges computed the
 * same way, so both must agree with Redis bit for bit (CRC16/XMODEM of the hash tag, mod 16384).
 */

export const SLOT_COUNT = 16384;

/** CRC16-CCITT (XMODEM), the checksum Redis Cluster uses (cluster spec, "Keys distribution model"). */
const CRC16_TABLE = (() => {
  const table = new Uint16Array(256);
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    table[byte] = crc;
  }
  return table;
})();

export function crc16(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) crc = ((crc << 8) & 0xffff) ^ CRC16_TABLE[((crc >> 8) ^ byte) & 0xff]!;
  return crc;
}

/** The slot of a key or channel: only the first non-empty `{...}` counts when there is one. */
export function hashSlot(key: string): number {
  const open = key.indexOf("{");
  if (open >= 0) {
    const close = key.indexOf("}", open + 1);
    if (close > open + 1) key = key.slice(open + 1, close);
  }
  return crc16(Buffer.from(key, "utf8")) % SLOT_COUNT;
}

/**
 * Relay channel -> cluster channel: `lfcc:doc:d1` -> `lfcc:doc:{d1}`, so the doc and presence
 * channels of one document share a slot (one shard carries all of a document's traffic), and a
 * server channel hashes on its server id. Single-Redis mode keeps the PROTOCOL.md section 6 names
 * unchanged; only the cluster bus translates. Doc and server ids never contain braces
 * (DOC_ID_PATTERN), so the mapping is reversible.
 */
const RELAY_CHANNEL = /^(lfcc:(?:doc|presence|server):)([^{}]+)$/;

export function toClusterChannel(channel: string): string {
  const match = RELAY_CHANNEL.exec(channel);
  return match ? `${match[1]}{${match[2]}}` : channel;
}

const CLUSTER_CHANNEL = /^(lfcc:(?:doc|presence|server):)\{([^{}]+)\}$/;

export function fromClusterChannel(channel: string): string {
  const match = CLUSTER_CHANNEL.exec(channel);
  return match ? `${match[1]}${match[2]}` : channel;
}

/** Which of `shards` owns `slot` (ranges are inclusive, as CLUSTER SLOTS reports them); -1 if none. */
export function ownerOfSlot(shards: ReadonlyArray<{ slots: ReadonlyArray<readonly [number, number]> }>, slot: number): number {
  return shards.findIndex((shard) => shard.slots.some(([from, to]) => slot >= from && slot <= to));
}

/** N masters with contiguous, nearly equal ranges, split as `redis-cli --cluster create` splits them. */
export function evenSlotRanges(count: number): Array<[number, number]> {
  const perNode = SLOT_COUNT / count;
  const ranges: Array<[number, number]> = [];
  let first = 0;
  for (let i = 0; i < count; i++) {
    const last = i === count - 1 ? SLOT_COUNT - 1 : Math.min(SLOT_COUNT - 1, Math.round(i * perNode + perNode - 1));
    ranges.push([first, last]);
    first = last + 1;
  }
  return ranges;
}
