// Security-group permissions: EC2's request shape (IpPermissions, or the older flat CidrIp /
// IpProtocol / FromPort / ToPort / SourceSecurityGroupName) to berth's flat rules (one source
// each), and back to IpPermissions grouped by protocol and ports for Describe. Pure.
import { parseCidr } from "../../model/index.js";
import { ec2Errors } from "./errors.js";
import type { SgRule } from "./records.js";

export interface IpPermissionInput {
  IpProtocol?: string;
  FromPort?: number;
  ToPort?: number;
  IpRanges?: { CidrIp?: string; Description?: string }[];
  UserIdGroupPairs?: { GroupId?: string; GroupName?: string; Description?: string }[];
  Ipv6Ranges?: unknown[];
  PrefixListIds?: unknown[];
}

export interface PermissionsRequest {
  IpPermissions?: IpPermissionInput[];
  CidrIp?: string;
  IpProtocol?: string;
  FromPort?: number;
  ToPort?: number;
  SourceSecurityGroupName?: string;
}

/** A rule before it has an id; groups named by GroupName are resolved by the caller. */
export type RuleSpec = Omit<SgRule, "ruleId" | "egress"> & { groupName?: string };

const PROTOCOLS: Record<string, string> = { tcp: "tcp", "6": "tcp", udp: "udp", "17": "udp", icmp: "icmp", "1": "icmp", "-1": "-1", all: "-1" };

export function permissionsOf(req: PermissionsRequest): IpPermissionInput[] {
  if (req.IpPermissions && req.IpPermissions.length > 0) return req.IpPermissions;
  if (req.IpProtocol === undefined && req.CidrIp === undefined && req.SourceSecurityGroupName === undefined) {
    throw ec2Errors.missingParameter("IpPermissions");
  }
  return [
    {
      IpProtocol: req.IpProtocol ?? "-1",
      ...(req.FromPort !== undefined ? { FromPort: req.FromPort } : {}),
      ...(req.ToPort !== undefined ? { ToPort: req.ToPort } : {}),
      ...(req.CidrIp !== undefined ? { IpRanges: [{ CidrIp: req.CidrIp }] } : {}),
      ...(req.SourceSecurityGroupName !== undefined ? { UserIdGroupPairs: [{ GroupName: req.SourceSecurityGroupName }] } : {}),
    },
  ];
}

export function ruleSpecsOf(perms: IpPermissionInput[]): RuleSpec[] {
  return perms.flatMap((p) => {
    const protocol = PROTOCOLS[(p.IpProtocol ?? "").toLowerCase()];
    if (!protocol) throw ec2Errors.invalidParameterValue(`Invalid value '${(p.IpProtocol ?? "").slice(0, 32)}' for IP protocol. Unknown protocol.`);
    if ((p.Ipv6Ranges?.length ?? 0) > 0 || (p.PrefixListIds?.length ?? 0) > 0) {
      throw ec2Errors.invalidParameterValue("berth's security groups take IPv4 ranges and security groups as sources, not IPv6 ranges or prefix lists.");
    }
    const ports = portsOf(protocol, p.FromPort, p.ToPort);
    const cidrs = (p.IpRanges ?? []).map((r) => {
      const text = r.CidrIp ?? "";
      if (!parseCidr(text)) throw ec2Errors.invalidParameterValue(`CIDR block ${text.slice(0, 64)} is malformed`);
      return { ...ports, protocol, cidr: text, ...(r.Description ? { description: r.Description } : {}) };
    });
    const groups = (p.UserIdGroupPairs ?? []).map((g) => {
      if (!g.GroupId && !g.GroupName) throw ec2Errors.missingParameter("GroupId");
      return {
        ...ports,
        protocol,
        ...(g.GroupId ? { groupId: g.GroupId } : { groupName: g.GroupName! }),
        ...(g.Description ? { description: g.Description } : {}),
      };
    });
    if (cidrs.length + groups.length === 0) throw ec2Errors.invalidParameterValue("A permission needs a source: IpRanges or UserIdGroupPairs.");
    return [...cidrs, ...groups];
  });
}

function portsOf(protocol: string, from: number | undefined, to: number | undefined): { fromPort?: number; toPort?: number } {
  if (protocol === "-1") return {};
  if (protocol === "icmp") {
    // For ICMP the "ports" are the type and code; -1 means any.
    const type = from ?? -1;
    const code = to ?? -1;
    if (type < -1 || type > 255 || code < -1 || code > 255) throw ec2Errors.invalidParameterValue(`Invalid value for portRange: ICMP type ${type} and code ${code} must be -1 to 255.`);
    return { fromPort: type, toPort: code };
  }
  if (from === undefined || to === undefined) {
    throw ec2Errors.invalidParameterValue("Invalid value 'Must specify both from and to ports with TCP/UDP.' for portRange.");
  }
  if (from < 0 || to > 65535 || from > to) throw ec2Errors.invalidParameterValue(`Invalid value for portRange: from port ${from} and to port ${to} must be 0 to 65535, from <= to.`);
  return { fromPort: from, toPort: to };
}

/** Two rules are the same rule when protocol, ports and source agree. */
export const sameRule = (a: Omit<SgRule, "ruleId">, b: Omit<SgRule, "ruleId">): boolean =>
  a.egress === b.egress && a.protocol === b.protocol && a.fromPort === b.fromPort && a.toPort === b.toPort && a.cidr === b.cidr && a.groupId === b.groupId;

/** How EC2 names a rule in InvalidPermission.Duplicate. */
export function ruleText(r: Omit<SgRule, "ruleId">): string {
  const proto = r.protocol === "-1" ? "ALL" : r.protocol.toUpperCase();
  const ports = r.fromPort !== undefined ? `, from port: ${r.fromPort}, to port: ${r.toPort}` : "";
  return `peer: ${r.cidr ?? r.groupId}, ${proto}${ports}, ALLOW`;
}

/** Rules grouped into IpPermissions by (protocol, ports), in the order they were added. */
export function ipPermissionsOf(rules: SgRule[], egress: boolean, ownerId: string) {
  const groups = new Map<string, { IpProtocol: string; FromPort?: number; ToPort?: number; IpRanges: unknown[]; UserIdGroupPairs: unknown[]; Ipv6Ranges: []; PrefixListIds: [] }>();
  for (const r of rules.filter((x) => x.egress === egress)) {
    const k = `${r.protocol}|${r.fromPort}|${r.toPort}`;
    let g = groups.get(k);
    if (!g) {
      g = { IpProtocol: r.protocol, ...(r.fromPort !== undefined ? { FromPort: r.fromPort, ToPort: r.toPort! } : {}), IpRanges: [], UserIdGroupPairs: [], Ipv6Ranges: [], PrefixListIds: [] };
      groups.set(k, g);
    }
    const description = r.description ? { Description: r.description } : {};
    if (r.cidr) g.IpRanges.push({ CidrIp: r.cidr, ...description });
    if (r.groupId) g.UserIdGroupPairs.push({ GroupId: r.groupId, UserId: ownerId, ...description });
  }
  return [...groups.values()];
}
