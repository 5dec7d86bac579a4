// Reports every field of an object that a translator did not handle, so nothing is dropped
// without a line in the report. Known fields get their own reason; the rest a generic one.

import type { Reporter } from "./report.js";

export function reportLeftovers(
  obj: object | undefined,
  handled: readonly string[],
  reasons: Readonly<Record<string, string>>,
  r: Reporter,
  otherwise: string,
): void {
  if (!obj) return;
  for (const [field, value] of Object.entries(obj)) {
    if (handled.includes(field) || value === undefined || value === null) continue;
    r.unmapped(field, reasons[field] ?? otherwise);
  }
}
