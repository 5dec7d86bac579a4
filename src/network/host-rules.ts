// The host's filter rules for berth's bridges, pure. Docker sets FORWARD's policy to DROP and
// br_netfilter sends bridged frames through FORWARD too, so tasks on one bridge need a rule to
// reach each other at all; and nothing a task sends may leave through another interface (task
// networks are host-local: no NAT, no route out), nor may anything from outside reach a bridge.
import { BRIDGE_PREFIX, FORWARD_CHAIN } from "./names.js";

const RULES = [
  `-A ${FORWARD_CHAIN} -i ${BRIDGE_PREFIX}+ -o ${BRIDGE_PREFIX}+ -j ACCEPT`,
  `-A ${FORWARD_CHAIN} -i ${BRIDGE_PREFIX}+ -j DROP`,
  `-A ${FORWARD_CHAIN} -o ${BRIDGE_PREFIX}+ -j DROP`,
];
const JUMP = `-A FORWARD -j ${FORWARD_CHAIN}`;

/**
 * For `iptables-restore --noflush`: declaring the chain empties it, then its rules go in, and
 * FORWARD's jump when the observation found none. One process instead of a restore plus an
 * `iptables -C` and `-I`: each iptables process is 5–15 ms, and this is on a task's launch path.
 */
export function forwardChainDocument(addJump: boolean): string {
  return ["*filter", `:${FORWARD_CHAIN} - [0:0]`, ...RULES, ...(addJump ? [`-I FORWARD 1 -j ${FORWARD_CHAIN}`] : []), "COMMIT", ""].join("\n");
}

/** For `iptables-restore --noflush`: FORWARD's jumps (as many as observed), then the chain, go. */
export function removeForwardChainDocument(jumps: number): string {
  const deletes = Array.from({ length: jumps }, () => `-D FORWARD -j ${FORWARD_CHAIN}`);
  return ["*filter", ...deletes, `:${FORWARD_CHAIN} - [0:0]`, `-X ${FORWARD_CHAIN}`, "COMMIT", ""].join("\n");
}

/** How many times iptables-save's filter table shows FORWARD jumping to the chain. */
export function forwardJumpCount(iptablesSave: string): number {
  let n = 0;
  for (const l of iptablesSave.split("\n")) if (l.trim() === JUMP) n++;
  return n;
}

/** Whether iptables-save's filter table holds the chain's rules and FORWARD's jump to it. */
export function forwardRulesPresent(iptablesSave: string): boolean {
  const lines = new Set(iptablesSave.split("\n").map((l) => l.trim()));
  return lines.has(JUMP) && RULES.every((r) => lines.has(r));
}
