// Which targets a target group accepts (aws-neighbors.md §1.7): ip targets are IPv4 addresses in
// the group's VPC or in the private ranges (RFC 1918, RFC 6598); instance targets are the
// instance ids of container instances that are registered. Pure.
import { containsIp, parseCidr, parseIpv4 } from "../../model/index.js";

/** RFC 1918's private ranges and RFC 6598's shared address space. */
const PRIVATE = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"].map((c) => parseCidr(c)!);

export const INSTANCE_ID = /^i-[0-9a-f]{8,17}$/;

/** Why an ip target cannot be registered in a group whose VPC has these CIDR blocks, or undefined. */
export function ipTargetProblem(id: string, vpcCidrs: string[]): string | undefined {
  const ip = parseIpv4(id);
  if (ip === undefined) return `'${id.slice(0, 64)}' is not an IPv4 address`;
  const inVpc = vpcCidrs.some((c) => {
    const cidr = parseCidr(c);
    return cidr !== undefined && containsIp(cidr, ip);
  });
  if (inVpc || PRIVATE.some((c) => containsIp(c, ip))) return undefined;
  return `'${id}' is outside the target group's VPC (${vpcCidrs.join(", ")}) and the private ranges 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 and 100.64.0.0/10`;
}

export interface KnownInstance {
  ec2InstanceId?: string;
  status: string;
}

/** Why an instance target cannot be registered, or undefined; `notRunning` when its instance is deregistered. */
export function instanceTargetProblem(id: string, instances: KnownInstance[]): { notRunning?: true; problem?: string } | undefined {
  if (!INSTANCE_ID.test(id)) return { problem: `'${id.slice(0, 64)}' is not an instance id` };
  const found = instances.filter((i) => i.ec2InstanceId === id);
  if (found.length === 0) return { problem: `No container instance has the EC2 instance id '${id}'` };
  if (found.every((i) => i.status === "INACTIVE" || i.status === "DEREGISTERING")) return { notRunning: true };
  return undefined;
}
