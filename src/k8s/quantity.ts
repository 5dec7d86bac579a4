// Kubernetes resource quantities ("500m", "256Mi", "1.5Gi", "1e3"), parsed exactly as
// fractions of big integers, and converted to ECS's units: CPU units (1 core = 1024) and
// MiB. Floating point would turn "0.1" into 0.1000000000000000055…, and a ceil() of that
// times 1024 would then be off by one; fractions never are.

/** An exact non-negative or negative rational number: num / den, den > 0. */
export interface Quantity {
  num: bigint;
  den: bigint;
}

const DECIMAL_SUFFIX: Record<string, number> = {
  n: -9,
  u: -6,
  m: -3,
  "": 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};

const BINARY_SUFFIX: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };

const NUMBER = /^([+-]?)(\d+\.?\d*|\.\d+)(.*)$/;
const EXPONENT = /^[eE]([+-]?\d+)$/;
const SUFFIXES_ALLOWED = "m, k, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi, Ei, or an exponent such as e3";

/**
 * Parses a quantity. YAML may hand over a number (`cpu: 0.5`); it is read through its
 * decimal text, which for the numbers people write is the number itself.
 */
export function parseQuantity(input: string | number): Quantity {
  const text = typeof input === "number" ? String(input) : input;
  if (typeof text !== "string") {
    throw new TypeError(`Invalid quantity: expected a string or number, found ${typeof input}`);
  }
  const m = NUMBER.exec(text.trim());
  if (!m) {
    throw new SyntaxError(`Invalid quantity '${text}': expected a number followed by ${SUFFIXES_ALLOWED}`);
  }
  const [, sign, digits, suffix] = m as unknown as [string, string, string, string];
  const [intPart, fracPart = ""] = digits.split(".") as [string, string?];
  let num = BigInt((intPart || "0") + fracPart);
  let den = 10n ** BigInt(fracPart.length);
  if (sign === "-") num = -num;

  const exp = EXPONENT.exec(suffix);
  if (exp) return scaleByTen({ num, den }, Number(exp[1]));
  const decimal = DECIMAL_SUFFIX[suffix];
  if (decimal !== undefined) return scaleByTen({ num, den }, decimal);
  const binary = BINARY_SUFFIX[suffix];
  if (binary !== undefined) return { num: num * 2n ** BigInt(binary), den };
  throw new SyntaxError(`Invalid quantity '${text}': unknown suffix '${suffix}'; allowed: ${SUFFIXES_ALLOWED}`);
}

function scaleByTen(q: Quantity, power: number): Quantity {
  return power >= 0
    ? { num: q.num * 10n ** BigInt(power), den: q.den }
    : { num: q.num, den: q.den * 10n ** BigInt(-power) };
}

/** ceil(num / den) for den > 0, exact for negative numerators too. */
function ceilDiv(num: bigint, den: bigint): bigint {
  const q = num / den; // truncates toward zero
  return num % den > 0n ? q + 1n : q;
}

function requireNonNegative(q: Quantity, what: string): void {
  if (q.num < 0n) throw new RangeError(`Invalid ${what} quantity: ${q.num}/${q.den} is negative; expected 0 or more`);
}

/**
 * CPU cores → ECS CPU units, rounded up: 1 core = 1024 units, so "250m" is exactly 256, and
 * "100m" (102.4 units) becomes 103 — rounding up so ECS never reserves less than asked.
 */
export function cpuToUnits(input: string | number): number {
  const q = parseQuantity(input);
  requireNonNegative(q, "cpu");
  return Number(ceilDiv(q.num * 1024n, q.den));
}

/** Bytes → MiB, rounded up: "256Mi" is 256, "1G" (953.67 MiB) becomes 954. */
export function memoryToMiB(input: string | number): number {
  const q = parseQuantity(input);
  requireNonNegative(q, "memory");
  return Number(ceilDiv(q.num, q.den * 1048576n));
}

export interface FormattedCpu {
  /** A Kubernetes CPU quantity: whole cores ("2") or millicores ("250m"). */
  quantity: string;
  /** True when the quantity is exactly the ECS value; false when it was rounded down. */
  exact: boolean;
  /** True when cpuToUnits(quantity) gives the ECS value back. */
  returns: boolean;
}

/**
 * ECS CPU units → a Kubernetes CPU quantity. Kubernetes CPU has millicore precision, and a
 * unit is 1000/1024 ≈ 0.977 millicores, so only multiples of 128 units are exact (128 → 125m).
 * Otherwise the millicores are rounded down: floor(units × 1000 / 1024) is the only value that
 * can come back to the same units under cpuToUnits' ceil — when any value can. Example:
 * 100 units = 97.66m → "97m" → ceil(97 × 1.024) = ceil(99.33) = 100 (returns);
 * 42 units = 41.02m → "41m" → ceil(41.98) = 42 (returns); 1 unit = 0.98m → "0" → 0 (lost).
 */
export function unitsToCpu(units: number): FormattedCpu {
  const scaled = BigInt(units) * 1000n;
  const milli = scaled / 1024n;
  const exact = scaled % 1024n === 0n;
  const quantity = milli % 1000n === 0n ? String(milli / 1000n) : `${milli}m`;
  return { quantity, exact, returns: cpuToUnits(quantity) === units };
}

/** MiB → a Kubernetes memory quantity, always exact: "512Mi", or "2Gi" for whole GiB. */
export function mibToMemory(mib: number): string {
  if (mib !== 0 && mib % 1024 === 0) return `${mib / 1024}Gi`;
  return `${mib}Mi`;
}

/** Like cpuToUnits, and whether the value needed rounding. */
export function cpuToUnitsExact(input: string | number): { units: number; exact: boolean } {
  const q = parseQuantity(input);
  requireNonNegative(q, "cpu");
  return { units: Number(ceilDiv(q.num * 1024n, q.den)), exact: (q.num * 1024n) % q.den === 0n };
}

/** Like memoryToMiB, and whether the value needed rounding. */
export function memoryToMiBExact(input: string | number): { mib: number; exact: boolean } {
  const q = parseQuantity(input);
  requireNonNegative(q, "memory");
  const den = q.den * 1048576n;
  return { mib: Number(ceilDiv(q.num, den)), exact: q.num % den === 0n };
}
