// The little IPv4 arithmetic the node side needs: prefix lengths and containment, to know which
// of berth's unreachable routes still covers a bridge. (Allocation lives with the control plane.)

export interface Cidr {
  /** The network address as an unsigned 32-bit number. */
  base: number;
  prefix: number;
}

export function parseIpv4(text: string): number {
  const parts = text.split(".");
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) {
    throw new RangeError(`not an IPv4 address: ${JSON.stringify(text)}`);
  }
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

export function parseCidr(text: string): Cidr {
  const [ip, bits, extra] = text.split("/");
  const prefix = Number(bits);
  if (extra !== undefined || ip === undefined || !/^\d{1,2}$/.test(bits ?? "") || prefix > 32) {
    throw new RangeError(`not an IPv4 CIDR block: ${JSON.stringify(text)}`);
  }
  return { base: mask(parseIpv4(ip), prefix), prefix };
}

function mask(ip: number, prefix: number): number {
  // 2 ** (32 - prefix) is the block size: 172.31.3.7/20 → 172.31.0.0 (block 4096).
  const size = 2 ** (32 - prefix);
  return Math.floor(ip / size) * size;
}

/** Whether `ip` (an address, or an address with a prefix such as a bridge's 172.31.0.1/20) lies in `block`. */
export function cidrContains(block: string, ip: string): boolean {
  const b = parseCidr(block);
  return mask(parseIpv4(ip.split("/")[0] ?? ""), b.prefix) === b.base;
}

/** The address with the block's prefix length: ("172.31.0.1", "172.31.0.0/20") → "172.31.0.1/20". */
export function withPrefix(ip: string, block: string): string {
  return `${ip}/${parseCidr(block).prefix}`;
}
