/**
 * Yjs clientID -> scenario client name, learned from the edits themselves (each edit's structs
 * carry its author's clientID), so details can say "c5 (clientID 123)" instead of a bare number.
 */
import type { EditObservation } from "../observations.ts";
import { insertedRanges } from "./yjs-state.ts";

export function clientNamesFromEdits(edits: readonly EditObservation[]): Map<number, string> {
  const names = new Map<number, string>();
  for (const edit of edits) {
    for (const range of insertedRanges(edit.update)) {
      if (!names.has(range.client)) names.set(range.client, edit.client);
    }
  }
  return names;
}
