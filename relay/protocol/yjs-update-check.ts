/**
 * Is this a decodable Yjs v1 update? (PROTOCOL.md section 8: an undecodable `update` is
 * BAD_MESSAGE and never routed.) The relay holds no document, so it cannot apply updates; instead
 * this walks the v1 binary layout exactly as Yjs's reader does (yjs/src/utils/encoding.js:
 * readClientsStructRefs, readDeleteSet; content readers in yjs/src/structs/*) without building
 * anything: no Item objects, no strings decoded, no allocation. Every read is bounds-checked, and
 * nested `Any` values are skipped with an explicit stack bounded by MAX_ANY_DEPTH, because lib0's
 * own readAny recurses and a hostile update nested a few hundred thousand levels deep would
 * overflow the stack of every client that tried to read it.
 *
 * Accepted means: Yjs's decoder reads the structs and the delete set without throwing. It does
 * not mean the update is useful (its dependencies may never arrive); clients defend themselves
 * against that (provider pending-state cap, docs/HOSTILE-INPUT.md).
 */

import { isUtf8 } from "node:buffer";

/** Nesting of Any values (arrays/objects inside ContentAny / ContentDoc options). */
export const MAX_ANY_DEPTH = 64;

class Truncated extends Error {}

/** A bounds-checked cursor over the update bytes. */
class Reader {
  pos = 0;
  constructor(private readonly bytes: Uint8Array) {}

  byte(): number {
    if (this.pos >= this.bytes.length) throw new Truncated();
    return this.bytes[this.pos++]!;
  }

  peek(): number {
    if (this.pos >= this.bytes.length) throw new Truncated();
    return this.bytes[this.pos]!;
  }

  /** lib0 varUint; at most 53 bits like lib0 (more throws there too). */
  varUint(): number {
    let num = 0;
    let mult = 1;
    for (let i = 0; i < 8; i++) {
      const r = this.byte();
      num += (r & 0x7f) * mult;
      if (r < 0x80) return num;
      mult *= 128;
    }
    throw new Truncated();
  }

  /** lib0 varInt (sign bit in the first byte): skipped, value unused. */
  skipVarInt(): void {
    let r = this.byte();
    for (let i = 0; r & 0x80; i++) {
      if (i >= 8) throw new Truncated();
      r = this.byte();
    }
  }

  skip(count: number): void {
    if (count > this.bytes.length - this.pos) throw new Truncated();
    this.pos += count;
  }

  /** A varUint length then that many bytes (lib0 varString / varUint8Array). */
  skipVarBytes(): void {
    this.skip(this.varUint());
  }

  /** A varString: Yjs decodes it with a fatal UTF-8 decoder, so bad UTF-8 throws there. */
  skipString(): void {
    const length = this.varUint();
    const start = this.pos;
    this.skip(length);
    if (!isAscii(this.bytes, start, start + length) && !isUtf8(this.bytes.subarray(start, start + length))) throw new Truncated();
  }

  /** A varString that Yjs passes to JSON.parse (ContentJSON / ContentEmbed / ContentFormat). */
  json(): void {
    const length = this.varUint();
    const start = this.pos;
    this.skip(length);
    const text = new TextDecoder("utf-8", { fatal: true }).decode(this.bytes.subarray(start, start + length));
    if (text !== "undefined") JSON.parse(text);
  }
}

/** Short ASCII strings (most keys and keystrokes) need no native call. */
function isAscii(bytes: Uint8Array, start: number, end: number): boolean {
  if (end - start > 64) return false; // let isUtf8 do long ones
  for (let i = start; i < end; i++) if (bytes[i]! >= 0x80) return false;
  return true;
}

const ANY_OBJECT = 118;
const BIT6 = 0x20;
const BIT7 = 0x40;
const BIT8 = 0x80;

/** True when `bytes` is a Yjs v1 update that Yjs can decode. Never throws. */
export function isDecodableYjsUpdate(bytes: Uint8Array): boolean {
  try {
    const reader = new Reader(bytes);
    readStructs(reader);
    readDeleteSet(reader);
    return true;
  } catch {
    return false;
  }
}

/** True when `bytes` is a decodable Yjs state vector (readStateVector). Never throws. */
export function isDecodableStateVector(bytes: Uint8Array): boolean {
  try {
    const reader = new Reader(bytes);
    const clients = reader.varUint();
    for (let i = 0; i < clients; i++) {
      reader.varUint();
      reader.varUint();
    }
    return true;
  } catch {
    return false;
  }
}

function readStructs(reader: Reader): void {
  const groups = reader.varUint();
  for (let g = 0; g < groups; g++) {
    const structs = reader.varUint();
    reader.varUint(); // client
    reader.varUint(); // clock
    for (let s = 0; s < structs; s++) readStruct(reader);
  }
}

function readStruct(reader: Reader): void {
  const info = reader.byte();
  const contentRef = info & 0x1f;
  // Yjs has two struct readers that disagree here: readClientsStructRefs (applyUpdate) takes any
  // info with content ref 10 as Skip, the lazy reader (decodeUpdate, mergeUpdates) only info 10
  // itself. Accept what both read: GC (ref 0) and info exactly 10.
  if (contentRef === 0 || info === 10) {
    reader.varUint(); // GC or Skip: a length
    return;
  }
  if (contentRef >= 10) throw new Truncated(); // no content reader for it
  const canCopyParentInfo = (info & (BIT7 | BIT8)) !== 0;
  if (info & BIT8) skipId(reader); // origin
  if (info & BIT7) skipId(reader); // right origin
  if (!canCopyParentInfo) {
    if (reader.varUint() === 1) reader.skipString(); // parent is a root type by name
    else skipId(reader); // parent is an item
    if (info & BIT6) reader.skipString(); // parentSub
  }
  readContent(reader, contentRef);
}

function skipId(reader: Reader): void {
  reader.varUint();
  reader.varUint();
}

/** Type refs that Yjs can read: YArray..YXmlText; XmlElement (3) and XmlHook (5) carry a name. */
const MAX_TYPE_REF = 6;

function readContent(reader: Reader, contentRef: number): void {
  switch (contentRef) {
    case 1: // ContentDeleted
      reader.varUint();
      return;
    case 2: {
      // ContentJSON
      const count = reader.varUint();
      for (let i = 0; i < count; i++) reader.json();
      return;
    }
    case 3: // ContentBinary
      reader.skipVarBytes();
      return;
    case 4: // ContentString
      reader.skipString();
      return;
    case 5: // ContentEmbed
      reader.json();
      return;
    case 6: // ContentFormat
      reader.skipString();
      reader.json();
      return;
    case 7: {
      // ContentType
      const typeRef = reader.varUint();
      if (typeRef > MAX_TYPE_REF) throw new Truncated();
      if (typeRef === 3 || typeRef === 5) reader.skipString();
      return;
    }
    case 8: {
      // ContentAny
      const count = reader.varUint();
      for (let i = 0; i < count; i++) skipAny(reader);
      return;
    }
    case 9: // ContentDoc: guid, then options as Any; Yjs reads `opts.shouldLoad`, so null or
      // undefined throws there: only the object Yjs writes is accepted.
      reader.skipString();
      if (reader.peek() !== ANY_OBJECT) throw new Truncated();
      skipAny(reader);
      return;
  }
}

/**
 * Skips one lib0 `Any` value without recursion. The stack holds, per open container, how many
 * values remain and whether each is preceded by a key (objects).
 */
function skipAny(reader: Reader): void {
  const remaining: number[] = [1];
  const keyed: boolean[] = [false];
  while (remaining.length > 0) {
    const top = remaining.length - 1;
    if (remaining[top] === 0) {
      remaining.pop();
      keyed.pop();
      continue;
    }
    remaining[top]!--;
    if (keyed[top]) reader.skipString();
    const container = skipAnyScalar(reader);
    if (container === null) continue;
    if (remaining.length > MAX_ANY_DEPTH) throw new Truncated();
    remaining.push(container.count);
    keyed.push(container.keyed);
  }
}

/** Reads one Any tag and its scalar body; for an array/object returns its size instead. */
function skipAnyScalar(reader: Reader): { count: number; keyed: boolean } | null {
  const tag = reader.byte();
  switch (tag) {
    case 127: // undefined
    case 126: // null
    case 121: // false
    case 120: // true
      return null;
    case 125: // integer
      reader.skipVarInt();
      return null;
    case 124: // float32
      reader.skip(4);
      return null;
    case 123: // float64
    case 122: // bigint64
      reader.skip(8);
      return null;
    case 119: // string
      reader.skipString();
      return null;
    case 116: // Uint8Array
      reader.skipVarBytes();
      return null;
    case 118: // object
      return { count: reader.varUint(), keyed: true };
    case 117: // array
      return { count: reader.varUint(), keyed: false };
    default:
      throw new Truncated(); // lib0 has no reader for this tag
  }
}

function readDeleteSet(reader: Reader): void {
  const clients = reader.varUint();
  for (let c = 0; c < clients; c++) {
    reader.varUint(); // client
    const deletes = reader.varUint();
    for (let d = 0; d < deletes; d++) {
      reader.varUint(); // clock
      reader.varUint(); // length
    }
  }
}
