/**
 * Who owes whom an answer (PROTOCOL.md section 8: "answering never spends an editor's budget").
 * When the relay delivers a SYNC_STEP1 from an asker to a client, that client may answer it with
 * frames addressed `to` the asker (a diff, and for a broadcast ask a SYNC_STEP1 back) without
 * spending its own rate-limit or state-request budget: the asker's state-request budget already
 * paid. Bounded per asker and per client, so credit cannot be hoarded.
 */
import type { ClientConnection } from "./client-connection.ts";

/**
 * A broadcast SYNC_STEP1 earns two answers (the diff and the SYNC_STEP1 back); an addressed one, one.
 * Owed answers per asker are capped at what the asker's state-request burst can have paid for (two
 * per ask, default burst 50): a cap of 4 charged a slow answerer (a y-websocket client answers its
 * backlog of asks in one go) for every answer past the fourth, so an attacker's flood of asks got
 * an honest client rate limited under its budget (the fuzzer found it; rateLimitFair).
 */
const MAX_OWED_PER_ASKER = 100;
const MAX_ASKERS_PER_CLIENT = 256;

export function oweAnswers(conn: ClientConnection, askerId: string, count: number): void {
  const answersOwed = (conn.answersOwed ??= new Map());
  const owed = answersOwed.get(askerId);
  if (owed === undefined && answersOwed.size >= MAX_ASKERS_PER_CLIENT) return;
  answersOwed.set(askerId, Math.min(MAX_OWED_PER_ASKER, (owed ?? 0) + count));
}

/** True (and spent) when `conn` owed `askerId` an answer. */
export function takeOwedAnswer(conn: ClientConnection, askerId: string): boolean {
  const owed = conn.answersOwed?.get(askerId);
  if (!owed) return false;
  if (owed > 1) conn.answersOwed!.set(askerId, owed - 1);
  else if (conn.answersOwed!.delete(askerId) && conn.answersOwed!.size === 0) conn.answersOwed = null;
  return true;
}

/** A SYNC_STEP1 from `askerId` is being delivered to the clients of a doc: they may answer it. */
export function creditSyncStep1(
  clients: Iterable<ClientConnection>,
  askerId: string,
  to: string | undefined,
  except: ClientConnection | null,
): void {
  for (const conn of clients) {
    if (conn === except || conn.senderId === askerId) continue;
    if (to === undefined) oweAnswers(conn, askerId, 2);
    else if (conn.senderId === to) oweAnswers(conn, askerId, 1);
  }
}
