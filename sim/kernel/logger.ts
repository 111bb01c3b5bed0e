/**
 * The Logger port in the simulator: log lines become trace events stamped with virtual time.
 * Nothing reaches real I/O, and the log content is part of the trace hash (a relay that logs
 * differently ran differently).
 */
import type { Logger } from "../../relay/ports.ts";
import type { TraceRecorder } from "./trace.ts";

export function createTraceLogger(trace: TraceRecorder, node: string, bindings: object = {}): Logger {
  const log = (level: string) => (obj: object, msg?: string) =>
    trace.record(node, "log", { level, msg: msg ?? "", ...bindings, ...safeFields(obj) });
  return {
    debug: log("debug"),
    info: log("info"),
    warn: log("warn"),
    error: log("error"),
    child: (more: object) => createTraceLogger(trace, node, { ...bindings, ...more }),
  };
}

/** Errors do not JSON-serialize; keep their message so the trace stays readable and stable. */
function safeFields(obj: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(obj ?? {})) {
    out[key] = value instanceof Error ? value.message : value instanceof Uint8Array ? `<${value.byteLength} bytes>` : value;
  }
  return out;
}
