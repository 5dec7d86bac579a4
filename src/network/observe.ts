// Observe: what exists of berth's networking on the host and inside one task namespace, read
// with `ip -json`, iptables-save, /var/run/netns and /proc, as the data plan.ts decides on. The
// host's view costs two processes (one `ip -json -batch` for links and routes, iptables-save):
// each process is several ms on a loaded host, and the view is taken for every set-up.
import { readdir, readFile } from "node:fs/promises";
import { INGRESS_MARK_PREFIX } from "./ingress-rules.js";
import { forwardRulesPresent } from "./host-rules.js";
import { ipJsonBatch, mustRun, runCommand } from "./command.js";
import { BRIDGE_PREFIX, HOST_VETH_PREFIX, NAMESPACE_PREFIX, NAMESPACE_RUN_DIR, resolvConfPath, ROUTE_PROTOCOL } from "./names.js";
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
  const [[addrs, routes], namespaces, filter, configDirs] = await Promise.all([
    ipJsonBatch(["addr show", `route show table main proto ${ROUTE_PROTOCOL}`]) as Promise<[IpAddr[], { type?: string; dst: string }[]]>,
    // What `ip netns list` prints: the names under its run directory, read without a process.
    readdir(NAMESPACE_RUN_DIR).catch(() => [] as string[]),
    mustRun(["iptables-save", "-t", "filter"]),
    readdir("/etc/netns").catch(() => [] as string[]),
  ]);
  const links: LinkState[] = [];
  for (const a of addrs) {
    if (!a.ifname.startsWith(BRIDGE_PREFIX) && !a.ifname.startsWith(HOST_VETH_PREFIX)) continue;
    const l = linkState(a);
    if (l.name.startsWith(BRIDGE_PREFIX)) l.forwarding = (await readOr(`/proc/sys/net/ipv4/conf/${l.name}/forwarding`, "0"))?.trim() === "1";
    links.push(l);
  }
  return {
    namespaces,
    links,
    unreachable: routes.filter((r) => r.type === "unreachable").map((r) => (r.dst.includes("/") ? r.dst : `${r.dst}/32`)),
    forwarding: forwardRulesPresent(filter),
    configDirs: configDirs.filter((d) => d.startsWith(NAMESPACE_PREFIX)),
  };
}

export async function observeNamespace(namespace: string): Promise<NamespaceObservation> {
  const [[addrs, routes], filter, resolv] = await Promise.all([
    ipJsonBatch(["addr show", "route show default"], namespace) as Promise<[IpAddr[], { dst: string; gateway?: string }[]]>,
    runCommand(["ip", "netns", "exec", namespace, "iptables-save", "-t", "filter"]),
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
