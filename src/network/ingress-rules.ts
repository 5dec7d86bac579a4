// A task's security-group ingress as an iptables-restore document for the filter table inside
// its namespace, pure. Like a security group: stateful (replies to the task's own connections and
// loopback always pass), default deny for everything new that no rule opens. The document
// replaces the whole table in one transaction, so applying it again is harmless; its hash rides
// on a rule comment so that observing the namespace tells whether the current rules are in.
import { createHash } from "node:crypto";
import type { AssignedIngressRule } from "../model/index.js";
import { blockOf, normalCidr } from "./cidr.js";

export const INGRESS_MARK_PREFIX = "berth-ingress:";

export interface IngressDocument {
  /** Input for `iptables-restore` (no --noflush: the namespace's filter table is berth's alone). */
  text: string;
  /** `berth-ingress:<hash>`, found in `iptables-save` output once the document is applied. */
  marker: string;
}

const PROTOCOL_NAMES: Record<string, string> = { "6": "tcp", "17": "udp", "1": "icmp" };

/** The iptables match for one rule and one source, without `-A INPUT` and the target. */
function matchOf(rule: AssignedIngressRule, cidr: string): string {
  // A source of 0.0.0.0/0 is no match at all; others are written normalized (iptables would
  // do it silently).
  const source = blockOf(cidr).prefix === 0 ? "" : ` -s ${normalCidr(cidr)}`;
  const protocol = PROTOCOL_NAMES[rule.protocol] ?? rule.protocol.toLowerCase();
  if (protocol === "-1" || protocol === "all") return source.trim();
  if (!/^(tcp|udp|icmp|\d{1,3})$/.test(protocol)) {
    throw new RangeError(`ingress rule protocol ${JSON.stringify(rule.protocol)} is not tcp, udp, icmp, -1 or a protocol number`);
  }
  let match = `${source} -p ${protocol}`;
  const from = rule.fromPort;
  const to = rule.toPort ?? from;
  if ((protocol === "tcp" || protocol === "udp") && from !== undefined && from !== -1 && to !== undefined && to !== -1) {
    // EC2's range 0-65535 (or the whole range) is every port: no match needed.
    if (!(from <= 0 && to >= 65535)) match += ` -m ${protocol} --dport ${from === to ? from : `${from}:${to}`}`;
  } else if (protocol === "icmp" && from !== undefined && from !== -1) {
    // For icmp, EC2's fromPort is the type and toPort the code (-1: every code).
    match += ` -m icmp --icmp-type ${to !== undefined && to !== -1 ? `${from}/${to}` : from}`;
  }
  return match.trim();
}

export function ingressDocument(rules: readonly AssignedIngressRule[]): IngressDocument {
  const accepts: string[] = [];
  for (const rule of rules) {
    for (const cidr of rule.cidrs) {
      const line = `-A INPUT ${matchOf(rule, cidr)} -j ACCEPT`.replace(/ {2,}/g, " ");
      if (!accepts.includes(line)) accepts.push(line);
    }
  }
  const body = accepts.join("\n");
  const marker = `${INGRESS_MARK_PREFIX}${createHash("sha256").update(body).digest("hex").slice(0, 16)}`;
  const text = [
    "*filter",
    ":INPUT DROP [0:0]",
    ":FORWARD DROP [0:0]",
    ":OUTPUT ACCEPT [0:0]",
    `-A INPUT -i lo -m comment --comment ${marker} -j ACCEPT`,
    "-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
    ...accepts,
    "COMMIT",
    "",
  ].join("\n");
  return { text, marker };
}
