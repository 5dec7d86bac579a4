// Reports every field of an object that a translator did not handle, so nothing is dropped
// without a line in the report. Known fields get their own reason; the rest a generic one.
// An empty field (`tolerations: []`, `securityContext: {}`, what `kubectl create --dry-run` and
// describe-task-definition write) says nothing, so nothing is lost and nothing is reported.

import type { Reporter } from "./report.js";

/** null, "", [] or {}, or a list or object of nothing else: a field that sets nothing. */
export function isEmptyField(value: unknown): boolean {
  if (value === undefined || value === null || value === "") return true;
  if (Array.isArray(value)) return value.every(isEmptyField);
  if (typeof value === "object") return Object.values(value).every(isEmptyField);
  return false;
}

export function reportLeftovers(
  obj: object | undefined,
  handled: readonly string[],
  reasons: Readonly<Record<string, string>>,
  r: Reporter,
  otherwise: string,
): void {
  if (!obj) return;
  for (const [field, value] of Object.entries(obj)) {
    if (handled.includes(field) || isEmptyField(value)) continue;
    r.unmapped(field, reasons[field] ?? otherwise);
  }
}
