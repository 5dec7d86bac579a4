// Addresses and ranges for IpAddress / NotIpAddress: IPv4 and IPv6 in CIDR notation, per the
// IAM User Guide (a bare address is its own /32 or /128; host bits past the prefix are
// ignored). IPv4 stays in plain numbers, since it is what nearly every request carries; IPv6
// uses bigints.

export type Ip = { v6: false; n: number } | { v6: true; n: bigint };

export type IpRange = { v6: false; base: number; mask: number } | { v6: true; base: bigint; mask: bigint };

export function parseIp(text: string): Ip | undefined {
  if (text.includes(":")) {
    const n = parseIpv6(text);
    return n === undefined ? undefined : { v6: true, n };
  }
  const n = parseIpv4(text);
  return n === undefined ? undefined : { v6: false, n };
}

export function parseRange(text: string): IpRange | undefined {
  const slash = text.indexOf("/");
  const ip = parseIp(slash < 0 ? text : text.slice(0, slash));
  if (!ip) return undefined;
  const bits = ip.v6 ? 128 : 32;
  const p = slash < 0 ? String(bits) : text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(p) || Number(p) > bits) return undefined;
  const prefix = Number(p);
  if (!ip.v6) {
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    return { v6: false, base: (ip.n & mask) >>> 0, mask };
  }
  const all = (1n << 128n) - 1n;
  const mask = all ^ ((1n << BigInt(128 - prefix)) - 1n);
  return { v6: true, base: ip.n & mask, mask };
}

export function inRange(ip: Ip, range: IpRange): boolean {
  if (!ip.v6 && !range.v6) return (ip.n & range.mask) >>> 0 === range.base;
  if (ip.v6 && range.v6) return (ip.n & range.mask) === range.base;
  return false;
}

/** Dotted quad to an unsigned 32-bit number, without allocating. */
function parseIpv4(text: string): number | undefined {
  let n = 0;
  let octet = -1;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 46;
    if (c === 46) {
      if (digits === 0 || octet > 255) return undefined;
      n = n * 256 + octet;
      if (i < text.length && ++dots > 3) return undefined;
      octet = -1;
      digits = 0;
    } else if (c >= 48 && c <= 57 && digits < 3) {
      octet = (octet < 0 ? 0 : octet * 10) + (c - 48);
      digits++;
    } else {
      return undefined;
    }
  }
  return dots === 3 ? n : undefined;
}

function parseIpv6(text: string): bigint | undefined {
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const groups = (h: string) => (h === "" ? [] : h.split(":"));
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  // An embedded IPv4 tail (::ffff:10.0.0.1) counts as two groups.
  const lastList = halves.length === 2 ? tail : head;
  let v4: number | undefined;
  if (lastList.at(-1)?.includes(".")) {
    v4 = parseIpv4(lastList.pop()!);
    if (v4 === undefined) return undefined;
  }
  const width = v4 === undefined ? 8 : 6;
  const missing = width - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  let n = 0n;
  for (const g of [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...tail]) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    n = (n << 16n) | BigInt(parseInt(g, 16));
  }
  if (v4 !== undefined) n = (n << 32n) | BigInt(v4);
  return n;
}
