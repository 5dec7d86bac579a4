// What observe.ts reads from the host and from a task's namespace: only berth's own things
// (names.ts), as data for the pure plans in plan.ts.
import type { CredentialsChainState, CredentialsRule } from "./credentials-rules.js";
import type { PortRule } from "./port-rules.js";

export interface LinkState {
  name: string;
  up: boolean;
  /** The bridge it is a port of. */
  master?: string;
  mac?: string;
  /** Addresses with their prefix, e.g. 172.31.0.1/20. */
  addresses: string[];
  /** Bridges only: /proc/sys/net/ipv4/conf/<name>/forwarding is 1. */
  forwarding?: boolean;
  /** The bridge-mode bridge only: /proc/sys/net/ipv4/conf/<name>/route_localnet is 1. */
  routeLocalnet?: boolean;
  /** The link's alias (`ip link set … alias`): a bridge-mode task's veth names its address there. */
  alias?: string;
}

export interface HostObservation {
  /** Every network namespace's name (plans only act on berth-*). */
  namespaces: string[];
  /** berth's links on the host: bbr-* bridges and bv-* veth ends. */
  links: LinkState[];
  /** Destinations of berth's unreachable routes (proto 186). */
  unreachable: string[];
  /** The BERTH-FORWARD chain holds its rules and FORWARD jumps to it. */
  forwarding: boolean;
  /** How many times FORWARD jumps to BERTH-FORWARD (one when set up; more after a hand edit). */
  forwardJumps: number;
  /** Names of berth-* directories under /etc/netns (resolv.conf per namespace). */
  configDirs: string[];
  /** The nat table holds BERTH-PORTS, the masquerade chain and the jumps to them. */
  portForwarding: boolean;
  /** Bridge-mode tasks' host port rules (BERTH-PORTS), whoever's. */
  portRules: PortRule[];
  /** The nat chain redirecting tasks' 169.254.170.2 to their agents (credentials-rules.ts). */
  credentialsChain: CredentialsChainState;
  credentialsRules: CredentialsRule[];
}

export interface NamespaceObservation {
  links: LinkState[];
  /** The default route's gateway, when there is one. */
  defaultGateway?: string;
  /** The berth-ingress:<hash> mark found in the namespace's filter table. */
  ingressMarker?: string;
  /** /etc/netns/<namespace>/resolv.conf's content, when the file exists. */
  resolvConf?: string;
}

export const EMPTY_NAMESPACE: NamespaceObservation = { links: [] };
