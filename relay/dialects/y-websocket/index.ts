export { YWebsocketDialect, type YWebsocketDialectOptions, type YWebsocketStats } from "./dialect.ts";
export { YWebsocketSession, type BinarySocket, type DialectRelay, type YWebsocketEvent } from "./session.ts";
