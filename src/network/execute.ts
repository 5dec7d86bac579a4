// Act: the steps of plan.ts as ip/iptables calls. Consecutive ip steps for one namespace (or
// the host) go to one `ip -batch -`, so a task's set-up costs a handful of processes; each line
// is idempotent (`replace` where ip has it), so re-running a plan after a crash is safe.
import { mkdir, rm, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { inNamespace, mustRun, runCommand } from "./command.js";
import { forwardChainDocument, removeForwardChainDocument } from "./host-rules.js";
import { PORTS_CHAIN, PORTS_MASQUERADE_CHAIN, resolvConfPath, ROUTE_PROTOCOL } from "./names.js";
import type { NetworkStep } from "./plan.js";
import { masqueradeDocument, natJumps, portRulesDocument } from "./port-rules.js";
import { credentialsRulesDocument, removeCredentialsChainDocument } from "./credentials-rules.js";

/** One ip command line (without `ip`), and the namespace it runs in (undefined: the host). */
interface IpLine {
  namespace: string | undefined;
  line: string;
}

function ipLine(step: NetworkStep): IpLine | undefined {
  const host = (line: string): IpLine => ({ namespace: undefined, line });
  const inNs = (ns: string | undefined, line: string): IpLine => ({ namespace: ns, line });
  switch (step.kind) {
    case "addUnreachableRoute":
      return host(`route replace unreachable ${step.cidr} proto ${ROUTE_PROTOCOL}`);
    case "deleteUnreachableRoute":
      return host(`route del unreachable ${step.cidr} proto ${ROUTE_PROTOCOL}`);
    case "createBridge":
      return host(`link add ${step.bridge} type bridge`);
    case "createNamespace":
      return host(`netns add ${step.namespace}`);
    case "attachNamespace":
      return host(`netns attach ${step.namespace} ${step.pid}`);
    case "deleteNamespace":
      return host(`netns del ${step.namespace}`);
    case "createVeth":
      return host(`link add ${step.host} type veth peer name ${step.peer} address ${step.mac} netns ${step.namespace}`);
    case "deleteLink":
      return host(`link del ${step.link}`);
    case "setMaster":
      return host(`link set ${step.link} master ${step.bridge}`);
    case "setUp":
      return inNs(step.namespace, `link set ${step.link} up`);
    case "addAddress":
      return inNs(step.namespace, `addr replace ${step.cidr} dev ${step.link}`);
    case "setDefaultRoute":
      return inNs(step.namespace, `route replace default via ${step.gateway} dev ${step.link}`);
    case "setAlias":
      return host(`link set ${step.link} alias ${step.alias}`);
    default:
      return undefined;
  }
}

async function runOther(step: NetworkStep): Promise<void> {
  switch (step.kind) {
    case "allowForwarding":
      // The plan knows from the observation (under the host lock) whether FORWARD's jump is there.
      await mustRun(["iptables-restore", "-w", "--noflush"], forwardChainDocument(step.addJump));
      return;
    case "removeForwarding":
      // Every observed jump (one added twice by hand or by a crash too), then the chain, in one commit.
      await mustRun(["iptables-restore", "-w", "--noflush"], removeForwardChainDocument(step.jumps));
      return;
    case "enableForwarding":
      await writeFile(`/proc/sys/net/ipv4/conf/${step.link}/forwarding`, "1\n");
      return;
    case "enableRouteLocalnet":
      await writeFile(`/proc/sys/net/ipv4/conf/${step.link}/route_localnet`, "1\n");
      return;
    case "allowPortForwarding": {
      if ((await runCommand(["iptables", "-w", "-t", "nat", "-S", PORTS_CHAIN])).code !== 0) await mustRun(["iptables", "-w", "-t", "nat", "-N", PORTS_CHAIN]);
      await mustRun(["iptables-restore", "-w", "--noflush"], masqueradeDocument());
      for (const j of natJumps()) {
        const present = await runCommand(["iptables", "-w", "-t", "nat", "-C", j.chain, ...j.args]);
        if (present.code !== 0) await mustRun(["iptables", "-w", "-t", "nat", "-I", j.chain, "1", ...j.args]);
      }
      return;
    }
    case "removePortForwarding":
      for (const j of natJumps()) while ((await runCommand(["iptables", "-w", "-t", "nat", "-D", j.chain, ...j.args])).code === 0);
      for (const chain of [PORTS_CHAIN, PORTS_MASQUERADE_CHAIN]) {
        if ((await runCommand(["iptables", "-w", "-t", "nat", "-F", chain])).code === 0) await mustRun(["iptables", "-w", "-t", "nat", "-X", chain]);
      }
      return;
    case "addPortRules":
      await mustRun(["iptables-restore", "-w", "--noflush"], portRulesDocument(step.rules, "add"));
      return;
    case "removePortRules":
      await mustRun(["iptables-restore", "-w", "--noflush"], portRulesDocument(step.rules, "remove"));
      return;
    case "credentialsRules":
      await mustRun(["iptables-restore", "-w", "--noflush"], credentialsRulesDocument(step));
      return;
    case "removeCredentialsChain":
      await mustRun(["iptables-restore", "-w", "--noflush"], removeCredentialsChainDocument(step.jumps));
      return;
    case "applyIngress":
      await mustRun(inNamespace(step.namespace, ["iptables-restore", "-w"]), step.rules);
      return;
    case "writeResolvConf": {
      const path = resolvConfPath(step.namespace);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, step.content);
      return;
    }
    case "removeNamespaceConfig":
      await rm(dirname(resolvConfPath(step.namespace)), { recursive: true, force: true });
      return;
    default:
      throw new Error(`no executor for network step ${step.kind}`);
  }
}

/** Steps inside a namespace that need only the namespace itself: they run beside its ip batch. */
const BESIDE_THE_BATCH = new Set<NetworkStep["kind"]>(["applyIngress", "writeResolvConf"]);

/**
 * Steps that need nothing else of the plan: they start at once and run beside everything after
 * them. The forwarding chain's rules match bridges by name pattern, so they need no link to
 * exist; they are in place before executeSteps returns, so before any task traffic.
 */
const INDEPENDENT = new Set<NetworkStep["kind"]>(["allowForwarding"]);

/**
 * Applies steps in order (but for the independent ones); the first failure throws (CommandError)
 * and leaves the rest undone.
 * The namespace's rules and resolv.conf are written while its ip batch runs (they depend on the
 * namespace existing, which an earlier host batch made, not on its addresses or routes).
 */
export async function executeSteps(steps: readonly NetworkStep[]): Promise<void> {
  const beside: Promise<void>[] = [];
  try {
    await executeInOrder(steps, beside);
  } finally {
    // Every started step has ended before this returns, failed or not.
    const results = await Promise.allSettled(beside);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) throw failed.reason;
  }
}

async function executeInOrder(steps: readonly NetworkStep[], beside: Promise<void>[]): Promise<void> {
  let batch: IpLine[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const ns = batch[0]!.namespace;
    const input = batch.map((b) => b.line).join("\n") + "\n";
    batch = [];
    await mustRun(["ip", ...(ns ? ["-n", ns] : []), "-batch", "-"], input);
  };
  for (const step of steps) {
    const line = ipLine(step);
    if (line) {
      if (batch.length && batch[0]!.namespace !== line.namespace) await flush();
      batch.push(line);
      continue;
    }
    if (INDEPENDENT.has(step.kind)) {
      beside.push(runOther(step));
      continue;
    }
    if (BESIDE_THE_BATCH.has(step.kind) && batch.length > 0 && "namespace" in step && batch[0]!.namespace === step.namespace) {
      beside.push(runOther(step));
      continue;
    }
    await flush();
    await runOther(step);
  }
  await flush();
}
