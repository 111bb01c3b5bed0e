/**
 * Connection caps (PROTOCOL.md section 8 "Admission"): at most `maxConnections` open WebSockets on
 * the server and `maxConnectionsPerIp` from one remote address. A slot is taken when an upgrade is
 * admitted and given back exactly once when that socket closes, however it ends (handshake failure,
 * client close, terminate), so the per-address counts never drift.
 */
import type { ServerAdmissionConfig } from "../config.ts";
import { SERVER_REJECTION_REASONS } from "./rejections.ts";

export type AdmissionResult =
  | { ok: true; release: () => void }
  | { ok: false; reason: typeof SERVER_REJECTION_REASONS.maxConnections | typeof SERVER_REJECTION_REASONS.maxConnectionsPerIp };

export class ConnectionAdmission {
  private total = 0;
  private readonly perAddress = new Map<string, number>();

  constructor(private readonly limits: Pick<ServerAdmissionConfig, "maxConnections" | "maxConnectionsPerIp">) {}

  get open(): number {
    return this.total;
  }

  openFrom(address: string): number {
    return this.perAddress.get(normalizeAddress(address)) ?? 0;
  }

  tryAdmit(remoteAddress: string | undefined): AdmissionResult {
    const address = normalizeAddress(remoteAddress);
    const fromAddress = this.perAddress.get(address) ?? 0;
    if (this.total >= this.limits.maxConnections) return { ok: false, reason: SERVER_REJECTION_REASONS.maxConnections };
    if (fromAddress >= this.limits.maxConnectionsPerIp) return { ok: false, reason: SERVER_REJECTION_REASONS.maxConnectionsPerIp };
    this.total += 1;
    this.perAddress.set(address, fromAddress + 1);
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        this.total -= 1;
        const left = (this.perAddress.get(address) ?? 1) - 1;
        if (left > 0) this.perAddress.set(address, left);
        else this.perAddress.delete(address);
      },
    };
  }
}

/** `::ffff:127.0.0.1` and `127.0.0.1` are one peer (a dual-stack listener reports the former). */
function normalizeAddress(address: string | undefined): string {
  if (!address) return "unknown";
  return address.startsWith("::ffff:") ? address.slice("::ffff:".length) : address;
}
