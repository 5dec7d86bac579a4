// Host ports of bridge-mode tasks as iptables nat rules, pure. A connection from the host to one
// of its own addresses (127.0.0.1 included) or from a berth bridge to the host, on a task's host
// port, is DNAT'ed to the task's address and container port; connections DNAT'ed into the
// bridge-mode bridge are masqueraded to its address, so the task answers the bridge, never
// 127.0.0.1 (its own loopback). Rules live in the kernel: they keep working while the agent is
// down (a kill -9), and each carries its task id in a comment, so observing the nat table says
// which ports are whose without any state of the agent's.
import { BRIDGE_MODE_BRIDGE, BRIDGE_PREFIX, PORT_COMMENT_PREFIX, PORTS_CHAIN, PORTS_MASQUERADE_CHAIN } from "./names.js";

export interface PortRule {
  taskId: string;
  protocol: "tcp" | "udp";
  hostPort: number;
  /** The task's address on the bridge-mode bridge. */
  address: string;
  containerPort: number;
}

/** The rule as iptables-save prints it (so observation and removal use the same text). */
export function portRuleLine(r: PortRule): string {
  return `-A ${PORTS_CHAIN} -p ${r.protocol} -m ${r.protocol} --dport ${r.hostPort} -m comment --comment "${PORT_COMMENT_PREFIX}${r.taskId}" -j DNAT --to-destination ${r.address}:${r.containerPort}`;
}

const RULE = new RegExp(
  `^-A ${PORTS_CHAIN} -p (tcp|udp) -m (?:tcp|udp) --dport (\\d+) -m comment --comment "?${PORT_COMMENT_PREFIX}([^" ]+)"? -j DNAT --to-destination ([0-9.]+):(\\d+)$`,
);

/** Berth's port rules in iptables-save output (any table's lines may be in it; others are ignored). */
export function parsePortRules(iptablesSave: string): PortRule[] {
  const out: PortRule[] = [];
  for (const line of iptablesSave.split("\n")) {
    const m = RULE.exec(line.trim());
    if (!m) continue;
    out.push({ protocol: m[1] as "tcp" | "udp", hostPort: Number(m[2]), taskId: m[3]!, address: m[4]!, containerPort: Number(m[5]) });
  }
  return out;
}

/** For `iptables-restore --noflush`: rules appended (add) or deleted (remove) in one transaction. */
export function portRulesDocument(rules: readonly PortRule[], op: "add" | "remove"): string {
  const lines = rules.map((r) => (op === "add" ? portRuleLine(r) : portRuleLine(r).replace(/^-A /, "-D ")));
  return ["*nat", ...lines, "COMMIT", ""].join("\n");
}

// The fixed part. OUTPUT: the host's own connections to any local address; PREROUTING: only
// from berth's bridges (a task reaching another task's host port at the bridge address), so
// nothing from outside the machine is ever sent into a task network.
const JUMPS = [
  `-A OUTPUT -m addrtype --dst-type LOCAL -j ${PORTS_CHAIN}`,
  `-A PREROUTING -i ${BRIDGE_PREFIX}+ -m addrtype --dst-type LOCAL -j ${PORTS_CHAIN}`,
  `-A POSTROUTING -j ${PORTS_MASQUERADE_CHAIN}`,
];
const MASQUERADE = [`-A ${PORTS_MASQUERADE_CHAIN} -o ${BRIDGE_MODE_BRIDGE} -m conntrack --ctstate DNAT -j MASQUERADE`];

/** The jumps into berth's chains as iptables arguments, e.g. ["-t","nat","-A","OUTPUT",...] without the -A. */
export function natJumps(): { chain: string; args: string[] }[] {
  return JUMPS.map((line) => {
    const [, chain, ...args] = line.split(" ");
    return { chain: chain!, args };
  });
}

/** For `iptables-restore --noflush`: the masquerade chain, emptied and filled (the ports chain is made apart: its rules are tasks'). */
export function masqueradeDocument(): string {
  return ["*nat", `:${PORTS_MASQUERADE_CHAIN} - [0:0]`, ...MASQUERADE, "COMMIT", ""].join("\n");
}

/** Whether iptables-save's nat table holds the ports chain, the masquerade rule and the jumps. */
export function natRulesPresent(iptablesSave: string): boolean {
  const lines = new Set(iptablesSave.split("\n").map((l) => l.trim()));
  return lines.has(`:${PORTS_CHAIN} - [0:0]`) && [...JUMPS, ...MASQUERADE].every((r) => lines.has(r));
}
