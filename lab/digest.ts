/**
 * Replica digests: equal digests <=> same Yjs content. Built from the state vector plus the
 * delete set (Y.snapshot), both encoded in sorted order, so two replicas that hold the same items
 * and deletions digest equally however their structs happen to be split or merged. Updates still
 * pending (missing dependencies) are not content, and are left out, as the final check of the
 * converge invariant (Y.snapshot) leaves them out: a hostile editor's update that can never
 * integrate stays pending in the replicas that happened to receive it (docs/HOSTILE-INPUT.md), and
 * hashing it made converge fail by the samples a run whose final replicas agreed (the attack
 * fuzzer found it). A pending update whose dependency was lost still shows: the replica lacks
 * that dependency's content.
 */
import { createHash } from "node:crypto";
import * as Y from "yjs";

export function replicaDigest(doc: Y.Doc): string {
  return createHash("sha256").update(Y.encodeSnapshot(Y.snapshot(doc))).digest("hex").slice(0, 16);
}
