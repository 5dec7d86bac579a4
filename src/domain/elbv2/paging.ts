// ELBv2's paging: `Marker` in, `NextMarker` out, `PageSize` 1–400 (the model checks the range).
// The marker carries the sort key of the last item returned, so a page stays right while items
// are added or removed in between. Pure.
import { elbErrors } from "./errors.js";

export const DEFAULT_PAGE_SIZE = 400;

export function pageOf<T>(sorted: T[], keyOf: (item: T) => string, marker: string | undefined, pageSize: number | undefined): { items: T[]; NextMarker?: string } {
  let start = 0;
  if (marker !== undefined) {
    const after = Buffer.from(marker, "base64url").toString("utf8");
    if (!after || Buffer.from(after, "utf8").toString("base64url") !== marker) throw elbErrors.validation(`Marker '${marker.slice(0, 64)}' is not valid`);
    start = sorted.findIndex((item) => keyOf(item) > after);
    if (start < 0) start = sorted.length;
  }
  const size = pageSize ?? DEFAULT_PAGE_SIZE;
  const items = sorted.slice(start, start + size);
  const more = start + size < sorted.length && items.length > 0;
  return more ? { items, NextMarker: Buffer.from(keyOf(items[items.length - 1]!), "utf8").toString("base64url") } : { items };
}

/** Sorts by a string key (ascending), the order pages are cut in. */
export const sortBy = <T>(items: T[], keyOf: (item: T) => string): T[] => [...items].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));

/** The items whose id (ARN or name) is among `wanted`, in listing order; `notFound` when one is missing. */
export function pickWanted<T>(items: T[], wanted: string[], idOf: (item: T) => string, notFound: () => Error): T[] {
  const ids = new Set(wanted);
  const picked = items.filter((item) => ids.has(idOf(item)));
  if (picked.length !== ids.size) throw notFound();
  return picked;
}
