/**
 * Who may open which document: HS256 JWTs checked at the WebSocket upgrade (PROTOCOL.md section 1).
 * Claims: `sub` (user, required), `role` (`editor` default | `viewer`), `docs` (docIds, or prefixes
 * ending in `*`; absent = every doc), `exp` (checked by jose when present).
 */
import { errors, jwtVerify } from "jose";
import type { Role } from "../protocol/messages.ts";

export type AuthResult =
  | { ok: true; role: Role; userId: string | null }
  | { ok: false; reason: string };

/** Without a secret every client is an editor (PROTOCOL.md section 1). */
export async function authorize(secret: Uint8Array | null, token: string | null, docId: string): Promise<AuthResult> {
  if (!secret) return { ok: true, role: "editor", userId: null };
  if (!token) return { ok: false, reason: "missing token" };
  let claims: Record<string, unknown>;
  try {
    ({ payload: claims } = await jwtVerify(token, secret, { algorithms: ["HS256"] }));
  } catch (error) {
    return { ok: false, reason: error instanceof errors.JWTExpired ? "token expired" : "invalid token" };
  }
  if (typeof claims.sub !== "string" || claims.sub === "") return { ok: false, reason: "token has no sub" };
  const role = claims.role ?? "editor";
  if (role !== "editor" && role !== "viewer") return { ok: false, reason: `unknown role ${JSON.stringify(role)}` };
  if (!docsClaimCovers(claims.docs, docId)) return { ok: false, reason: "token does not cover this document" };
  return { ok: true, role, userId: claims.sub };
}

/** `docs` absent: every doc. Otherwise an exact id, or a prefix when the entry ends in `*`. */
export function docsClaimCovers(docs: unknown, docId: string): boolean {
  if (docs === undefined) return true;
  if (!Array.isArray(docs)) return false;
  return docs.some(
    (entry) => typeof entry === "string" && (entry.endsWith("*") ? docId.startsWith(entry.slice(0, -1)) : entry === docId),
  );
}

export function secretKey(secret: string | undefined): Uint8Array | null {
  return secret ? new TextEncoder().encode(secret) : null;
}
