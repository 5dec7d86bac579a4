// GetLogEvents' and FilterLogEvents' tokens: a place in an order of (timestamp, seq), opaque to
// callers but stateless here, so a token stays good across restarts. They look like AWS's
// (`f/<56 digits>/s`, `b/<56 digits>/s`): direction, 28 digits of timestamp, 28 of seq.
import type { LogPosition } from "../../store/index.js";
import { logsErrors } from "./records.js";

export type TokenKind = "f" | "b" | "n";

export function encodePosition(kind: TokenKind, p: LogPosition): string {
  return `${kind}/${String(p.timestamp).padStart(28, "0")}${String(p.seq).padStart(28, "0")}/s`;
}

export function decodePosition(token: string, kinds: readonly TokenKind[]): { kind: TokenKind; position: LogPosition } {
  const m = /^([fbn])\/(\d{28})(\d{28})\/s$/.exec(token);
  if (!m || !kinds.includes(m[1] as TokenKind)) throw logsErrors.badToken();
  const timestamp = Number(m[2]);
  const seq = Number(m[3]);
  if (!Number.isSafeInteger(timestamp) || !Number.isSafeInteger(seq)) throw logsErrors.badToken();
  return { kind: m[1] as TokenKind, position: { timestamp, seq } };
}
