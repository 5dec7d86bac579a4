// The address allocator of awsvpc tasks' ENIs: which addresses of a subnet are free, and which
// to hand out next. Pure — the caller reads the addresses in use and writes the choice in the
// same compare-and-swap transaction, so two launches never get one address.
import { formatIpv4, lastOf, parseCidr, parseIpv4, sizeOf } from "./cidr.js";

/**
 * AWS keeps five addresses of every subnet: the network address, the router (+1), the DNS
 * server (+2), one held for future use (+3), and the broadcast address (the last). In
 * 172.31.0.0/20 the first usable address is 172.31.0.4 and the last 172.31.15.254.
 */
export const RESERVED_ADDRESSES = 5;

/** The router's address (+1): the bridge holds it and it is the tasks' default route. */
export function gatewayOf(subnetCidr: string): string {
  return formatIpv4(parseCidrOrThrow(subnetCidr).base + 1);
}

export function usableCount(subnetCidr: string): number {
  return sizeOf(parseCidrOrThrow(subnetCidr)) - RESERVED_ADDRESSES;
}

/**
 * Up to `count` free addresses of the subnet, lowest first; fewer (possibly none) when the
 * subnet runs out. Addresses in use that lie outside the subnet are ignored.
 */
export function allocateAddresses(subnetCidr: string, inUse: Iterable<string>, count: number): string[] {
  const cidr = parseCidrOrThrow(subnetCidr);
  const used = new Set<number>();
  for (const a of inUse) {
    const n = parseIpv4(a);
    if (n !== undefined) used.add(n);
  }
  const out: string[] = [];
  const last = lastOf(cidr) - 1;
  for (let ip = cidr.base + 4; ip <= last && out.length < count; ip++) {
    if (!used.has(ip)) out.push(formatIpv4(ip));
  }
  return out;
}

/** A locally administered unicast MAC for an address: 0a:58 then the address's four bytes. */
export function macOf(address: string): string {
  const n = parseIpv4(address);
  if (n === undefined) throw new TypeError(`'${address}' is not an IPv4 address`);
  return ["0a", "58", ...[n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].map((b) => b.toString(16).padStart(2, "0"))].join(":");
}

/** EC2's private DNS name of an address: ip-172-31-3-7.ec2.internal in us-east-1, ip-….<region>.compute.internal elsewhere. */
export function privateDnsNameOf(address: string, region: string): string {
  const host = `ip-${address.replaceAll(".", "-")}`;
  return region === "us-east-1" ? `${host}.ec2.internal` : `${host}.${region}.compute.internal`;
}

function parseCidrOrThrow(text: string) {
  const c = parseCidr(text);
  if (!c) throw new TypeError(`'${text}' is not a CIDR block`);
  return c;
}
