// Builders for the network layer's table tests.
import type { AssignedEni } from "../model/index.js";
import type { HostObservation, LinkState } from "./observation.js";

export function anEni(over: Partial<AssignedEni> = {}): AssignedEni {
  return {
    attachmentId: "a1b2c3d4-0000-4000-8000-000000000001",
    networkInterfaceId: "eni-0123456789abcdef0",
    macAddress: "0a:58:ac:1f:00:0a",
    privateIpv4Address: "172.31.0.10",
    privateDnsName: "ip-172-31-0-10.ec2.internal",
    subnetId: "subnet-0aaa",
    subnetCidr: "172.31.0.0/20",
    gatewayIpv4Address: "172.31.0.1",
    vpcId: "vpc-0aaa",
    vpcCidr: "172.31.0.0/16",
    dnsServers: ["172.31.0.2"],
    ingress: [{ protocol: "tcp", fromPort: 80, toPort: 80, cidrs: ["172.31.0.0/16"] }],
    ...over,
  };
}

export function aHost(over: Partial<HostObservation> = {}): HostObservation {
  return { namespaces: [], links: [], unreachable: [], forwarding: false, forwardJumps: over.forwarding ? 1 : 0, configDirs: [], portForwarding: false, portRules: [], credentialsChain: { chain: false, jumps: 0 }, credentialsRules: [], ...over };
}

export function aLink(name: string, over: Partial<LinkState> = {}): LinkState {
  return { name, up: true, addresses: [], ...over };
}
