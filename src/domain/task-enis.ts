// ENIs of awsvpc tasks: chosen at launch in the transaction that writes the task (so a task and
// its address exist together or not at all), freed in the transaction that records it STOPPED.
// Only instances whose agent advertises ecs.capability.task-eni get them; elsewhere the agent
// runs the task in bridge mode (berth's fallback, noted on the task as for the Fargate pool).
import {
  allocateAddresses,
  arns,
  gatewayOf,
  macOf,
  parseIpv4,
  privateDnsNameOf,
  uuid,
  type AssignedEni,
  type AssignedIngressRule,
  type Scope,
} from "../model/index.js";
import type { Op } from "../store/index.js";
import { guardOf, put, type Deps, type Guard } from "./deps.js";
import { ec2Id, ec2Keys, type NetworkInterfaceRecord, type SecurityGroupRecord, type SubnetRecord } from "./ec2/records.js";
import type { ResolvedNetwork } from "./network-configuration.js";
import { observeLoadBalancerSources } from "./load-balancer-sources.js";
import type { ContainerInstanceRecord } from "./records.js";
import type { TaskRecord } from "./task-records.js";

export const TASK_ENI_CAPABILITY = "ecs.capability.task-eni";
/** What an agent without task ENIs runs an awsvpc task as, and the note the task carries. */
export const FALLBACK_NETWORK_MODE = "bridge";
export const fallbackAttributes = () => [{ name: "berth.network-mode", value: FALLBACK_NETWORK_MODE }];

export const takesEni = (instance: ContainerInstanceRecord): boolean => instance.attributes.some((a) => a.name === TASK_ENI_CAPABILITY);

/** ECS's attachment statuses in their order; a report never moves one backwards. */
export const ATTACHMENT_ORDER = ["PRECREATED", "CREATED", "ATTACHING", "ATTACHED", "DETACHING", "DETACHED", "DELETED"];

/**
 * Addresses handed out within one launch transaction, per subnet, on top of the ENIs already
 * stored: a launch of 10 tasks must not give two of them one address.
 */
export class EniBatch {
  private readonly taken = new Map<string, string[]>();
  readonly guards: Guard[] = [];
  readonly ops: Op[] = [];

  constructor(
    private readonly deps: Deps,
    private readonly scope: Scope,
    private readonly network: ResolvedNetwork,
  ) {}

  /**
   * An ENI for a task on `instance`: in a subnet of the instance's zone when one is listed,
   * else in the first listed subnet with a free address. undefined when every subnet is full.
   */
  allocate(taskArn: string, instance: ContainerInstanceRecord): { eni: AssignedEni; record: NetworkInterfaceRecord } | { full: SubnetRecord[] } {
    const zone = instance.attributes.find((a) => a.name === "ecs.availability-zone")?.value;
    const local = this.network.subnets.filter((s) => s.AvailabilityZone === zone);
    const order = [...local, ...this.network.subnets.filter((s) => !local.includes(s))];
    for (const subnet of order) {
      const taken = this.takenIn(subnet);
      const [address] = allocateAddresses(subnet.CidrBlock, taken, 1);
      if (!address) continue;
      taken.push(address);
      return this.make(taskArn, subnet, address);
    }
    return { full: order };
  }

  private takenIn(subnet: SubnetRecord): string[] {
    let taken = this.taken.get(subnet.SubnetId);
    if (!taken) {
      taken = this.deps.cache
        .list<NetworkInterfaceRecord>(ec2Keys.networkInterfaces(this.scope))
        .filter((e) => e.SubnetId === subnet.SubnetId)
        .map((e) => e.PrivateIpAddress);
      this.taken.set(subnet.SubnetId, taken);
      // Every allocation in a subnet rewrites the subnet under its guard: two launches that
      // decided on the same free address cannot both commit, and DeleteSubnet sees the ENI.
      const key = ec2Keys.subnet(this.scope, subnet.SubnetId);
      this.guards.push(guardOf(this.deps, key));
      this.ops.push(put(key, subnet));
    }
    return taken;
  }

  private make(taskArn: string, subnet: SubnetRecord, address: string) {
    const attachmentId = uuid();
    const id = ec2Id("eni");
    const { vpc, securityGroups } = this.network;
    const record: NetworkInterfaceRecord = {
      NetworkInterfaceId: id,
      SubnetId: subnet.SubnetId,
      VpcId: vpc.VpcId,
      AvailabilityZone: subnet.AvailabilityZone,
      PrivateIpAddress: address,
      PrivateDnsName: privateDnsNameOf(address, this.scope.region),
      MacAddress: macOf(address),
      // As ECS describes the ENIs it makes for tasks: the attachment's ARN.
      Description: arns.attachment(this.scope, attachmentId),
      Status: "in-use",
      InterfaceType: "interface",
      OwnerId: this.scope.accountId,
      RequesterId: "berth",
      RequesterManaged: true,
      SourceDestCheck: true,
      Groups: securityGroups.map((g) => ({ GroupId: g.GroupId, GroupName: g.GroupName })),
      TagSet: [],
      taskArn,
      attachmentId,
    };
    this.ops.push(put(ec2Keys.networkInterface(this.scope, id), record));
    this.guards.push({ key: ec2Keys.networkInterface(this.scope, id), modRevision: 0 });
    const eni: AssignedEni = {
      attachmentId,
      networkInterfaceId: id,
      macAddress: record.MacAddress,
      privateIpv4Address: address,
      privateDnsName: record.PrivateDnsName,
      subnetId: subnet.SubnetId,
      subnetCidr: subnet.CidrBlock,
      gatewayIpv4Address: gatewayOf(subnet.CidrBlock),
      vpcId: vpc.VpcId,
      vpcCidr: vpc.CidrBlock,
      // berth's DNS for tasks answers on their subnet's router address (see docs/design.md).
      dnsServers: [gatewayOf(subnet.CidrBlock)],
      ingress: ingressOf(securityGroups, this.memberAddresses(address)),
    };
    return { eni, record };
  }

  /** The addresses of each group's members, this launch's included. */
  private memberAddresses(self: string): (groupId: string) => string[] {
    const stored = this.deps.cache.list<NetworkInterfaceRecord>(ec2Keys.networkInterfaces(this.scope));
    const mine = new Set(this.network.securityGroups.map((g) => g.GroupId));
    const batch = [...this.taken.values()].flat();
    const balancers = observeLoadBalancerSources(this.deps, this.scope);
    return (groupId) => {
      const members = stored.filter((e) => e.Groups.some((g) => g.GroupId === groupId)).map((e) => e.PrivateIpAddress);
      members.push(...(balancers.get(groupId) ?? []));
      if (mine.has(groupId)) members.push(...batch, self);
      return [...new Set(members)];
    };
  }
}

/**
 * A task's ingress from its groups' rules: CIDR sources as they are, group sources as their
 * members' /32s at launch (berth does not yet push later membership changes to running tasks).
 */
export function ingressOf(groups: SecurityGroupRecord[], membersOf: (groupId: string) => string[]): AssignedIngressRule[] {
  const out: AssignedIngressRule[] = [];
  for (const g of groups) {
    for (const r of g.rules) {
      if (r.egress) continue;
      // Members in address order, so the same members always give the same rules.
      const cidrs = r.cidr ? [r.cidr] : [...new Set(membersOf(r.groupId!))].sort((x, y) => parseIpv4(x)! - parseIpv4(y)!).map((x) => `${x}/32`);
      if (cidrs.length === 0) continue;
      const ports = r.protocol === "tcp" || r.protocol === "udp" ? { fromPort: r.fromPort!, toPort: r.toPort! } : {};
      out.push({ protocol: r.protocol, ...ports, cidrs });
    }
  }
  return out;
}

/** The task with its ENI: the attachment DescribeTasks shows, containers' interfaces, the agent's eni. */
export function withEni(task: TaskRecord, eni: AssignedEni): TaskRecord {
  const attachment = {
    id: eni.attachmentId,
    type: "ElasticNetworkInterface",
    status: "PRECREATED",
    details: [
      { name: "subnetId", value: eni.subnetId },
      { name: "networkInterfaceId", value: eni.networkInterfaceId },
      { name: "macAddress", value: eni.macAddress },
      { name: "privateDnsName", value: eni.privateDnsName },
      { name: "privateIPv4Address", value: eni.privateIpv4Address },
    ],
  };
  return {
    ...task,
    attachments: [...task.attachments, attachment],
    containers: task.containers.map((c) => ({ ...c, networkInterfaces: [{ attachmentId: eni.attachmentId, privateIpv4Address: eni.privateIpv4Address }] })),
    assignment: { ...task.assignment, eni },
  };
}

type Attachment = { id: string; type: string; status: string; details: unknown[] };

/** Attachment statuses an agent reported (`attachmentArn` ends with the attachment id), moving only forward. */
export function applyAttachmentReports(task: TaskRecord, reports: { attachmentArn?: string; status?: string }[]): TaskRecord {
  if (reports.length === 0) return task;
  const attachments = (task.attachments as Attachment[]).map((a) => {
    const r = reports.find((x) => x.attachmentArn === a.id || x.attachmentArn?.endsWith(`/${a.id}`));
    if (!r?.status || ATTACHMENT_ORDER.indexOf(r.status) <= ATTACHMENT_ORDER.indexOf(a.status)) return a;
    return { ...a, status: r.status };
  });
  return { ...task, attachments };
}

/** At STOPPED: the ENI is gone (its record deleted by the caller) and the attachment says so. */
export function releaseEni(scope: Scope, task: TaskRecord): { task: TaskRecord; ops: Op[] } {
  const eni = task.assignment.eni;
  if (!eni) return { task, ops: [] };
  const attachments = (task.attachments as Attachment[]).map((a) => (a.id === eni.attachmentId ? { ...a, status: "DELETED" } : a));
  return { task: { ...task, attachments }, ops: [{ kind: "delete", key: ec2Keys.networkInterface(scope, eni.networkInterfaceId) }] };
}
