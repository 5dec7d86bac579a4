// The credentials address of tasks in namespaces, as iptables nat rules, pure. SDKs read task
// role credentials at http://169.254.170.2 (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI); a task's
// packets to it reach the host through its bridge, and a rule per task redirects them to its
// agent's endpoint on the incoming interface's address (the bridge's, where the metadata server
// listens). Per task — matched by the task's own address — because several agents can share a
// bridge (berth up's two, tests) and each serves its own tasks on its own port; REDIRECT keeps
// the source address, so the agent sees which task asks. Docker's bridge (docker0) has one
// rule per host instead: its containers' addresses are Docker's to give.
//
// Like the port rules, each rule carries whose it is in a comment, so the nat table alone says
// what is there: set-up and collection need no state of the agent's.
/** The link-local address and port SDKs use for container credentials (ECS's). */
export const CREDENTIALS_ADDRESS = "169.254.170.2";
export const CREDENTIALS_PORT = 80;
/** nat chain holding the redirects, one rule per task (and one for Docker's bridge). */
export const CREDENTIALS_CHAIN = "BERTH-CREDENTIALS";
/** A task's rule: `berth-credentials:<task id>`. */
export const CREDENTIALS_COMMENT_PREFIX = "berth-credentials:";
/** Docker's bridge's rule: `berth-credentials-bridge:<interface>`. */
export const CREDENTIALS_BRIDGE_COMMENT_PREFIX = "berth-credentials-bridge:";

export type CredentialsRule =
  /** Packets from a task's address (awsvpc ENI, bridge-mode address) go to its agent's port. */
  | { kind: "task"; taskId: string; source: string; port: number }
  /** Packets arriving on a bridge whose senders the agent does not know (docker0). */
  | { kind: "bridge"; link: string; port: number };

const JUMP = `-A PREROUTING -d ${CREDENTIALS_ADDRESS}/32 -p tcp -m tcp --dport ${CREDENTIALS_PORT} -j ${CREDENTIALS_CHAIN}`;
const CHAIN_LINE = `:${CREDENTIALS_CHAIN} - [0:0]`;

/** The rule as iptables-save prints it (so observation and removal use the same text). */
export function credentialsRuleLine(r: CredentialsRule): string {
  return r.kind === "task"
    ? `-A ${CREDENTIALS_CHAIN} -s ${r.source}/32 -p tcp -m comment --comment "${CREDENTIALS_COMMENT_PREFIX}${r.taskId}" -j REDIRECT --to-ports ${r.port}`
    : `-A ${CREDENTIALS_CHAIN} -i ${r.link} -p tcp -m comment --comment "${CREDENTIALS_BRIDGE_COMMENT_PREFIX}${r.link}" -j REDIRECT --to-ports ${r.port}`;
}

const TASK_RULE = new RegExp(`^-A ${CREDENTIALS_CHAIN} -s ([0-9.]+)/32 -p tcp -m comment --comment "?${CREDENTIALS_COMMENT_PREFIX}([^" ]+)"? -j REDIRECT --to-ports (\\d+)$`);
const BRIDGE_RULE = new RegExp(`^-A ${CREDENTIALS_CHAIN} -i (\\S+) -p tcp -m comment --comment "?${CREDENTIALS_BRIDGE_COMMENT_PREFIX}[^" ]+"? -j REDIRECT --to-ports (\\d+)$`);

/** berth's credentials redirects in iptables-save output (other lines are ignored). */
export function parseCredentialsRules(iptablesSave: string): CredentialsRule[] {
  const out: CredentialsRule[] = [];
  for (const raw of iptablesSave.split("\n")) {
    const line = raw.trim();
    const t = TASK_RULE.exec(line);
    if (t) {
      out.push({ kind: "task", source: t[1]!, taskId: t[2]!, port: Number(t[3]) });
      continue;
    }
    const b = BRIDGE_RULE.exec(line);
    if (b) out.push({ kind: "bridge", link: b[1]!, port: Number(b[2]) });
  }
  return out;
}

/** What of the chain itself the nat table shows. */
export interface CredentialsChainState {
  /** The chain exists. */
  chain: boolean;
  /** How many times PREROUTING jumps to it (one when set up). */
  jumps: number;
}

export function credentialsChainState(iptablesSave: string): CredentialsChainState {
  let chain = false;
  let jumps = 0;
  for (const raw of iptablesSave.split("\n")) {
    const line = raw.trim();
    if (line === CHAIN_LINE) chain = true;
    else if (line === JUMP) jumps++;
  }
  return { chain, jumps };
}

/**
 * For `iptables-restore --noflush`, one transaction: the chain (only when absent: declaring an
 * existing chain would empty it), PREROUTING's jump (when absent), rules deleted, rules added.
 */
export function credentialsRulesDocument(step: { createChain: boolean; addJump: boolean; remove: readonly CredentialsRule[]; add: readonly CredentialsRule[] }): string {
  return [
    "*nat",
    ...(step.createChain ? [CHAIN_LINE] : []),
    ...step.remove.map((r) => credentialsRuleLine(r).replace(/^-A /, "-D ")),
    ...step.add.map(credentialsRuleLine),
    ...(step.addJump ? [JUMP.replace(/^-A PREROUTING /, "-I PREROUTING 1 ")] : []),
    "COMMIT",
    "",
  ].join("\n");
}

/** For `iptables-restore --noflush`: every observed jump, then the (empty) chain, go. */
export function removeCredentialsChainDocument(jumps: number): string {
  const deletes = Array.from({ length: jumps }, () => JUMP.replace(/^-A /, "-D "));
  return ["*nat", ...deletes, CHAIN_LINE, `-X ${CREDENTIALS_CHAIN}`, "COMMIT", ""].join("\n");
}

export interface CredentialsHostView {
  credentialsChain: CredentialsChainState;
  credentialsRules: CredentialsRule[];
}

/**
 * The step that makes `wanted` the only credentials rule of its owner (a task id, or a bridge):
 * nothing when it is there already; otherwise the owner's other rules go (a restarted agent on
 * another port, a task address that changed) and it is added. Undefined: nothing to do.
 */
export function planCredentialsRule(host: CredentialsHostView, wanted: CredentialsRule): CredentialsStep | undefined {
  const same = (r: CredentialsRule) => credentialsRuleLine(r) === credentialsRuleLine(wanted);
  const owned = host.credentialsRules.filter((r) => ownerOf(r) === ownerOf(wanted));
  const present = owned.some(same);
  const remove = owned.filter((r) => !same(r));
  const createChain = !host.credentialsChain.chain;
  const addJump = host.credentialsChain.jumps === 0;
  if (present && remove.length === 0 && !createChain && !addJump) return undefined;
  return { kind: "credentialsRules", createChain, addJump, remove, add: present ? [] : [wanted] };
}

/**
 * The steps that remove the task rules of tasks not in `keep` (with their namespaces), and the
 * chain once no rule at all is left. Docker's bridge rule is the agent's, not a task's: it stays.
 */
export function planCredentialsCollect(host: CredentialsHostView, keep: ReadonlySet<string>): CredentialsStep[] {
  const stray = host.credentialsRules.filter((r) => r.kind === "task" && !keep.has(r.taskId));
  const steps: CredentialsStep[] = [];
  if (stray.length) steps.push({ kind: "credentialsRules", createChain: false, addJump: false, remove: stray, add: [] });
  const left = host.credentialsRules.length - stray.length;
  if (left === 0 && (host.credentialsChain.chain || host.credentialsChain.jumps > 0)) steps.push({ kind: "removeCredentialsChain", jumps: host.credentialsChain.jumps });
  return steps;
}

export type CredentialsStep =
  | { kind: "credentialsRules"; createChain: boolean; addJump: boolean; remove: CredentialsRule[]; add: CredentialsRule[] }
  | { kind: "removeCredentialsChain"; jumps: number };

function ownerOf(r: CredentialsRule): string {
  return r.kind === "task" ? `task:${r.taskId}` : `bridge:${r.link}`;
}
