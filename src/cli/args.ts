// Parsers for flag and argument values. A bad value is a usage error (exit code 2) that names
// the flag, what it takes and what it found.
import { usageError } from "./errors.js";
import { parseDuration } from "./format.js";

/** A whole number from `min` to `max`. */
export function wholeNumber(flag: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `${min} or more` : `from ${min} to ${max}`;
      throw usageError(`${flag} must be a whole number ${range}; found ${JSON.stringify(value)}`);
    }
    return n;
  };
}

/** Seconds above 0, fractions allowed (an --interval). */
export function positiveSeconds(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) throw usageError(`${flag} must be a number of seconds above 0; found ${JSON.stringify(value)}`);
    return n;
  };
}

/** A duration like 90s, 5m, 1h30m (or plain seconds), in milliseconds. */
export function durationArg(flag: string) {
  return (value: string): number => {
    const ms = parseDuration(value);
    if (ms === undefined || ms <= 0) throw usageError(`${flag} takes a duration like 90s, 5m or 1h; found ${JSON.stringify(value)}`);
    return ms;
  };
}
