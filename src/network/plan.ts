// Decide, purely: from a task's AssignedEni and what observe.ts saw, the steps that bring the
// host and the task's namespace to the wanted state (planSetup), or that remove what no task
// needs anymore (planCollect). Each step is idempotent on its own; a plan after a crash half-way
// lists only what is missing. The executor (execute.ts) turns steps into ip/iptables calls.
// Bridge-mode tasks (bridge-mode.ts) share the namespace and veth names, so planCollect removes
// both kinds alike, with a bridge-mode task's host port rules.
import type { AssignedEni } from "../model/index.js";
import { blockOf, cidrContains, normalCidr, withPrefix } from "./cidr.js";
import { ingressDocument } from "./ingress-rules.js";
import {
  BRIDGE_MODE_BRIDGE,
  BRIDGE_PREFIX,
  bridgeName,
  HOST_VETH_PREFIX,
  hostVethName,
  namespaceName,
  TASK_INTERFACE,
  taskIdOfNamespace,
} from "./names.js";
import { EMPTY_NAMESPACE, type HostObservation, type LinkState, type NamespaceObservation } from "./observation.js";
import type { PortRule } from "./port-rules.js";
import { planCredentialsCollect, type CredentialsStep } from "./credentials-rules.js";

export type NetworkStep =
  /** The host's BERTH-FORWARD chain: bridge to bridge passes, anything else from or to a bridge is dropped. */
  | { kind: "allowForwarding"; addJump: boolean }
  /** jumps: how many of FORWARD's jumps to the chain were observed (all go). */
  | { kind: "removeForwarding"; jumps: number }
  | { kind: "addUnreachableRoute"; cidr: string }
  | { kind: "deleteUnreachableRoute"; cidr: string }
  | { kind: "createBridge"; bridge: string }
  /** Routing between subnets of one VPC goes through the host: per bridge, not the host's ip_forward. */
  | { kind: "enableForwarding"; link: string }
  | { kind: "createNamespace"; namespace: string }
  /** Names the network namespace of process `pid` (the docker runtime's pause container). */
  | { kind: "attachNamespace"; namespace: string; pid: number }
  | { kind: "deleteNamespace"; namespace: string }
  | { kind: "removeNamespaceConfig"; namespace: string }
  /** A veth pair: `host` on the host, `peer` (with the ENI's MAC) inside `namespace`. */
  | { kind: "createVeth"; host: string; peer: string; mac: string; namespace: string }
  | { kind: "deleteLink"; link: string }
  | { kind: "setMaster"; link: string; bridge: string }
  /** namespace absent: on the host. */
  | { kind: "setUp"; link: string; namespace?: string }
  | { kind: "addAddress"; link: string; cidr: string; namespace?: string }
  | { kind: "setDefaultRoute"; namespace: string; gateway: string; link: string }
  | { kind: "applyIngress"; namespace: string; rules: string; marker: string }
  | { kind: "writeResolvConf"; namespace: string; content: string }
  /** Bridge mode: the veth's alias, where the kernel keeps the task's address for the next observation. */
  | { kind: "setAlias"; link: string; alias: string }
  /** Bridge mode: route_localnet=1 on the bridge (DNAT of 127.0.0.1 into it). */
  | { kind: "enableRouteLocalnet"; link: string }
  /** Bridge mode: the nat chains (ports, masquerade) and the jumps to them. */
  | { kind: "allowPortForwarding" }
  | { kind: "removePortForwarding" }
  | { kind: "addPortRules"; rules: PortRule[] }
  | { kind: "removePortRules"; rules: PortRule[] }
  /** Task role credentials: 169.254.170.2 redirected to the agents (credentials-rules.ts). */
  | CredentialsStep;

export type SetupPlan = { ok: true; steps: NetworkStep[] } | { ok: false; reason: string };

const link = (links: readonly LinkState[], name: string) => links.find((l) => l.name === name);

export function resolvConf(servers: readonly string[]): string {
  return servers.map((s) => `nameserver ${s}\n`).join("");
}

/**
 * The steps that give task `taskId` its network: berth's host set-up (forwarding chain, the
 * VPC's unreachable route, the subnet's bridge holding the gateway address), the namespace, a
 * veth with the ENI's MAC from the bridge into it, the address, lo and eth0 up, the default
 * route, the ingress rules and resolv.conf. `ns` is the namespace's observation (absent when the
 * namespace does not exist).
 */
export function planSetup(
  taskId: string,
  eni: AssignedEni,
  host: HostObservation,
  ns: NamespaceObservation | undefined,
  /** The process whose namespace becomes the task's (a pause container); absent: a new one. */
  holderPid?: number,
): SetupPlan {
  const steps: NetworkStep[] = [];
  const bridge = bridgeName(eni.subnetId);
  const gatewayCidr = withPrefix(eni.gatewayIpv4Address, eni.subnetCidr);
  const vpcCidr = normalCidr(eni.vpcCidr);
  if (!cidrContains(eni.subnetCidr, eni.privateIpv4Address) || !cidrContains(eni.subnetCidr, eni.gatewayIpv4Address)) {
    return { ok: false, reason: `address ${eni.privateIpv4Address} or gateway ${eni.gatewayIpv4Address} is outside subnet ${eni.subnetId} (${eni.subnetCidr})` };
  }
  // Two bridges holding overlapping subnets (two VPCs with one CIDR on one host) would make the
  // host's routes ambiguous: refuse instead of reaching the wrong task. A berth bridge with no
  // port left is no one's (a subnet whose tasks are gone, from a run that ended before its
  // tear-down); under the host lock nobody is adding one, so it goes instead.
  const stale: string[] = [];
  for (const other of host.links) {
    if (!other.name.startsWith(BRIDGE_PREFIX) || other.name === bridge) continue;
    const clash = other.addresses.find((a) => cidrContains(eni.subnetCidr, a) || cidrContains(a, eni.gatewayIpv4Address));
    if (!clash) continue;
    if (other.name !== BRIDGE_MODE_BRIDGE && !host.links.some((l) => l.master === other.name)) {
      stale.push(other.name);
      continue;
    }
    return { ok: false, reason: `subnet ${eni.subnetId} (${eni.subnetCidr}) overlaps the subnet of bridge ${other.name} (${clash}) on this host` };
  }
  for (const name of stale) steps.push({ kind: "deleteLink", link: name });

  if (!host.forwarding) steps.push({ kind: "allowForwarding", addJump: host.forwardJumps === 0 });
  if (!host.unreachable.some((r) => sameCidr(r, vpcCidr))) steps.push({ kind: "addUnreachableRoute", cidr: vpcCidr });
  const br = link(host.links, bridge);
  if (!br) steps.push({ kind: "createBridge", bridge });
  if (!br?.addresses.includes(gatewayCidr)) steps.push({ kind: "addAddress", link: bridge, cidr: gatewayCidr });
  if (!br?.up) steps.push({ kind: "setUp", link: bridge });

  const namespace = namespaceName(taskId);
  const inside = host.namespaces.includes(namespace) ? (ns ?? EMPTY_NAMESPACE) : EMPTY_NAMESPACE;
  if (!host.namespaces.includes(namespace)) {
    steps.push(holderPid === undefined ? { kind: "createNamespace", namespace } : { kind: "attachNamespace", namespace, pid: holderPid });
  }
  const veth = hostVethName(taskId);
  const hostEnd = link(host.links, veth);
  if (!hostEnd) steps.push({ kind: "createVeth", host: veth, peer: TASK_INTERFACE, mac: eni.macAddress, namespace });
  if (hostEnd?.master !== bridge) steps.push({ kind: "setMaster", link: veth, bridge });
  if (!hostEnd?.up) steps.push({ kind: "setUp", link: veth });
  // After the host's ip lines rather than beside the bridge's: a /proc write between them would
  // split the host's `ip -batch` in two processes. Nothing crosses the bridge before the task runs.
  if (!br?.forwarding) steps.push({ kind: "enableForwarding", link: bridge });

  if (!link(inside.links, "lo")?.up) steps.push({ kind: "setUp", link: "lo", namespace });
  const eth = link(inside.links, TASK_INTERFACE);
  const address = withPrefix(eni.privateIpv4Address, eni.subnetCidr);
  if (!eth?.addresses.includes(address)) steps.push({ kind: "addAddress", link: TASK_INTERFACE, cidr: address, namespace });
  if (!eth?.up) steps.push({ kind: "setUp", link: TASK_INTERFACE, namespace });
  if (inside.defaultGateway !== eni.gatewayIpv4Address) {
    steps.push({ kind: "setDefaultRoute", namespace, gateway: eni.gatewayIpv4Address, link: TASK_INTERFACE });
  }
  const ingress = ingressDocument(eni.ingress);
  if (inside.ingressMarker !== ingress.marker) steps.push({ kind: "applyIngress", namespace, rules: ingress.text, marker: ingress.marker });
  const conf = resolvConf(eni.dnsServers);
  if (conf && inside.resolvConf !== conf) steps.push({ kind: "writeResolvConf", namespace, content: conf });
  return { ok: true, steps };
}

function sameCidr(a: string, b: string): boolean {
  const x = blockOf(a);
  const y = blockOf(b);
  return x.base === y.base && x.prefix === y.prefix;
}

/**
 * The steps that remove every berth namespace whose task is not in `keep` (with its veth and
 * resolv.conf), then what no kept task needs: bridges without ports, unreachable routes that
 * cover no remaining bridge, and the forwarding chain once no bridge is left. A task's
 * tear-down is planCollect with every other task kept; the agent's restart sweep keeps the
 * tasks it has records for.
 */
export function planCollect(host: HostObservation, keep: ReadonlySet<string>): NetworkStep[] {
  const steps: NetworkStep[] = [];
  const kept = (namespace: string) => {
    const id = taskIdOfNamespace(namespace);
    return id === undefined || keep.has(id);
  };
  // Host ports of tasks not kept: the ports are free once the task's namespace is gone.
  const strayPorts = host.portRules.filter((r) => !keep.has(r.taskId));
  if (strayPorts.length) steps.push({ kind: "removePortRules", rules: strayPorts });
  // Likewise the redirect of a task's credentials address, and the chain once none is left.
  steps.push(...planCredentialsCollect(host, keep));
  for (const namespace of host.namespaces) {
    if (kept(namespace)) continue;
    // The veth goes first and explicitly: a namespace that a pause container also holds
    // outlives its name, and its veth would stay on the bridge until the container is gone.
    const veth = hostVethName(taskIdOfNamespace(namespace) ?? "");
    if (host.links.some((l) => l.name === veth)) steps.push({ kind: "deleteLink", link: veth });
    steps.push({ kind: "deleteNamespace", namespace });
  }

  // A veth is made with its peer inside the namespace and dies with it, so a host end never
  // outlives its namespace; the ports a bridge keeps are the kept tasks' veths.
  const keptVeths = new Set([...keep].map(hostVethName));
  const remainingPorts = host.links.filter((l) => l.name.startsWith(HOST_VETH_PREFIX) && keptVeths.has(l.name));
  const gone = new Set<string>();
  const bridges = host.links.filter((l) => l.name.startsWith(BRIDGE_PREFIX));
  for (const b of bridges) {
    if (remainingPorts.some((p) => p.master === b.name)) continue;
    steps.push({ kind: "deleteLink", link: b.name });
    gone.add(b.name);
  }
  const remaining = bridges.filter((b) => !gone.has(b.name));
  for (const route of host.unreachable) {
    if (!remaining.some((b) => b.addresses.some((a) => cidrContains(route, a)))) steps.push({ kind: "deleteUnreachableRoute", cidr: route });
  }
  if (host.forwarding && remaining.length === 0) steps.push({ kind: "removeForwarding", jumps: host.forwardJumps });
  // The nat chains serve bridge-mode tasks only: they go with the bridge-mode bridge.
  if (host.portForwarding && !remaining.some((b) => b.name === BRIDGE_MODE_BRIDGE)) steps.push({ kind: "removePortForwarding" });
  // Last, so that the host's ip lines above go to one `ip -batch` process.
  for (const namespace of host.configDirs) if (!kept(namespace)) steps.push({ kind: "removeNamespaceConfig", namespace });
  return steps;
}

/** Berth's namespaces on the host, as task ids. */
export function taskIdsOf(host: HostObservation): string[] {
  return host.namespaces.flatMap((n) => taskIdOfNamespace(n) ?? []);
}
