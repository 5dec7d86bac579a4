// NextToken paging for Secrets Manager and SSM lists. The token carries the sort key of the
// last item returned (base64url JSON), so a page stays correct when items are added or removed
// in between; each service names a bad token with its own exception.

export interface Page<T> {
  items: T[];
  nextToken?: string;
}

/**
 * `sorted` ascends by `sortKey` (unique per item); with `descending` it is read from the end.
 * Example: keys [a, b, c, d], size 2 → [a, b] + token(b); with token(b) → [c, d], no token.
 */
export function pageAfter<T>(
  sorted: readonly T[],
  sortKey: (item: T) => string,
  request: { token?: string | undefined; size: number; descending?: boolean },
  badToken: () => Error,
): Page<T> {
  const ordered = request.descending ? [...sorted].reverse() : sorted;
  let start = 0;
  if (request.token !== undefined) {
    const after = decodeToken(request.token, badToken);
    start = ordered.findIndex((item) => (request.descending ? sortKey(item) < after : sortKey(item) > after));
    if (start < 0) start = ordered.length;
  }
  const items = ordered.slice(start, start + request.size);
  const page: Page<T> = { items };
  if (start + request.size < ordered.length && items.length > 0) page.nextToken = encodeToken(sortKey(items[items.length - 1]!));
  return page;
}

function encodeToken(key: string): string {
  return Buffer.from(JSON.stringify({ after: key }), "utf8").toString("base64url");
}

function decodeToken(token: string, badToken: () => Error): string {
  try {
    const parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as unknown;
    if (parsed && typeof parsed === "object" && typeof (parsed as { after?: unknown }).after === "string") return (parsed as { after: string }).after;
  } catch {
    // a token berth did not issue: the service's own error below
  }
  throw badToken();
}
