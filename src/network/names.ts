// The names berth gives what it makes on a host, so that it only ever touches its own things:
// every namespace, link and route it creates carries one of these marks, and observe/plan
// ignore everything else (the host's interfaces, Docker's bridge, the default route).
import { createHash } from "node:crypto";

/** Task network namespaces: `berth-<task id>` (ip netns names are file names, no length limit). */
export const NAMESPACE_PREFIX = "berth-";
/** A subnet's bridge on the host: `bbr-` and 10 hex digits of the subnet id's hash. */
export const BRIDGE_PREFIX = "bbr-";
/** The host end of a task's veth: `bv-` and 12 hex digits of the task id's hash. */
export const HOST_VETH_PREFIX = "bv-";
/** The task's end of the veth, inside its namespace. */
export const TASK_INTERFACE = "eth0";
/**
 * The routing protocol number berth's unreachable routes carry (`ip route … proto 186`): it
 * marks them as berth's, so a host administrator's own unreachable routes are never removed.
 */
export const ROUTE_PROTOCOL = 186;
/** The host filter chain that lets packets pass between berth bridges (and nowhere else). */
export const FORWARD_CHAIN = "BERTH-FORWARD";

/**
 * The one bridge of bridge-mode tasks on the process runtime (Docker's docker0): a `bbr-` name,
 * so the forwarding chain, the overlap check and the collection treat it like a subnet's bridge.
 */
export const BRIDGE_MODE_BRIDGE = "bbr-bridge";
/** nat chain holding bridge-mode tasks' host port DNAT rules, one rule per binding. */
export const PORTS_CHAIN = "BERTH-PORTS";
/** nat chain masquerading connections DNAT'ed into the bridge-mode bridge (from the host, 127/8 included). */
export const PORTS_MASQUERADE_CHAIN = "BERTH-PORTS-MASQ";
/** A host port rule's comment: `berth-port:<task id>`, so each rule says whose it is. */
export const PORT_COMMENT_PREFIX = "berth-port:";
/** The alias of a bridge-mode task's host veth: `berth-bridge-mode:<address>` (the kernel keeps the task's address). */
export const BRIDGE_MODE_ALIAS_PREFIX = "berth-bridge-mode:";

// Linux interface names hold at most 15 bytes (IFNAMSIZ 16 with the NUL), so subnet and task
// ids are hashed; 40 and 48 bits keep collisions out of reach for one host's tasks.
const short = (id: string, digits: number) => createHash("sha256").update(id).digest("hex").slice(0, digits);

export function namespaceName(taskId: string): string {
  return `${NAMESPACE_PREFIX}${taskId}`;
}

/** The task id of a berth namespace name, undefined for any other namespace. */
export function taskIdOfNamespace(name: string): string | undefined {
  return name.startsWith(NAMESPACE_PREFIX) && name.length > NAMESPACE_PREFIX.length ? name.slice(NAMESPACE_PREFIX.length) : undefined;
}

export function bridgeName(subnetId: string): string {
  return `${BRIDGE_PREFIX}${short(subnetId, 10)}`;
}

export function hostVethName(taskId: string): string {
  return `${HOST_VETH_PREFIX}${short(taskId, 12)}`;
}

/** Where `ip netns exec` finds a namespace's resolv.conf (and the process runtime bind-mounts it). */
export function resolvConfPath(namespace: string): string {
  return `/etc/netns/${namespace}/resolv.conf`;
}

/** Where `ip netns add` puts a namespace's file (iproute2's NETNS_RUN_DIR); `ip netns list` lists it. */
export const NAMESPACE_RUN_DIR = "/var/run/netns";

export function namespacePath(namespace: string): string {
  return `${NAMESPACE_RUN_DIR}/${namespace}`;
}
