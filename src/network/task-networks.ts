// The node's task networks: observe → plan → execute for one task at a time. Every call goes
// through one queue, and holds the host's network lock (host-lock.ts) against other agents on
// the same kernel, because tasks share host state (a subnet's bridge, the VPC's route, the
// forwarding chain): two set-ups racing to create one bridge, or a tear-down removing a bridge
// that a set-up has just made and not yet used, cannot happen.
import { access, constants } from "node:fs/promises";
import type { AssignedEni } from "../model/index.js";
import { runCommand } from "./command.js";
import { executeSteps } from "./execute.js";
import { HostLock } from "./host-lock.js";
import { namespaceName, namespacePath, resolvConfPath } from "./names.js";
import { type BoundPort, BRIDGE_MODE_GATEWAY, planBridgeSetup, type PortRange, type WantedPort } from "./bridge-mode.js";
import { observeHost, observeListeningPorts, observeNamespace, observePortRange } from "./observe.js";
import { type NetworkStep, planCollect, planSetup, taskIdsOf } from "./plan.js";
import { planCredentialsRule } from "./credentials-rules.js";

export class NetworkSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NetworkSetupError";
  }
}

export interface TaskNetwork {
  /** /var/run/netns/berth-<task id>: what the runtimes join. */
  namespacePath: string;
  namespace: string;
  /** /etc/netns/berth-<task id>/resolv.conf, when the ENI names resolvers. */
  resolvConf?: string;
}

export interface BridgeModeNetwork extends TaskNetwork {
  /** The task's address on the bridge-mode bridge. */
  address: string;
  /** The bridge's address: the host as the task reaches it (the metadata endpoint listens there). */
  gateway: string;
  /** Every port mapping with the host port forwarded to it. */
  bindings: BoundPort[];
}

export class TaskNetworks {
  #queue: Promise<unknown> = Promise.resolve();
  readonly #lock = new HostLock();
  #portRange: Promise<PortRange> | undefined;
  /** The last dynamic host port given: the next continues after it. */
  #lastPort: number | undefined;

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const locked = async () => {
      const release = await this.#lock.acquire();
      try {
        return await fn();
      } finally {
        await release();
      }
    };
    const run = this.#queue.then(locked, locked);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Creates (or completes) the task's namespace and everything it needs; idempotent. With
   * holderPid, the namespace is that process's (a pause container's), named berth-<task id>.
   * With credentialsPort (a task with a task role), its packets to 169.254.170.2 go to the
   * agent's endpoint on that port (credentials-rules.ts).
   */
  ensure(taskId: string, eni: AssignedEni, holderPid?: number, credentialsPort?: number): Promise<TaskNetwork> {
    return this.#serial(async () => {
      const host = await observeHost();
      const namespace = namespaceName(taskId);
      const ns = host.namespaces.includes(namespace) ? await observeNamespace(namespace) : undefined;
      const plan = planSetup(taskId, eni, host, ns, holderPid);
      if (!plan.ok) throw new NetworkSetupError(plan.reason);
      const credentials = credentialsPort === undefined ? undefined : planCredentialsRule(host, { kind: "task", taskId, source: eni.privateIpv4Address, port: credentialsPort });
      await executeSteps(credentials ? [...plan.steps, credentials] : plan.steps);
      return { namespace, namespacePath: namespacePath(namespace), ...(eni.dnsServers.length ? { resolvConf: resolvConfPath(namespace) } : {}) };
    });
  }

  /**
   * A bridge-mode task's namespace on the bridge-mode bridge, its address and its host ports
   * (0: one of the ephemeral range); idempotent: run again, it keeps the address and ports the
   * kernel shows for the task.
   */
  ensureBridgeMode(taskId: string, ports: readonly WantedPort[], credentialsPort?: number): Promise<BridgeModeNetwork> {
    this.#portRange ??= observePortRange();
    return this.#serial(async () => {
      const [host, listening, range] = await Promise.all([observeHost(), observeListeningPorts(), this.#portRange!]);
      const namespace = namespaceName(taskId);
      const ns = host.namespaces.includes(namespace) ? await observeNamespace(namespace) : undefined;
      const plan = planBridgeSetup({ taskId, ports, host, ...(ns ? { ns } : {}), listening, range, ...(this.#lastPort !== undefined ? { lastPort: this.#lastPort } : {}) });
      if (!plan.ok) throw new NetworkSetupError(plan.reason);
      const credentials = credentialsPort === undefined ? undefined : planCredentialsRule(host, { kind: "task", taskId, source: plan.address, port: credentialsPort });
      await executeSteps(credentials ? [...plan.steps, credentials] : plan.steps);
      for (const s of plan.steps) if (s.kind === "addPortRules") for (const r of s.rules) if (!ports.some((p) => p.hostPort === r.hostPort)) this.#lastPort = r.hostPort;
      return { namespace, namespacePath: namespacePath(namespace), address: plan.address, gateway: BRIDGE_MODE_GATEWAY, bindings: plan.bindings };
    });
  }

  /**
   * Packets to 169.254.170.2 arriving on `link` (Docker's bridge, whose containers' addresses
   * Docker gives) go to this port; one agent per link: the last to ask has it. Idempotent.
   */
  ensureBridgeCredentials(link: string, port: number): Promise<void> {
    return this.#serial(async () => {
      const step = planCredentialsRule(await observeHost(), { kind: "bridge", link, port });
      if (step) await executeSteps([step]);
    });
  }

  /** Removes the task's namespace, and the bridge, route and chain once nothing else uses them. */
  release(taskId: string): Promise<NetworkStep[]> {
    return this.#serial(async () => {
      const host = await observeHost();
      const keep = new Set(taskIdsOf(host).filter((id) => id !== taskId));
      const steps = planCollect(host, keep);
      await executeSteps(steps);
      return steps;
    });
  }

  /** Removes every berth namespace whose task is not in `keep` (an agent's restart). */
  collect(keep: ReadonlySet<string>): Promise<NetworkStep[]> {
    return this.#serial(async () => {
      const steps = planCollect(await observeHost(), keep);
      await executeSteps(steps);
      return steps;
    });
  }

  /** Task ids that have a berth namespace on this host. */
  async taskIds(): Promise<string[]> {
    return taskIdsOf(await observeHost());
  }
}

/**
 * Why this host cannot give tasks namespaces, or undefined when it can: berth needs root (the
 * effective uid 0), `ip` with netns support, `iptables-restore` and `nsenter`.
 */
export async function taskNetworkingUnavailable(): Promise<string | undefined> {
  if (process.platform !== "linux") return `task networking needs Linux; this is ${process.platform}`;
  if (process.geteuid?.() !== 0) return "task networking needs root (network namespaces, veths and iptables)";
  try {
    await access("/proc/sys/net/ipv4/conf/default/forwarding", constants.W_OK);
  } catch {
    return "task networking needs a writable /proc/sys/net (it is read-only here)";
  }
  for (const argv of [["ip", "netns", "list"], ["iptables-restore", "--version"], ["nsenter", "--version"]]) {
    const r = await runCommand(argv).catch((err: Error) => ({ code: -1, stderr: err.message, stdout: "" }));
    if (r.code !== 0) return `task networking needs \`${argv.join(" ")}\` to work: ${r.stderr.trim() || `exit ${r.code}`}`;
  }
  return undefined;
}
