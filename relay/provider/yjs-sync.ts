/**
 * The Yjs side of the provider's sync protocol, as pure functions over a Y.Doc: state vectors and
 * diffs in the base64 form the wire carries (PROTOCOL.md: `payload.update` is base64).
 */
import * as Y from "yjs";
import { fromBase64, toBase64 } from "lib0/buffer";
import { encodeAppliedState } from "./pending-cap.ts";

/** Y.encodeStateAsUpdate of a doc with nothing in it: zero structs, empty delete set. */
const EMPTY_UPDATE_BYTES = 2;

export function encodeBase64(bytes: Uint8Array): string {
  return toBase64(bytes);
}

/** Decodes base64; throws on input that is not a string. */
export function decodeBase64(text: string): Uint8Array {
  return fromBase64(text);
}

export function stateVectorBase64(doc: Y.Doc): string {
  return encodeBase64(Y.encodeStateVector(doc));
}

/**
 * What a peer with `stateVector` lacks (everything when it is absent). The delete set is always
 * included in full, because deletions do not show in state vectors. Pending state (updates we
 * could not apply) is never included: see pending-cap.ts.
 */
export function diffFor(doc: Y.Doc, stateVector?: string): Uint8Array {
  return encodeAppliedState(doc, stateVector === undefined ? undefined : decodeBase64(stateVector));
}

/** True when an update carries neither structs nor deletions (nothing worth sending). */
export function isEmptyUpdate(update: Uint8Array): boolean {
  return update.byteLength <= EMPTY_UPDATE_BYTES;
}
