// `berth logs --since`: a duration back from now (10s, 5m, 1h30m, as docker and kubectl take
// it) or a point in time (RFC 3339 / ISO 8601, or a date), to epoch milliseconds. Pure: `now`
// is passed in.
import { parseDuration } from "./format.js";

/** Epoch ms, or undefined when `text` is neither a duration nor a time. */
export function parseSince(text: string, now: number): number | undefined {
  const trimmed = text.trim();
  if (trimmed === "") return undefined;
  const ms = parseDuration(trimmed);
  if (ms !== undefined) return now - ms;
  // A time: only forms that name a date (Date.parse alone takes "1" or "May" as a time).
  if (!/^\d{4}-\d{2}-\d{2}/.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : at;
}
