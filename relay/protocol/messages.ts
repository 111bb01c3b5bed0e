/**
 * Wire types of the LFCC relay protocol v1 (shared/PROTOCOL.md) plus this project's documented
 * extensions (docs/PROTOCOL-EXTENSIONS.md). Shared by the relay, the client provider, the
 * simulator's observers and the chaos runner, so there is exactly one definition of a frame.
 */

export const PROTOCOL_VERSION = 1;

/** `^[A-Za-z0-9._:-]{1,128}$` (PROTOCOL.md section 1). */
export const DOC_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

export const MessageType = {
  WELCOME: "WELCOME",
  CRDT_UPDATE: "CRDT_UPDATE",
  PRESENCE: "PRESENCE",
  JOIN: "JOIN",
  LEAVE: "LEAVE",
  SNAPSHOT_REQUEST: "SNAPSHOT_REQUEST",
  SNAPSHOT_RESPONSE: "SNAPSHOT_RESPONSE",
  ERROR: "ERROR",
  /**
   * Extension. Client -> all other clients of the doc: "here is my state vector". Every receiver
   * answers with a CRDT_UPDATE holding what the sender lacks. With `to` set, only that client
   * answers (and does not answer back), which closes the two-way exchange without a storm.
   */
  SYNC_STEP1: "SYNC_STEP1",
  /**
   * Extension. Server -> client: "you may have missed updates (Redis was down, a peer server came
   * back); exchange state vectors with your peers" (the client broadcasts SYNC_STEP1).
   */
  RESYNC: "RESYNC",
} as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

/** Types a client may send. */
export const CLIENT_MESSAGE_TYPES: ReadonlySet<string> = new Set([
  MessageType.CRDT_UPDATE,
  MessageType.PRESENCE,
  MessageType.SNAPSHOT_REQUEST,
  MessageType.SNAPSHOT_RESPONSE,
  MessageType.SYNC_STEP1,
]);

export const ErrorCode = {
  BAD_MESSAGE: "BAD_MESSAGE",
  DOC_MISMATCH: "DOC_MISMATCH",
  TOO_LARGE: "TOO_LARGE",
  RATE_LIMITED: "RATE_LIMITED",
  FORBIDDEN: "FORBIDDEN",
  INTERNAL: "INTERNAL",
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** WebSocket close codes the relay uses, and why. */
export const CloseCode = {
  /** Server going away (graceful shutdown): the client should reconnect, maybe elsewhere. */
  GOING_AWAY: 1001,
  /** Policy violation: bad docId, bad token, sustained abuse. */
  POLICY: 1008,
  /** Frame over the configured maximum. */
  TOO_BIG: 1009,
  /** Internal error. */
  INTERNAL: 1011,
  /** Extension: dropped because the client did not read fast enough (socket buffer over bound). */
  SLOW_CONSUMER: 4008,
} as const;

export type Role = "editor" | "viewer";

/** The envelope of every frame, in both directions (PROTOCOL.md section 2). */
export interface Envelope<T extends string = string, P = Record<string, unknown>> {
  type: T;
  docId: string;
  senderId: string;
  messageId: string;
  ts: number;
  payload: P;
}

export interface WelcomePayload {
  senderId: string;
  serverId: string;
  docId: string;
  role: Role;
  peers: string[];
}
export interface UpdatePayload {
  update: string; // base64 Yjs update
}
export interface PresencePayload {
  state: unknown;
}
export interface JoinPayload {
  senderId: string;
}
export interface LeavePayload {
  senderId: string;
  reason?: string;
}
export interface SnapshotRequestPayload {
  requestId: string;
  stateVector?: string;
}
export interface SnapshotResponsePayload {
  requestId: string;
  update: string | null;
  stateVector?: string;
  source?: string;
}
export interface ErrorPayload {
  code: ErrorCode;
  message: string;
  retryAfterMs?: number;
}
export interface SyncStep1Payload {
  stateVector: string;
  /** When set, only this client answers. */
  to?: string;
  /**
   * Optional: the sender's Yjs delete set (base64, lib0 encoding as in an update). Deletions are
   * invisible in a state vector; with it a peer that holds nothing new answers nothing, and an
   * answer carries only the deletions the sender lacks. Without it, peers answer the full diff.
   */
  deleteSet?: string;
}

/**
 * A message as routed between servers through Redis (PROTOCOL.md section 6). `sig` is the
 * HMAC-SHA256 (hex) over the canonical content when a cluster secret is configured.
 * A `BATCH` routed message carries `payload.messages: RoutedMessage[]` (one publish for several
 * messages of one document; see relay/bus/batching).
 */
export interface RoutedMessage extends Envelope {
  v: number;
  sourceServerId: string;
  sig?: string;
}

/** Redis channel names (PROTOCOL.md section 6). */
export const channels = {
  doc: (docId: string) => `lfcc:doc:${docId}`,
  presence: (docId: string) => `lfcc:presence:${docId}`,
  server: (serverId: string) => `lfcc:server:${serverId}`,
};
