// Keys are ordered as etcd and SQLite order them: by the bytes of their UTF-8 text, which is
// Unicode code point order. JavaScript's `<` compares UTF-16 code units instead, and the two
// disagree only when a surrogate (half of a character above U+FFFF) meets a character in
// U+E000..U+FFFF: "\u{1F600}" (D83D DE00) sorts before "\uFFFD" in UTF-16, after it in UTF-8.

/** Negative, zero or positive as `a` sorts before, with, or after `b` in code point order. */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i === n) return a.length - b.length;
  const x = a.charCodeAt(i);
  const y = b.charCodeAt(i);
  if (x >= 0xd800 && y >= 0xd800) return rank(x) - rank(y);
  return x - y;
}

// Moves surrogates above U+E000..U+FFFF, where their characters belong in code point order.
const rank = (unit: number) => (unit < 0xe000 ? unit + 0x2000 : unit - 0x800);

/**
 * The smallest key greater than every key starting with `prefix`, or undefined when there is
 * none (the empty prefix, or one made only of U+10FFFF). Incrementing the last code point works
 * because UTF-8 preserves code point order and no character sits between c and c+1:
 * "ab" -> "ac", and "a\u{10FFFF}" -> "b".
 */
export function prefixEnd(prefix: string): string | undefined {
  const points = Array.from(prefix, (c) => c.codePointAt(0) as number);
  while (points.length > 0) {
    const last = points.pop() as number;
    if (last < 0x10ffff) {
      // U+D800..U+DFFF are not characters: a lone surrogate would be stored as U+FFFD.
      points.push(last === 0xd7ff ? 0xe000 : last + 1);
      return String.fromCodePoint(...points);
    }
  }
  return undefined;
}

/** A UTF-16 unit at or above the first surrogate: only these can make `<` and code point order differ. */
const HIGH_UNIT = /[\uD800-\uFFFF]/;

/** Index of the first element of the sorted `keys` that is not below `key`. */
export function lowerBound(keys: readonly string[], key: string): number {
  // compareKeys departs from `<` only where both strings have a unit >= U+D800 at the first
  // difference: for a key without one (nearly every key), the native comparison is exact and
  // saves walking the long shared prefixes of keys character by character.
  const native = !HIGH_UNIT.test(key);
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const probe = keys[mid] as string;
    if (native ? probe < key : compareKeys(probe, key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Inserts `key` into the sorted `keys` unless it is already there; returns whether it was added. */
export function insertSorted(keys: string[], key: string): boolean {
  const at = lowerBound(keys, key);
  if (keys[at] === key) return false;
  keys.splice(at, 0, key);
  return true;
}

/** Removes `key` from the sorted `keys`; returns whether it was there. */
export function removeSorted(keys: string[], key: string): boolean {
  const at = lowerBound(keys, key);
  if (keys[at] !== key) return false;
  keys.splice(at, 1);
  return true;
}
