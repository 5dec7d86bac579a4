// IAM's paging: `Marker` and `MaxItems` (1–1000, default 100; the model checks the range) in,
// `IsTruncated` and `Marker` out. The marker carries the sort key of the last item returned, so
// a page stays right while items are added or removed in between. Pure.
import { iamErrors } from "./errors.js";

export const DEFAULT_MAX_ITEMS = 100;

export interface PageInput {
  Marker?: string;
  MaxItems?: number;
}

export interface Paged<T> {
  items: T[];
  IsTruncated: boolean;
  Marker?: string;
}

/** One page of `items`, which are sorted ascending by `keyOf`. */
export function pageOf<T>(sorted: T[], keyOf: (item: T) => string, input: PageInput): Paged<T> {
  let start = 0;
  if (input.Marker !== undefined) {
    const after = Buffer.from(input.Marker, "base64url").toString("utf8");
    if (!after || Buffer.from(after, "utf8").toString("base64url") !== input.Marker) {
      throw iamErrors.validation(`Invalid Marker '${input.Marker.slice(0, 64)}': it is not one this listing returned`);
    }
    start = sorted.findIndex((item) => keyOf(item) > after);
    if (start < 0) start = sorted.length;
  }
  const size = input.MaxItems ?? DEFAULT_MAX_ITEMS;
  const items = sorted.slice(start, start + size);
  const more = start + size < sorted.length && items.length > 0;
  return more ? { items, IsTruncated: true, Marker: Buffer.from(keyOf(items[items.length - 1]!), "utf8").toString("base64url") } : { items, IsTruncated: false };
}

export const sortBy = <T>(items: T[], keyOf: (item: T) => string): T[] => [...items].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
