/**
 * Replica digests: equal digests <=> same Yjs content. Built from the state vector plus the
 * delete set (Y.snapshot), both encoded in sorted order, so two replicas that hold the same items
 * and deletions digest equally however their structs happen to be split or merged. Updates still
 * pending (missing dependencies) are not content yet, but they make the replica differ: they are
 * hashed too.
 */
import { createHash } from "node:crypto";
import * as Y from "yjs";

export function replicaDigest(doc: Y.Doc): string {
  const hash = createHash("sha256").update(Y.encodeSnapshot(Y.snapshot(doc)));
  const pending = doc.store.pendingStructs;
  if (pending) hash.update(pending.update);
  if (doc.store.pendingDs) hash.update(doc.store.pendingDs);
  return hash.digest("hex").slice(0, 16);
}
