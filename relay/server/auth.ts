/**
 * Who may open which document: HS256 JWTs checked at the WebSocket upgrade (PROTOCOL.md sections
 * 1 and 8). Claims: `sub` (user, required), `role` (absent = `editor`, or exactly `editor` |
 * `viewer`: anything else, null included, is refused), `docs` (docIds, or prefixes ending in `*`;
 * absent = every doc), `exp` (checked by jose at the upgrade; the host closes the socket when it passes).
 */
import { errors, jwtVerify } from "jose";
import type { Role } from "../protocol/messages.ts";
import { SERVER_REJECTION_REASONS as R, type ServerRejectionReason } from "./rejections.ts";

export type AuthResult =
  | { ok: true; role: Role; userId: string | null; /** Epoch ms of `exp`, null without one. */ expiresAtMs: number | null }
  | { ok: false; reason: ServerRejectionReason; detail: string };

/** Without a secret every client is an editor (PROTOCOL.md section 1). */
export async function authorize(secret: Uint8Array | null, token: string | null, docId: string): Promise<AuthResult> {
  if (!secret) return { ok: true, role: "editor", userId: null, expiresAtMs: null };
  if (!token) return refused(R.authMissing, "missing token");
  let claims: Record<string, unknown>;
  try {
    ({ payload: claims } = await jwtVerify(token, secret, { algorithms: ["HS256"] }));
  } catch (error) {
    return error instanceof errors.JWTExpired ? refused(R.authExpired, "token expired") : refused(R.authInvalid, "invalid token");
  }
  if (typeof claims.sub !== "string" || claims.sub === "") return refused(R.authInvalid, "token has no sub");
  // `role: null` must not slip through a `?? "editor"` default: only a missing claim means editor.
  const role = claims.role === undefined ? "editor" : claims.role;
  if (role !== "editor" && role !== "viewer") return refused(R.roleInvalid, `unknown role ${JSON.stringify(role)}`);
  if (!docsClaimCovers(claims.docs, docId)) return refused(R.docForbidden, "token does not cover this document");
  return { ok: true, role, userId: claims.sub, expiresAtMs: typeof claims.exp === "number" ? claims.exp * 1000 : null };
}

function refused(reason: ServerRejectionReason, detail: string): AuthResult {
  return { ok: false, reason, detail };
}

/** `docs` absent: every doc. Otherwise an exact id, or a prefix when the entry ends in `*`. */
export function docsClaimCovers(docs: unknown, docId: string): boolean {
  if (docs === undefined) return true;
  if (!Array.isArray(docs)) return false;
  return docs.some(
    (entry) => typeof entry === "string" && (entry.endsWith("*") ? docId.startsWith(entry.slice(0, -1)) : entry === docId),
  );
}

/**
 * The key for a configured secret; null = auth off (no secret given). An empty string is refused,
 * never read as "off": a deployment that meant to set a secret and got "" must not open up.
 */
export function secretKey(secret: string | undefined): Uint8Array | null {
  if (secret === undefined) return null;
  if (secret === "") throw new EmptySecretError();
  return new TextEncoder().encode(secret);
}

export class EmptySecretError extends Error {
  override name = "EmptySecretError";
  constructor() {
    super("the JWT secret is empty: give a non-empty secret, or none at all to run without auth");
  }
}
