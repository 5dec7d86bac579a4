// Observe: what exists of berth's networking on the host and inside one task namespace, read
// with `ip -json`, iptables-save, /var/run/netns and /proc, as the data plan.ts decides on. The
// host's view costs two processes (one `ip -json -batch` for links and routes, iptables-save):
// each process is several ms on a loaded host, and the view is taken for every set-up.
import { readdir, readFile } from "node:fs/promises";
import { INGRESS_MARK_PREFIX } from "./ingress-rules.js";
import { forwardJumpCount, forwardRulesPresent } from "./host-rules.js";
import { inNamespace, ipJsonBatch, mustRun, runCommand } from "./command.js";
import { FALLBACK_PORT_RANGE, type PortRange } from "./bridge-mode.js";
import { natRulesPresent, parsePortRules } from "./port-rules.js";
import { credentialsChainState, parseCredentialsRules } from "./credentials-rules.js";
import { BRIDGE_MODE_BRIDGE, BRIDGE_PREFIX, HOST_VETH_PREFIX, NAMESPACE_PREFIX, NAMESPACE_RUN_DIR, resolvConfPath, ROUTE_PROTOCOL } from "./names.js";
import type { HostObservation, LinkState, NamespaceObservation } from "./observation.js";

interface IpAddr {
  ifname: string;
  flags?: string[];
  master?: string;
  address?: string;
  addr_info?: { family: string; local: string; prefixlen: number }[];
}

function linkState(a: IpAddr): LinkState {
  return {
    name: a.ifname,
    up: a.flags?.includes("UP") ?? false,
    ...(a.master ? { master: a.master } : {}),
    ...(a.address ? { mac: a.address } : {}),
    addresses: (a.addr_info ?? []).filter((i) => i.family === "inet").map((i) => `${i.local}/${i.prefixlen}`),
  };
}

async function readOr(path: string, fallback: string | undefined): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch {
    return fallback;
  }
}

export async function observeHost(): Promise<HostObservation> {
  const [[addrs, routes, linkList], namespaces, tables, configDirs] = await Promise.all([
    ipJsonBatch(["addr show", `route show table main proto ${ROUTE_PROTOCOL}`, "link show"]) as Promise<[IpAddr[], { type?: string; dst: string }[], { ifname: string; ifalias?: string }[]]>,
    // What `ip netns list` prints: the names under its run directory, read without a process.
    readdir(NAMESPACE_RUN_DIR).catch(() => [] as string[]),
    // Every table at once (filter: the forwarding chain; nat: bridge-mode host ports).
    mustRun(["iptables-save"]),
    readdir("/etc/netns").catch(() => [] as string[]),
  ]);
  // `addr show` leaves out aliases; `link show` has them (a bridge-mode veth's address).
  const aliases = new Map(linkList.flatMap((l) => (l.ifalias ? [[l.ifname, l.ifalias] as const] : [])));
  const links: LinkState[] = [];
  for (const a of addrs) {
    if (!a.ifname.startsWith(BRIDGE_PREFIX) && !a.ifname.startsWith(HOST_VETH_PREFIX)) continue;
    const l = linkState(a);
    const alias = aliases.get(l.name);
    if (alias) l.alias = alias;
    if (l.name.startsWith(BRIDGE_PREFIX)) l.forwarding = (await readOr(`/proc/sys/net/ipv4/conf/${l.name}/forwarding`, "0"))?.trim() === "1";
    if (l.name === BRIDGE_MODE_BRIDGE) l.routeLocalnet = (await readOr(`/proc/sys/net/ipv4/conf/${l.name}/route_localnet`, "0"))?.trim() === "1";
    links.push(l);
  }
  return {
    namespaces,
    links,
    unreachable: routes.filter((r) => r.type === "unreachable").map((r) => (r.dst.includes("/") ? r.dst : `${r.dst}/32`)),
    forwarding: forwardRulesPresent(tables),
    forwardJumps: forwardJumpCount(tables),
    configDirs: configDirs.filter((d) => d.startsWith(NAMESPACE_PREFIX)),
    portForwarding: natRulesPresent(tables),
    portRules: parsePortRules(tables),
    credentialsChain: credentialsChainState(tables),
    credentialsRules: parseCredentialsRules(tables),
  };
}

/** "tcp/8080" for every TCP and UDP port some socket listens on (or is bound to, for UDP) on the host. */
export async function observeListeningPorts(): Promise<Set<string>> {
  const out = new Set<string>();
  for (const [file, protocol, listen] of [["tcp", "tcp", "0A"], ["tcp6", "tcp", "0A"], ["udp", "udp", "07"], ["udp6", "udp", "07"]] as const) {
    const text = (await readOr(`/proc/net/${file}`, "")) ?? "";
    for (const line of text.split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      const port = cols[1]?.split(":")[1];
      if (port && cols[3] === listen) out.add(`${protocol}/${parseInt(port, 16)}`);
    }
  }
  return out;
}

/** The kernel's ephemeral range (what ECS gives dynamic host ports from), ECS's fallback when unreadable. */
export async function observePortRange(): Promise<PortRange> {
  const text = await readOr("/proc/sys/net/ipv4/ip_local_port_range", undefined);
  const [low, high] = (text ?? "").trim().split(/\s+/).map(Number);
  return low && high && low <= high ? { low, high } : FALLBACK_PORT_RANGE;
}

export async function observeNamespace(namespace: string): Promise<NamespaceObservation> {
  const [[addrs, routes], filter, resolv] = await Promise.all([
    ipJsonBatch(["addr show", "route show default"], namespace) as Promise<[IpAddr[], { dst: string; gateway?: string }[]]>,
    runCommand(inNamespace(namespace, ["iptables-save", "-t", "filter"])),
    readOr(resolvConfPath(namespace), undefined),
  ]);
  const marker = new RegExp(`${INGRESS_MARK_PREFIX}[0-9a-f]+`).exec(filter.code === 0 ? filter.stdout : "")?.[0];
  const gateway = routes.find((r) => r.dst === "default")?.gateway;
  return {
    links: addrs.map(linkState),
    ...(gateway ? { defaultGateway: gateway } : {}),
    ...(marker ? { ingressMarker: marker } : {}),
    ...(resolv !== undefined ? { resolvConf: resolv } : {}),
  };
}
