// DescribeNetworkInterfaces: the ENIs berth made for awsvpc tasks, while the tasks hold them.
import type { Scope } from "../../model/index.js";
import type { Deps } from "../deps.js";
import { ensureDefaultVpc } from "./default-vpc.js";
import { ec2Errors } from "./errors.js";
import { applyFilters, bool, page, type FilterTable } from "./filters.js";
import { listNetworkInterfaces, pickByIds } from "./lookup.js";
import type { NetworkInterfaceRecord } from "./records.js";
import type { DescribeInput } from "./vpcs.js";

const eniFilters: FilterTable<NetworkInterfaceRecord> = {
  "network-interface-id": (e) => [e.NetworkInterfaceId],
  "subnet-id": (e) => [e.SubnetId],
  "vpc-id": (e) => [e.VpcId],
  "availability-zone": (e) => [e.AvailabilityZone],
  "private-ip-address": (e) => [e.PrivateIpAddress],
  "addresses.private-ip-address": (e) => [e.PrivateIpAddress],
  "private-dns-name": (e) => [e.PrivateDnsName],
  "mac-address": (e) => [e.MacAddress],
  "group-id": (e) => e.Groups.map((g) => g.GroupId),
  "group-name": (e) => e.Groups.map((g) => g.GroupName),
  status: (e) => [e.Status],
  description: (e) => [e.Description],
  "interface-type": (e) => [e.InterfaceType],
  "requester-managed": (e) => [bool(e.RequesterManaged)],
  "owner-id": (e) => [e.OwnerId],
};

export const viewEni = (e: NetworkInterfaceRecord) => {
  const { taskArn: _t, attachmentId: _a, ...rest } = e;
  return {
    ...rest,
    PrivateIpAddresses: [{ Primary: true, PrivateIpAddress: e.PrivateIpAddress, PrivateDnsName: e.PrivateDnsName }],
    Ipv6Addresses: [],
  };
};

export async function describeNetworkInterfaces(deps: Deps, scope: Scope, input: DescribeInput & { NetworkInterfaceIds?: string[] }) {
  await ensureDefaultVpc(deps, scope);
  const picked = pickByIds(listNetworkInterfaces(deps, scope), input.NetworkInterfaceIds, (e) => e.NetworkInterfaceId, ec2Errors.eniNotFound);
  const { items, NextToken } = page(applyFilters(picked, input.Filters, eniFilters), input.MaxResults, input.NextToken);
  return { NetworkInterfaces: items.map(viewEni), ...(NextToken ? { NextToken } : {}) };
}
