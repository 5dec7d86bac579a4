// EC2's network subset, Elastic Load Balancing v2 and Cloud Map → resources and condition keys,
// from the Service Authorization Reference pages "Actions, resources, and condition keys for
// Amazon EC2", "… for Elastic Load Balancing V2" and "… for AWS Cloud Map" (machine-readable
// form as of 2026-08). Every action is named after its operation. EC2's Describe* calls,
// ELBv2's Describe* calls and Cloud Map's namespace creation and listings take no resource.
import { defined, obj, objs, result, str, strs, tagContext, type ContextValues, type Input, type Resolver, type Scoped } from "./request-parts.js";

// --- EC2 -------------------------------------------------------------------------------------

/** Every EC2 action carries ec2:Region, the region the request is made in. */
const ec2 =
  (build: (i: Input, s: Scoped) => string[], extra?: (i: Input) => ContextValues): Resolver =>
  (i, s) =>
    result(build(i, s), { "ec2:Region": s.region, ...tagContext(objs(i.TagSpecifications).flatMap((t) => objs(t.Tags))), ...extra?.(i) });

const ec2Arn = (s: Scoped, type: string, id: unknown) => s.arn("ec2", `${type}/${str(id) ?? "*"}`);

export const EC2_OPERATIONS: Record<string, Resolver> = {
  AuthorizeSecurityGroupIngress: ec2((i, s) => [ec2Arn(s, "security-group", i.GroupId)]),
  CreateSecurityGroup: ec2((i, s) => [ec2Arn(s, "security-group", undefined), ...(str(i.VpcId) ? [ec2Arn(s, "vpc", i.VpcId)] : [])]),
  CreateSubnet: ec2((i, s) => [ec2Arn(s, "subnet", undefined), ec2Arn(s, "vpc", i.VpcId)]),
  CreateVpc: ec2((_, s) => [ec2Arn(s, "vpc", undefined)]),
  DeleteSecurityGroup: ec2((i, s) => [ec2Arn(s, "security-group", i.GroupId)]),
  DeleteSubnet: ec2((i, s) => [ec2Arn(s, "subnet", i.SubnetId)]),
  DeleteVpc: ec2((i, s) => [ec2Arn(s, "vpc", i.VpcId)]),
  DescribeNetworkInterfaces: ec2(() => []),
  DescribeSecurityGroups: ec2(() => []),
  DescribeSubnets: ec2(() => []),
  DescribeVpcs: ec2(() => []),
  RevokeSecurityGroupIngress: ec2((i, s) => [ec2Arn(s, "security-group", i.GroupId)]),
};

// --- Elastic Load Balancing v2 ---------------------------------------------------------------

const ELB = "elasticloadbalancing";

/** An operation on the ARN(s) the request names. */
const elbOn =
  (field: string, extra?: (i: Input) => ContextValues): Resolver =>
  (i) =>
    result([...strs(i[field]), ...strs([i[field]])], { ...tagContext(i.Tags), ...extra?.(i) });

const listenerKeys = (i: Input): ContextValues =>
  defined({ "elasticloadbalancing:ListenerProtocol": str(i.Protocol), "elasticloadbalancing:SecurityPolicy": str(i.SslPolicy) });

const elbNone: Resolver = () => result([]);

export const ELBV2_OPERATIONS: Record<string, Resolver> = {
  AddTags: elbOn("ResourceArns"),
  CreateListener: elbOn("LoadBalancerArn", listenerKeys),
  // The load balancer's id is made on creation; its type decides app/ or net/.
  CreateLoadBalancer: (i, s) => {
    const type = str(i.Type) === "network" ? "net" : str(i.Type) === "gateway" ? "gwy" : "app";
    const subnets = [...strs(i.Subnets), ...objs(i.SubnetMappings).flatMap((m) => strs([m.SubnetId]))];
    return result(
      [s.arn(ELB, `loadbalancer/${type}/${str(i.Name) ?? "*"}/*`)],
      tagContext(i.Tags, {
        ...defined({
          "elasticloadbalancing:Scheme": str(i.Scheme) ?? "internet-facing",
          "elasticloadbalancing:Subnet": subnets,
          "elasticloadbalancing:SecurityGroup": strs(i.SecurityGroups),
        }),
      }),
    );
  },
  CreateRule: elbOn("ListenerArn"),
  CreateTargetGroup: (i, s) => result([s.arn(ELB, `targetgroup/${str(i.Name) ?? "*"}/*`)], tagContext(i.Tags)),
  DeleteListener: elbOn("ListenerArn"),
  DeleteLoadBalancer: elbOn("LoadBalancerArn"),
  DeleteRule: elbOn("RuleArn"),
  DeleteTargetGroup: elbOn("TargetGroupArn"),
  DeregisterTargets: elbOn("TargetGroupArn"),
  DescribeListeners: elbNone,
  DescribeLoadBalancerAttributes: elbNone,
  DescribeLoadBalancers: elbNone,
  DescribeRules: elbNone,
  DescribeTags: elbNone,
  DescribeTargetGroupAttributes: elbNone,
  DescribeTargetGroups: elbNone,
  DescribeTargetHealth: elbNone,
  ModifyListener: elbOn("ListenerArn", listenerKeys),
  ModifyLoadBalancerAttributes: elbOn("LoadBalancerArn"),
  ModifyRule: elbOn("RuleArn"),
  ModifyTargetGroup: elbOn("TargetGroupArn"),
  ModifyTargetGroupAttributes: elbOn("TargetGroupArn"),
  RegisterTargets: elbOn("TargetGroupArn"),
  RemoveTags: (i) => result(strs(i.ResourceArns), defined({ "aws:TagKeys": strs(i.TagKeys) })),
  SetRulePriorities: (i) => result(objs(i.RulePriorities).flatMap((p) => strs([p.RuleArn]))),
};

// --- Cloud Map ---------------------------------------------------------------------------------

const SD = "servicediscovery";
const namespaceArn = (s: Scoped, id: unknown) => s.arn(SD, `namespace/${str(id) ?? "*"}`);
const sdServiceArn = (s: Scoped, id: unknown) => s.arn(SD, `service/${str(id) ?? "*"}`);

const onNamespace: Resolver = (i, s) => result([namespaceArn(s, i.Id)]);
const onService =
  (field: "Id" | "ServiceId", withArnKey: boolean): Resolver =>
  (i, s) => {
    const arn = sdServiceArn(s, i[field]);
    return result([arn], withArnKey ? { "servicediscovery:ServiceArn": arn } : {});
  };
const sdNone: Resolver = (i) => result([], tagContext(i.Tags));

/** DiscoverInstances names namespace and service by name; their ids come from the lookup. */
const discover: Resolver = (i, s) => {
  const namespaceName = str(i.NamespaceName) ?? "";
  const serviceName = str(i.ServiceName) ?? "";
  const ids = s.lookup?.cloudMapIds?.(namespaceName, serviceName);
  return result([namespaceArn(s, ids?.namespaceId), sdServiceArn(s, ids?.serviceId)], {
    "servicediscovery:NamespaceName": namespaceName,
    "servicediscovery:ServiceName": serviceName,
  });
};

export const SERVICEDISCOVERY_OPERATIONS: Record<string, Resolver> = {
  CreateHttpNamespace: sdNone,
  CreatePrivateDnsNamespace: sdNone,
  CreatePublicDnsNamespace: sdNone,
  CreateService: (i, s) => {
    const namespaceId = str(i.NamespaceId) ?? str(obj(i.DnsConfig).NamespaceId);
    const resources = namespaceId ? [namespaceArn(s, namespaceId), sdServiceArn(s, undefined)] : [sdServiceArn(s, undefined)];
    return result(resources, tagContext(i.Tags, defined({ "servicediscovery:NamespaceArn": namespaceId && namespaceArn(s, namespaceId) })));
  },
  DeleteNamespace: onNamespace,
  DeleteService: onService("Id", false),
  DeleteServiceAttributes: onService("ServiceId", false),
  DeregisterInstance: onService("ServiceId", true),
  DiscoverInstances: discover,
  DiscoverInstancesRevision: discover,
  GetInstance: onService("ServiceId", true),
  GetInstancesHealthStatus: onService("ServiceId", true),
  GetNamespace: onNamespace,
  // An operation id names neither its namespace nor its service.
  GetOperation: (_, s) => result([namespaceArn(s, undefined)]),
  GetService: onService("Id", false),
  GetServiceAttributes: onService("ServiceId", false),
  ListInstances: onService("ServiceId", true),
  ListNamespaces: sdNone,
  ListOperations: sdNone,
  ListServices: sdNone,
  ListTagsForResource: sdNone,
  RegisterInstance: onService("ServiceId", true),
  TagResource: sdNone,
  UntagResource: (i) => result([], defined({ "aws:TagKeys": strs(i.TagKeys) })),
  UpdateHttpNamespace: onNamespace,
  UpdateInstanceCustomHealthStatus: onService("ServiceId", true),
  UpdatePrivateDnsNamespace: onNamespace,
  UpdatePublicDnsNamespace: onNamespace,
  UpdateService: onService("Id", false),
  UpdateServiceAttributes: onService("ServiceId", false),
};

