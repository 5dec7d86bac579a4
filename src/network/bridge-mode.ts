// Decide, purely: the network of a bridge-mode task on the process runtime, as Docker's bridge
// gives a container: a namespace of its own on one host bridge (bbr-bridge, like docker0), an
// address on it, a default route via the bridge, and its port mappings published on the host
// (static host ports as given, 0 or absent → a free port of the ephemeral range), as DNAT rules.
// The address is picked from what the kernel shows (the aliases of berth's host veths), under
// the host lock, so two agents on one kernel never pick the same and nothing is persisted; the
// host ports likewise from the observed rules and the host's listening sockets.
import { formatIpv4, parseIpv4 } from "../model/index.js";
import { blockOf, cidrContains, withPrefix } from "./cidr.js";
import {
  BRIDGE_MODE_ALIAS_PREFIX,
  BRIDGE_MODE_BRIDGE,
  BRIDGE_PREFIX,
  HOST_VETH_PREFIX,
  hostVethName,
  namespaceName,
  TASK_INTERFACE,
} from "./names.js";
import { EMPTY_NAMESPACE, type HostObservation, type LinkState, type NamespaceObservation } from "./observation.js";
import type { NetworkStep } from "./plan.js";
import type { PortRule } from "./port-rules.js";

/**
 * Bridge-mode tasks' addresses: 10.254.0.0/18 on the bridge (gateway .1), inside 10.254.0.0/16,
 * which holds berth's unreachable route. Private (RFC 1918), apart from the default VPC's
 * 172.31.0.0/16, Docker's 172.17.0.0/16 and its default pools (172.17–31/16, 192.168/20s).
 */
export const BRIDGE_MODE_ROUTE = "10.254.0.0/16";
export const BRIDGE_MODE_SUBNET = "10.254.0.0/18";
export const BRIDGE_MODE_GATEWAY = "10.254.0.1";

/** ECS's fallback ephemeral range on Linux, when /proc/sys/net/ipv4/ip_local_port_range cannot be read. */
export const FALLBACK_PORT_RANGE: PortRange = { low: 49153, high: 65535 };

export interface PortRange {
  low: number;
  high: number;
}

/** One port mapping of one container; hostPort 0: dynamic. */
export interface WantedPort {
  containerName: string;
  containerPort: number;
  hostPort: number;
  protocol: "tcp" | "udp";
}

export interface BoundPort extends WantedPort {
  /** Never 0: the port the host forwards. */
  hostPort: number;
}

export type BridgeSetupPlan =
  | { ok: true; steps: NetworkStep[]; address: string; bindings: BoundPort[] }
  | { ok: false; reason: string };

/** The task address a host veth's alias names, if it is a bridge-mode veth's. */
export function aliasAddress(link: LinkState): string | undefined {
  return link.alias?.startsWith(BRIDGE_MODE_ALIAS_PREFIX) ? link.alias.slice(BRIDGE_MODE_ALIAS_PREFIX.length) : undefined;
}

/** The lowest address of the bridge-mode subnet that is not the gateway and no veth names; undefined when full. */
export function pickAddress(taken: ReadonlySet<string>): string | undefined {
  const block = blockOf(BRIDGE_MODE_SUBNET);
  const size = 2 ** (32 - block.prefix);
  // From .2 (.1 is the gateway) to the one before broadcast.
  for (let i = 2; i < size - 1; i++) {
    const ip = formatIpv4((block.base + i) >>> 0);
    if (!taken.has(ip)) return ip;
  }
  return undefined;
}

/**
 * The first port of the range after `after` (wrapping to the range's start) that is not taken;
 * undefined when every port is. Sequential, as Docker's allocator is, so a port just given back
 * is not handed out again at once (a client of the old task would reach the new one).
 */
export function pickHostPort(range: PortRange, taken: ReadonlySet<number>, after?: number): number | undefined {
  const count = range.high - range.low + 1;
  const start = after !== undefined && after >= range.low && after < range.high ? after + 1 : range.low;
  for (let i = 0; i < count; i++) {
    const port = range.low + ((start - range.low + i) % count);
    if (!taken.has(port)) return port;
  }
  return undefined;
}

/** A MAC from the address, as Docker makes them (02:42 and the four address bytes). */
export function macOf(address: string): string {
  const n = parseIpv4(address) ?? 0;
  return ["02", "42", ...[24, 16, 8, 0].map((s) => ((n >>> s) & 0xff).toString(16).padStart(2, "0"))].join(":");
}

export interface BridgeSetupInput {
  taskId: string;
  ports: readonly WantedPort[];
  host: HostObservation;
  /** The task's namespace, when it exists. */
  ns?: NamespaceObservation;
  /** "tcp/8080": ports some program listens on on the host (a dynamic port avoids them). */
  listening: ReadonlySet<string>;
  range: PortRange;
  /** The last dynamic port this agent gave, to continue after it. */
  lastPort?: number;
}

/** The steps that give a bridge-mode task its namespace, address and host ports; idempotent. */
export function planBridgeSetup(input: BridgeSetupInput): BridgeSetupPlan {
  const { taskId, host } = input;
  const steps: NetworkStep[] = [];
  const find = (links: readonly LinkState[], name: string) => links.find((l) => l.name === name);
  const gatewayCidr = withPrefix(BRIDGE_MODE_GATEWAY, BRIDGE_MODE_SUBNET);
  for (const other of host.links) {
    if (!other.name.startsWith(BRIDGE_PREFIX) || other.name === BRIDGE_MODE_BRIDGE) continue;
    const clash = other.addresses.find((a) => cidrContains(BRIDGE_MODE_SUBNET, a) || cidrContains(a, BRIDGE_MODE_GATEWAY));
    if (clash) return { ok: false, reason: `the bridge-mode network ${BRIDGE_MODE_SUBNET} overlaps the subnet of bridge ${other.name} (${clash}) on this host` };
  }
  if (!host.forwarding) steps.push({ kind: "allowForwarding", addJump: host.forwardJumps === 0 });
  if (!host.unreachable.includes(BRIDGE_MODE_ROUTE)) steps.push({ kind: "addUnreachableRoute", cidr: BRIDGE_MODE_ROUTE });
  const br = find(host.links, BRIDGE_MODE_BRIDGE);
  if (!br) steps.push({ kind: "createBridge", bridge: BRIDGE_MODE_BRIDGE });
  if (!br?.forwarding) steps.push({ kind: "enableForwarding", link: BRIDGE_MODE_BRIDGE });
  // DNAT of 127.0.0.1 sends packets with a loopback source out of the bridge; the kernel drops
  // them unless the bridge allows it (they are masqueraded to the bridge's address on the way).
  if (!br?.routeLocalnet) steps.push({ kind: "enableRouteLocalnet", link: BRIDGE_MODE_BRIDGE });
  if (!br?.addresses.includes(gatewayCidr)) steps.push({ kind: "addAddress", link: BRIDGE_MODE_BRIDGE, cidr: gatewayCidr });
  if (!br?.up) steps.push({ kind: "setUp", link: BRIDGE_MODE_BRIDGE });
  if (!host.portForwarding) steps.push({ kind: "allowPortForwarding" });

  const namespace = namespaceName(taskId);
  const exists = host.namespaces.includes(namespace);
  const inside = exists ? (input.ns ?? EMPTY_NAMESPACE) : EMPTY_NAMESPACE;
  if (!exists) steps.push({ kind: "createNamespace", namespace });
  const veth = hostVethName(taskId);
  const hostEnd = find(host.links, veth);
  let address = hostEnd ? aliasAddress(hostEnd) : undefined;
  if (!address) {
    const taken = new Set([BRIDGE_MODE_GATEWAY, ...host.links.filter((l) => l.name.startsWith(HOST_VETH_PREFIX)).flatMap((l) => aliasAddress(l) ?? [])]);
    address = pickAddress(taken);
    if (!address) return { ok: false, reason: `no free address is left in the bridge-mode network ${BRIDGE_MODE_SUBNET} on this host` };
  }
  if (!hostEnd) steps.push({ kind: "createVeth", host: veth, peer: TASK_INTERFACE, mac: macOf(address), namespace });
  if (hostEnd?.alias !== `${BRIDGE_MODE_ALIAS_PREFIX}${address}`) steps.push({ kind: "setAlias", link: veth, alias: `${BRIDGE_MODE_ALIAS_PREFIX}${address}` });
  if (hostEnd?.master !== BRIDGE_MODE_BRIDGE) steps.push({ kind: "setMaster", link: veth, bridge: BRIDGE_MODE_BRIDGE });
  if (!hostEnd?.up) steps.push({ kind: "setUp", link: veth });
  if (!find(inside.links, "lo")?.up) steps.push({ kind: "setUp", link: "lo", namespace });
  const eth = find(inside.links, TASK_INTERFACE);
  const cidr = withPrefix(address, BRIDGE_MODE_SUBNET);
  if (!eth?.addresses.includes(cidr)) steps.push({ kind: "addAddress", link: TASK_INTERFACE, cidr, namespace });
  if (!eth?.up) steps.push({ kind: "setUp", link: TASK_INTERFACE, namespace });
  if (inside.defaultGateway !== BRIDGE_MODE_GATEWAY) steps.push({ kind: "setDefaultRoute", namespace, gateway: BRIDGE_MODE_GATEWAY, link: TASK_INTERFACE });

  const ports = planPorts(input, address);
  if (!ports.ok) return ports;
  if (ports.remove.length) steps.push({ kind: "removePortRules", rules: ports.remove });
  if (ports.add.length) steps.push({ kind: "addPortRules", rules: ports.add });
  return { ok: true, steps, address, bindings: ports.bindings };
}

type PortsPlan = { ok: true; add: PortRule[]; remove: PortRule[]; bindings: BoundPort[] } | { ok: false; reason: string };

/** Keeps the task's rules that still fit (a set-up run again after a crash keeps its ports), adds the rest. */
function planPorts(input: BridgeSetupInput, address: string): PortsPlan {
  const { taskId, host } = input;
  const mine = host.portRules.filter((r) => r.taskId === taskId);
  const others = host.portRules.filter((r) => r.taskId !== taskId);
  const taken = { tcp: new Set<number>(), udp: new Set<number>() };
  for (const r of others) taken[r.protocol].add(r.hostPort);
  // Static ports of this task are spoken for before any dynamic one is picked.
  for (const p of input.ports) if (p.hostPort) taken[p.protocol].add(p.hostPort);
  const kept = new Set<PortRule>();
  const add: PortRule[] = [];
  const bindings: BoundPort[] = [];
  let last = input.lastPort;
  for (const p of input.ports) {
    const existing = mine.find((r) => !kept.has(r) && r.protocol === p.protocol && r.containerPort === p.containerPort && r.address === address && (!p.hostPort || r.hostPort === p.hostPort));
    if (existing) {
      kept.add(existing);
      taken[p.protocol].add(existing.hostPort);
      bindings.push({ ...p, hostPort: existing.hostPort });
      continue;
    }
    let hostPort = p.hostPort;
    if (hostPort) {
      const holder = others.find((r) => r.protocol === p.protocol && r.hostPort === hostPort);
      if (holder) return { ok: false, reason: `host port ${hostPort}/${p.protocol} is already allocated to task ${holder.taskId} on this host` };
    } else {
      const busy = new Set([...taken[p.protocol], ...[...input.listening].flatMap((k) => (k.startsWith(`${p.protocol}/`) ? [Number(k.slice(4))] : []))]);
      const picked = pickHostPort(input.range, busy, last);
      if (picked === undefined) return { ok: false, reason: `no free ${p.protocol} host port is left in ${input.range.low}-${input.range.high} on this host` };
      hostPort = picked;
      last = picked;
    }
    taken[p.protocol].add(hostPort);
    add.push({ taskId, protocol: p.protocol, hostPort, address, containerPort: p.containerPort });
    bindings.push({ ...p, hostPort });
  }
  return { ok: true, add, remove: mine.filter((r) => !kept.has(r)), bindings };
}
