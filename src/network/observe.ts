// Observe: what exists of berth's networking on the host and inside one task namespace, read
// with `ip -json`, iptables-save and /proc, as the data plan.ts decides on.
import { readdir, readFile } from "node:fs/promises";
import { INGRESS_MARK_PREFIX } from "./ingress-rules.js";
import { forwardRulesPresent } from "./host-rules.js";
import { ipJson, mustRun, runCommand } from "./command.js";
import { BRIDGE_PREFIX, HOST_VETH_PREFIX, NAMESPACE_PREFIX, resolvConfPath, ROUTE_PROTOCOL } from "./names.js";
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
  const [addrs, namespaces, routes, filter, configDirs] = await Promise.all([
    ipJson<IpAddr>(["addr", "show"]),
    ipJson<{ name: string }>(["netns", "list"]),
    ipJson<{ type?: string; dst: string }>(["route", "show", "table", "main", "proto", String(ROUTE_PROTOCOL)]),
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
    namespaces: namespaces.map((n) => n.name),
    links,
    unreachable: routes.filter((r) => r.type === "unreachable").map((r) => (r.dst.includes("/") ? r.dst : `${r.dst}/32`)),
    forwarding: forwardRulesPresent(filter),
    configDirs: configDirs.filter((d) => d.startsWith(NAMESPACE_PREFIX)),
  };
}

export async function observeNamespace(namespace: string): Promise<NamespaceObservation> {
  const [addrs, routes, filter, resolv] = await Promise.all([
    ipJson<IpAddr>(["-n", namespace, "addr", "show"]),
    ipJson<{ dst: string; gateway?: string }>(["-n", namespace, "route", "show", "default"]),
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
