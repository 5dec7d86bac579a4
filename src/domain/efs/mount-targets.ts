// CreateMountTarget, DescribeMountTargets, DeleteMountTarget: where a file system is reachable in
// a VPC, one per Availability Zone, in subnets of berth's EC2 subset. berth's agents reach a file
// system through its directory, not NFS (docs/volumes.md), so a mount target is bookkeeping
// with EFS's rules: its subnet exists, one per zone, all in one VPC, an address of the subnet.
import { containsIp, formatIpv4, lastOf, parseCidr, parseIpv4, type Scope } from "../../model/index.js";
import { commit, guardOf, put, type Deps } from "../deps.js";
import { getSecurityGroup, getSubnet, groupByName, listNetworkInterfaces } from "../ec2/lookup.js";
import { ensureDefaultVpc, zoneIdOf } from "../ec2/default-vpc.js";
import { ec2Keys } from "../ec2/records.js";
import { efsErrors } from "./errors.js";
import { getAccessPoint, getFileSystem, getMountTarget, listMountTargets, pageByMarker } from "./lookup.js";
import { efsId, efsKeys, type MountTargetRecord } from "./records.js";

export interface CreateMountTargetInput {
  FileSystemId: string;
  SubnetId: string;
  IpAddress?: string;
  SecurityGroups?: string[];
}

export async function createMountTarget(deps: Deps, scope: Scope, input: CreateMountTargetInput) {
  await ensureDefaultVpc(deps, scope);
  const id = efsId("fsmt");
  return commit(deps, () => {
    const fs = getFileSystem(deps, scope, input.FileSystemId);
    const subnet = findSubnet(deps, scope, input.SubnetId);
    const groups = (input.SecurityGroups ?? []).map((g) => {
      try {
        return getSecurityGroup(deps, scope, g).GroupId;
      } catch {
        throw efsErrors.securityGroupNotFound(g);
      }
    });
    if (groups.length > 5) throw efsErrors.badRequest(`At most 5 security groups are allowed, found ${groups.length}.`);
    const defaultGroup = groupByName(deps, scope, subnet.VpcId, "default")?.GroupId;
    const mine = listMountTargets(deps, scope).filter((m) => m.FileSystemId === fs.FileSystemId);
    // EFS: one mount target per Availability Zone, and all of a file system's in one VPC.
    const sameZone = mine.find((m) => m.AvailabilityZoneName === subnet.AvailabilityZone);
    if (sameZone) throw efsErrors.mountTargetConflict(`File system '${fs.FileSystemId}' already has mount target '${sameZone.MountTargetId}' in Availability Zone '${subnet.AvailabilityZone}'.`);
    const otherVpc = mine.find((m) => m.VpcId !== subnet.VpcId);
    if (otherVpc) throw efsErrors.mountTargetConflict(`File system '${fs.FileSystemId}' has mount targets in VPC '${otherVpc.VpcId}'; all must be in one VPC.`);
    if (fs.AvailabilityZoneName && fs.AvailabilityZoneName !== subnet.AvailabilityZone) {
      throw efsErrors.badRequest(`One Zone file system '${fs.FileSystemId}' is in '${fs.AvailabilityZoneName}'; subnet '${subnet.SubnetId}' is in '${subnet.AvailabilityZone}'.`);
    }
    const inUse = new Set([
      ...listNetworkInterfaces(deps, scope).filter((e) => e.SubnetId === subnet.SubnetId).map((e) => e.PrivateIpAddress),
      ...listMountTargets(deps, scope).filter((m) => m.SubnetId === subnet.SubnetId).map((m) => m.IpAddress),
    ]);
    const ip = input.IpAddress !== undefined ? checkAddress(subnet.CidrBlock, input.IpAddress, inUse) : highestFree(subnet.CidrBlock, inUse);
    if (!ip) throw efsErrors.noFreeAddresses(subnet.SubnetId);
    const record: MountTargetRecord = {
      MountTargetId: id,
      FileSystemId: fs.FileSystemId,
      SubnetId: subnet.SubnetId,
      VpcId: subnet.VpcId,
      IpAddress: ip,
      AvailabilityZoneName: subnet.AvailabilityZone,
      AvailabilityZoneId: subnet.AvailabilityZoneId ?? zoneIdOf(subnet.AvailabilityZone),
      OwnerId: scope.accountId,
      LifeCycleState: "available",
      SecurityGroups: groups.length ? groups : defaultGroup ? [defaultGroup] : [],
    };
    const key = efsKeys.mountTarget(scope, id);
    // Guarded by the file system (a concurrent delete) and by the subnet, rewritten unchanged:
    // two mount targets racing for one address of a subnet then conflict, and one decides again.
    const subnetKey = ec2Keys.subnet(scope, subnet.SubnetId);
    return {
      guards: [{ key, modRevision: 0 }, guardOf(deps, efsKeys.fileSystem(scope, fs.FileSystemId)), guardOf(deps, subnetKey)],
      ops: [put(key, record), put(subnetKey, subnet)],
      result: view(record),
    };
  });
}

function findSubnet(deps: Deps, scope: Scope, id: string) {
  try {
    return getSubnet(deps, scope, id);
  } catch {
    throw efsErrors.subnetNotFound(id);
  }
}

function checkAddress(cidrText: string, ip: string, inUse: Set<string>): string {
  const cidr = parseCidr(cidrText)!;
  const n = parseIpv4(ip);
  // The first four and the last address of a subnet are AWS's own.
  if (n === undefined || !containsIp(cidr, n) || n < cidr.base + 4 || n >= lastOf(cidr)) {
    throw efsErrors.badRequest(`IpAddress '${ip.slice(0, 64)}' is not a usable address of subnet ${cidrText}.`);
  }
  if (inUse.has(ip)) throw efsErrors.ipAddressInUse(ip);
  return ip;
}

/** The highest free address: task ENIs are handed out from the bottom (model/ipam.ts), so the two rarely meet. */
function highestFree(cidrText: string, inUse: Set<string>): string | undefined {
  const cidr = parseCidr(cidrText)!;
  for (let n = lastOf(cidr) - 1; n >= cidr.base + 4; n--) {
    const ip = formatIpv4(n);
    if (!inUse.has(ip)) return ip;
  }
  return undefined;
}

const view = (m: MountTargetRecord) => {
  const { SecurityGroups: _g, ...shown } = m;
  return shown;
};

export function describeMountTargets(deps: Deps, scope: Scope, input: { FileSystemId?: string; MountTargetId?: string; AccessPointId?: string; MaxItems?: number; Marker?: string }) {
  const given = [input.FileSystemId, input.MountTargetId, input.AccessPointId].filter((v) => v !== undefined).length;
  if (given !== 1) throw efsErrors.badRequest("Give exactly one of FileSystemId, MountTargetId or AccessPointId.");
  let all: MountTargetRecord[];
  if (input.MountTargetId !== undefined) all = [getMountTarget(deps, scope, input.MountTargetId)];
  else {
    const fsId = input.FileSystemId !== undefined ? getFileSystem(deps, scope, input.FileSystemId).FileSystemId : accessPointFileSystem(deps, scope, input.AccessPointId!);
    all = listMountTargets(deps, scope).filter((m) => m.FileSystemId === fsId);
  }
  const page = pageByMarker(all, (m) => m.MountTargetId, input.MaxItems, input.Marker);
  return { MountTargets: page.items.map(view), ...(input.Marker !== undefined ? { Marker: input.Marker } : {}), ...(page.next ? { NextMarker: page.next } : {}) };
}

function accessPointFileSystem(deps: Deps, scope: Scope, ref: string): string {
  return getAccessPoint(deps, scope, ref).FileSystemId;
}

export async function deleteMountTarget(deps: Deps, scope: Scope, input: { MountTargetId: string }): Promise<void> {
  await commit(deps, () => {
    const mt = getMountTarget(deps, scope, input.MountTargetId);
    const key = efsKeys.mountTarget(scope, mt.MountTargetId);
    return { guards: [guardOf(deps, key)], ops: [{ kind: "delete" as const, key }], result: undefined };
  });
}
