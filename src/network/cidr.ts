// The node side's view of addresses, on the model's IPv4 arithmetic (src/model/cidr.ts): the
// kernel shows interface addresses with host bits (a bridge's 172.31.0.1/20), which EC2's CIDR
// parser rightly refuses, so these helpers take the block such an address lies in.
import { type Cidr, formatCidr, maskOf, parseIpv4 } from "../model/index.js";

/** `a.b.c.d/n`, host bits allowed, as the block it names: 172.31.3.7/20 → 172.31.0.0/20. */
export function blockOf(text: string): Cidr {
  const [ip, bits, extra] = text.split("/");
  const address = parseIpv4(ip ?? "");
  if (address === undefined || extra !== undefined || !/^\d{1,2}$/.test(bits ?? "") || Number(bits) > 32) {
    throw new RangeError(`not an IPv4 CIDR block: ${JSON.stringify(text)}`);
  }
  const prefix = Number(bits);
  return { base: (address & maskOf(prefix)) >>> 0, prefix };
}

/** The block written with its network address: 10.1.2.3/16 → 10.1.0.0/16. */
export function normalCidr(text: string): string {
  return formatCidr(blockOf(text));
}

/** Whether `ip` (an address, or an address with a prefix such as a bridge's 172.31.0.1/20) lies in `block`. */
export function cidrContains(block: string, ip: string): boolean {
  const b = blockOf(block);
  const address = parseIpv4(ip.split("/")[0] ?? "");
  if (address === undefined) throw new RangeError(`not an IPv4 address: ${JSON.stringify(ip)}`);
  return ((address & maskOf(b.prefix)) >>> 0) === b.base;
}

/** The address with the block's prefix length: ("172.31.0.1", "172.31.0.0/20") → "172.31.0.1/20". */
export function withPrefix(ip: string, block: string): string {
  return `${ip}/${blockOf(block).prefix}`;
}
