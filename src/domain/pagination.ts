// nextToken / maxResults over lists already sorted by a stable string key. The token carries
// the last key returned, so pages stay correct while items are added or removed in between.
import { invalidParameter } from "../model/index.js";

export interface PageRequest {
  nextToken?: string;
  maxResults?: number;
}

export interface Page<T> {
  items: T[];
  nextToken?: string;
}

/** What paginate reads: an array, or a view that fetches items only when asked (at). */
export interface Sequence<T> {
  readonly length: number;
  at(index: number): T | undefined;
}

export function paginate<T>(
  sorted: Sequence<T>,
  keyOf: (item: T) => string,
  req: PageRequest,
  limits: { default: number; max: number },
): Page<T> {
  const size = req.maxResults ?? limits.default;
  if (!Number.isInteger(size) || size < 1 || size > limits.max) {
    throw invalidParameter(`Invalid parameter 'maxResults': ${req.maxResults} is not between 1 and ${limits.max}.`);
  }
  let start = 0;
  if (req.nextToken !== undefined) {
    const after = decodeToken(req.nextToken);
    start = upperBound(sorted, after, keyOf);
  }
  const items: T[] = [];
  for (let i = start; i < Math.min(start + size, sorted.length); i++) items.push(sorted.at(i) as T);
  const page: Page<T> = { items };
  if (start + size < sorted.length && items.length > 0) page.nextToken = encodeToken(keyOf(items[items.length - 1]!));
  return page;
}

/** Index of the first item whose key is greater than `key` (keys must ascend along `sorted`). */
function upperBound<T>(sorted: Sequence<T>, key: string, keyOf: (item: T) => string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keyOf(sorted.at(mid) as T) <= key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function encodeToken(key: string): string {
  return Buffer.from(JSON.stringify({ after: key }), "utf8").toString("base64url");
}

function decodeToken(token: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as unknown;
    if (parsed && typeof parsed === "object" && typeof (parsed as { after?: unknown }).after === "string") {
      return (parsed as { after: string }).after;
    }
  } catch {
    // fall through to the error below
  }
  throw invalidParameter("Invalid parameter 'nextToken': the token is not one berth issued.");
}
