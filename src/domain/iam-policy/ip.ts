// Addresses and ranges for IpAddress / NotIpAddress: IPv4 and IPv6, "RFC 4632 format" per the
// IAM User Guide (a bare address is its own /32 or /128; host bits past the prefix are
// ignored). Addresses become bigints so both families compare the same way.

export interface IpRange {
  v6: boolean;
  base: bigint;
  /** Bits that must equal `base` (the prefix as a mask over 32 or 128 bits). */
  mask: bigint;
}

export interface Ip {
  v6: boolean;
  value: bigint;
}

export function parseIp(text: string): Ip | undefined {
  if (text.includes(":")) {
    const value = parseIpv6(text);
    return value === undefined ? undefined : { v6: true, value };
  }
  const value = parseIpv4(text);
  return value === undefined ? undefined : { v6: false, value };
}

export function parseRange(text: string): IpRange | undefined {
  const slash = text.indexOf("/");
  const ip = parseIp(slash < 0 ? text : text.slice(0, slash));
  if (!ip) return undefined;
  const bits = ip.v6 ? 128 : 32;
  const p = slash < 0 ? String(bits) : text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(p) || Number(p) > bits) return undefined;
  const prefix = BigInt(p);
  const all = (1n << BigInt(bits)) - 1n;
  const mask = all ^ ((1n << (BigInt(bits) - prefix)) - 1n);
  return { v6: ip.v6, base: ip.value & mask, mask };
}

export const inRange = (ip: Ip, range: IpRange): boolean => ip.v6 === range.v6 && (ip.value & range.mask) === range.base;

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let n = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = (n << 8n) | BigInt(p);
  }
  return n;
}

function parseIpv6(text: string): bigint | undefined {
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const groups = (h: string) => (h === "" ? [] : h.split(":"));
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  // An embedded IPv4 tail (::ffff:10.0.0.1) counts as two groups.
  const last = (halves.length === 2 ? tail : head).at(-1);
  let v4: bigint | undefined;
  if (last?.includes(".")) {
    v4 = parseIpv4(last);
    if (v4 === undefined) return undefined;
    (halves.length === 2 ? tail : head).pop();
  }
  const width = v4 === undefined ? 8 : 6;
  const missing = width - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  let n = 0n;
  for (const g of [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...tail]) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    n = (n << 16n) | BigInt(parseInt(g, 16));
  }
  if (v4 !== undefined) n = (n << 32n) | v4;
  return n;
}
