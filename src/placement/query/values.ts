// Conversions of literal values for the subjects that are not plain strings.

/**
 * Parses a registeredAt value into the interval it names, in epoch ms: a date is that whole UTC
 * day, a time is that second. ECS accepts `2018-06-18T22:28:28+00:00`, `2018-06-18T22:28:28Z`,
 * `2018-06-18T22:28:28` (UTC) and `2018-06-18`. Comparing against an interval makes
 * `registeredAt == 2018-06-18` mean "registered that day" and `registeredAt < 2018-06-18` mean
 * "before that day began".
 */
export function parseTimeInterval(text: string): { start: number; end: number } | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}):(\d{2})(Z|[+-]\d{2}:\d{2})?)?$/.exec(text);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1) return undefined;
  const dayStart = Date.UTC(year, month - 1, day);
  // Date.UTC rolls 2018-02-30 over into March; reject such dates instead.
  if (new Date(dayStart).getUTCDate() !== day) return undefined;
  if (m[4] === undefined) return { start: dayStart, end: dayStart + 86_400_000 };
  const [hour, minute, second] = [Number(m[4]), Number(m[5]), Number(m[6])];
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMinutes = 0;
  const zone = m[7];
  if (zone !== undefined && zone !== "Z") {
    const sign = zone[0] === "-" ? -1 : 1;
    const zh = Number(zone.slice(1, 3));
    const zm = Number(zone.slice(4, 6));
    if (zh > 23 || zm > 59) return undefined;
    offsetMinutes = sign * (zh * 60 + zm);
  }
  const start = dayStart + ((hour * 60 + minute - offsetMinutes) * 60 + second) * 1000;
  return { start, end: start + 1000 };
}

/** `1.14.5` → [1, 14, 5]; undefined when the text is not dot-separated whole numbers. */
export function parseVersion(text: string): number[] | undefined {
  if (!/^\d+(\.\d+)*$/.test(text)) return undefined;
  return text.split(".").map(Number);
}

/** Compares versions part by part; missing parts count as 0, so 1.14 equals 1.14.0. */
export function compareVersions(a: readonly number[], b: readonly number[]): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

const NUMERIC = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** A finite number when the whole text is a decimal number, else undefined. */
export function parseNumber(text: string): number | undefined {
  if (!NUMERIC.test(text)) return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * Orders two attribute values: numerically when both are numbers (so 9 < 10), otherwise by
 * UTF-16 code units, as Java's String.compareTo does.
 */
export function compareValues(a: string, b: string): number {
  const na = parseNumber(a);
  const nb = parseNumber(b);
  if (na !== undefined && nb !== undefined) return na === nb ? 0 : na < nb ? -1 : 1;
  return a === b ? 0 : a < b ? -1 : 1;
}

/** A matcher for a literal value; `*` matches any run of characters when wildcards apply. */
export function textMatcher(value: string, wildcard: boolean): (text: string) => boolean {
  if (!wildcard || !value.includes("*")) return (text) => text === value;
  const source = value
    .split("*")
    .map((part) => part.replace(/[\\^$.|?+()[\]{}]/g, "\\$&"))
    .join("[^]*");
  const re = new RegExp(`^${source}$`);
  return (text) => re.test(text);
}
