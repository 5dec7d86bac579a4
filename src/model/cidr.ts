// IPv4 CIDR arithmetic on unsigned 32-bit integers: what VPCs, subnets and the IPAM need.
// Pure; no I/O.

export interface Cidr {
  /** The network address as an unsigned 32-bit integer. */
  base: number;
  prefix: number;
}

/** Parses `a.b.c.d`; undefined when it is not a dotted IPv4 address. */
export function parseIpv4(text: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return undefined;
  const octets = m.slice(1).map(Number);
  if (octets.some((o) => o > 255)) return undefined;
  return ((octets[0]! << 24) | (octets[1]! << 16) | (octets[2]! << 8) | octets[3]!) >>> 0;
}

export function formatIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}

/**
 * Parses `10.0.0.0/16`. The address must be the network's first address, as EC2 wants
 * (`10.0.0.1/16` is refused): undefined for anything else.
 */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf("/");
  if (slash < 0) return undefined;
  const base = parseIpv4(text.slice(0, slash));
  const p = text.slice(slash + 1);
  if (base === undefined || !/^\d{1,2}$/.test(p) || Number(p) > 32) return undefined;
  const prefix = Number(p);
  if ((base & ~maskOf(prefix)) >>> 0 !== 0) return undefined;
  return { base, prefix };
}

export const formatCidr = (c: Cidr): string => `${formatIpv4(c.base)}/${c.prefix}`;

/** The network mask of a prefix length, e.g. 20 -> 255.255.240.0 (as an unsigned integer). */
export function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

export const sizeOf = (c: Cidr): number => 2 ** (32 - c.prefix);

/** The last address of the block: 172.31.0.0/20 -> 172.31.15.255. */
export const lastOf = (c: Cidr): number => c.base + sizeOf(c) - 1;

export const containsIp = (c: Cidr, ip: number): boolean => ip >= c.base && ip <= lastOf(c);

/** Whether `inner` lies wholly inside `outer`. */
export const containsCidr = (outer: Cidr, inner: Cidr): boolean => inner.prefix >= outer.prefix && containsIp(outer, inner.base);

export const overlaps = (a: Cidr, b: Cidr): boolean => a.base <= lastOf(b) && b.base <= lastOf(a);
