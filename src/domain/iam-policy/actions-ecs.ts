// ECS operations → the resources and condition keys the Service Authorization Reference
// gives them ("Actions, resources, and condition keys for Amazon Elastic Container Service",
// read from its machine-readable form as of 2026-08). Every action is named after its
// operation (`ecs:RunTask`). Notable rows:
// - RunTask and StartTask act on the task definition, with `ecs:cluster` the cluster's ARN
//   (StartTask adds `ecs:container-instances`);
// - ListTasks acts on a container instance, DeregisterContainerInstance on the cluster;
// - DescribeTaskDefinition, DeregisterTaskDefinition, List*, the account settings and
//   DiscoverPollEndpoint take no resource ("*");
// - deployments and revisions are authorized on the service (daemon) as well as on themselves.
// berth's own operations (DescribeServiceDecisions, GetTaskLogs, ValidateRequest) live here too,
// as `berth:<Operation>` on the ECS resource they read.
import {
  defined,
  isArn,
  obj,
  objs,
  result,
  str,
  strs,
  tagContext,
  type ContextValues,
  type Input,
  type Resolver,
  type Scoped,
} from "./request-parts.js";

const clusterName = (v: unknown): string => {
  const s = str(v);
  if (!s) return "default";
  return isArn(s) ? s.slice(s.lastIndexOf("/") + 1) : s;
};

/** The cluster segment of a cluster-scoped ARN (`…:task/<cluster>/<id>`), if it is one. */
const clusterOf = (arn: string): string | undefined => {
  const m = /^arn:[^:]*:ecs:[^:]*:[^:]*:[a-z-]+\/([^/]+)\/.+$/.exec(arn);
  return m?.[1];
};

const clusterArn = (s: Scoped, v: unknown) => s.arn("ecs", `cluster/${clusterName(v)}`);

/** A cluster-scoped resource given by ARN, or by name / id within the request's cluster. */
const inCluster = (s: Scoped, type: string, cluster: unknown, v: string) => (isArn(v) ? v : s.arn("ecs", `${type}/${clusterName(cluster)}/${v}`));

const capacityProviderArn = (s: Scoped, v: string) => (isArn(v) ? v : s.arn("ecs", `capacity-provider/${v}`));

/** `family`, `family:revision` or an ARN; a bare family resolves through the lookup, else `family:*`. */
function definitionArn(s: Scoped, type: "task-definition" | "daemon-task-definition", v: string, which: "latest-active" | "next"): string {
  if (isArn(v)) return v;
  const colon = v.lastIndexOf(":");
  if (colon > 0 && which === "latest-active") return s.arn("ecs", `${type}/${v}`);
  const family = colon > 0 ? v.slice(0, colon) : v;
  const look = type === "task-definition" ? s.lookup?.taskDefinitionRevision : s.lookup?.daemonTaskDefinitionRevision;
  const revision = look?.call(s.lookup, family, which);
  return s.arn("ecs", `${type}/${family}:${revision ?? "*"}`);
}

/**
 * `ecs:cluster` from the request's cluster, or — when the request names none — from the
 * cluster segment of the resource it names by ARN (the cluster ECS would act in).
 */
function clusterContext(s: Scoped, i: Input, resources: string[]): ContextValues {
  if (str(i.cluster) ?? str(i.clusterArn)) return { "ecs:cluster": clusterArn(s, i.cluster ?? i.clusterArn) };
  const fromArn = resources.map(clusterOf).find((c) => c !== undefined);
  return { "ecs:cluster": clusterArn(s, fromArn) };
}

/** The parent a deployment or revision belongs to: `service-deployment/c/s/id` → `service/c/s`. */
const parentOf = (arn: string, child: string, parent: string): string | undefined => {
  const at = arn.indexOf(`:${child}/`);
  if (!isArn(arn) || at < 0) return undefined;
  const [cluster, name] = arn.slice(at + child.length + 2).split("/");
  return cluster && name ? `${arn.slice(0, at + 1)}${parent}/${cluster}/${name}` : undefined;
};

/** `ecs:capacity-provider` from a strategy list or a list of names / ARNs. */
function capacityProviders(s: Scoped, i: Input): string[] {
  const out: string[] = [];
  for (const c of objs(i.capacityProviderStrategy)) if (str(c.capacityProvider)) out.push(capacityProviderArn(s, c.capacityProvider as string));
  for (const c of strs(i.capacityProviders)) out.push(capacityProviderArn(s, c));
  for (const c of strs(i.capacityProviderArns)) out.push(capacityProviderArn(s, c));
  return out;
}

/**
 * The keys describing how a task or service runs: capacity providers, exec, tags, network,
 * Service Connect, EBS, VPC Lattice. Only what the request sets; most set little, and this
 * runs on every RunTask and UpdateService.
 */
function launchContext(s: Scoped, i: Input): ContextValues {
  const out: ContextValues = {};
  const providers = capacityProviders(s, i);
  if (providers.length) out["ecs:capacity-provider"] = providers;
  if (typeof i.enableExecuteCommand === "boolean") out["ecs:enable-execute-command"] = String(i.enableExecuteCommand);
  if (typeof i.enableECSManagedTags === "boolean") out["ecs:enable-ecs-managed-tags"] = String(i.enableECSManagedTags);
  if (str(i.propagateTags)) out["ecs:propagate-tags"] = i.propagateTags as string;
  if (i.networkConfiguration !== undefined) {
    const awsvpc = obj(obj(i.networkConfiguration).awsvpcConfiguration);
    const subnets = strs(awsvpc.subnets);
    if (subnets.length) out["ecs:subnet"] = subnets;
    if (str(awsvpc.assignPublicIp)) out["ecs:auto-assign-public-ip"] = String(awsvpc.assignPublicIp === "ENABLED");
  }
  if (i.serviceConnectConfiguration !== undefined) {
    const connect = obj(i.serviceConnectConfiguration);
    if (typeof connect.enabled === "boolean") out["ecs:enable-service-connect"] = String(connect.enabled);
    if (str(connect.namespace)) out["ecs:namespace"] = connect.namespace as string;
  }
  if (objs(i.volumeConfigurations).some((v) => v.managedEBSVolume !== undefined)) out["ecs:enable-ebs-volumes"] = "true";
  if (objs(i.vpcLatticeConfigurations).length > 0) out["ecs:enable-vpc-lattice"] = "true";
  return out;
}

/** ECS task sizes: "1024" or "1 vCPU" / "2 GB" (1 vCPU = 1024 units, 1 GB = 1024 MiB). */
const taskSize = (v: unknown): string | undefined => {
  const s = str(v)?.trim();
  if (!s) return undefined;
  const m = /^(\d+(?:\.\d+)?)\s*(vcpu|gb)$/i.exec(s);
  return m ? String(Math.round(Number(m[1]) * 1024)) : s;
};

function registration(type: "task-definition" | "daemon-task-definition"): Resolver {
  return (i, s) => {
    const containers = objs(i.containerDefinitions);
    const context = tagContext(i.tags, {
      ...defined({
        "ecs:task-cpu": taskSize(i.cpu),
        "ecs:task-memory": taskSize(i.memory),
        "ecs:compute-compatibility": strs(i.requiresCompatibilities),
      }),
      "ecs:privileged": String(containers.some((c) => c.privileged === true)),
    });
    return result([definitionArn(s, type, str(i.family) ?? "", "next")], context);
  };
}

/** A resolver for operations on the request's cluster. */
const onCluster =
  (withClusterKey = false): Resolver =>
  (i, s) => {
    const arn = clusterArn(s, i.cluster ?? i.clusterName);
    return result([arn], tagContext(i.tags, withClusterKey ? { "ecs:cluster": arn } : {}));
  };

/** A resolver for operations on resources of one cluster-scoped type, named in `field`. */
const inClusterList =
  (type: string, field: string, extra?: (i: Input, s: Scoped) => ContextValues): Resolver =>
  (i, s) => {
    const named = names(i[field]);
    const resources = named.length ? named.map((v) => inCluster(s, type, i.cluster, v)) : [inCluster(s, type, i.cluster, "*")];
    return result(resources, { ...clusterContext(s, i, resources), ...extra?.(i, s) });
  };

/** Deployments / revisions given by ARN, each authorized with the service (daemon) it belongs to. */
const withParent =
  (field: string, child: string, parent: "service" | "daemon"): Resolver =>
  (i, s) => {
    const arns = names(i[field]);
    const resources: string[] = [];
    for (const a of arns) {
      const p = parentOf(a, child, parent);
      if (p && !resources.includes(p)) resources.push(p);
      resources.push(a);
    }
    const parentArn = resources[0] ?? "";
    const context: ContextValues = { "ecs:cluster": clusterArn(s, clusterOf(parentArn)) };
    if (parent === "service" && parentArn) context["ecs:service"] = parentArn;
    if (parent === "daemon" && parentArn) context["ecs:daemon"] = parentArn;
    return result(resources, context);
  };

/** An operation on one resource given by ARN in `field` (services by ARN, daemons, tags). */
const byArn =
  (field: string, withCluster: boolean, extra?: (i: Input, s: Scoped) => ContextValues): Resolver =>
  (i, s) => {
    const arn = str(i[field]);
    const resources = arn ? [arn] : [];
    const context = { ...(withCluster ? clusterContext(s, i, resources) : {}), ...extra?.(i, s) };
    return result(resources, context);
  };

const none: Resolver = () => result([]);

/** A field holding one name or a list of them. */
const names = (v: unknown): string[] => (Array.isArray(v) ? strs(v) : strs([v]));

/** Task-set operations: `ecs:cluster` and `ecs:service` from the request. */
const taskSets =
  (field: string | undefined): Resolver =>
  (i, s) => {
    const service = inCluster(s, "service", i.cluster, str(i.service) ?? "*");
    const serviceName = service.slice(service.lastIndexOf("/") + 1);
    const ids = field ? names(i[field]) : [];
    const resources = (ids.length ? ids : ["*"]).map((t) => (isArn(t) ? t : s.arn("ecs", `task-set/${clusterName(i.cluster)}/${serviceName}/${t}`)));
    return result(resources, tagContext(i.tags, { ...clusterContext(s, i, resources), "ecs:service": service, ...launchContext(s, i), ...taskDefinitionKey(i, s) }));
  };

const taskDefinitionKey = (i: Input, s: Scoped): ContextValues => {
  const td = str(i.taskDefinition);
  return td ? { "ecs:task-definition": definitionArn(s, "task-definition", td, "latest-active") } : {};
};

/** A service's create or update: the service, its cluster, task definition and launch keys. */
const service: Resolver = (i, s) => {
  const name = str(i.service) ?? str(i.serviceName) ?? "*";
  const resources = [inCluster(s, "service", i.cluster, name)];
  return result(resources, tagContext(i.tags, { ...clusterContext(s, i, resources), ...taskDefinitionKey(i, s), ...launchContext(s, i) }));
};

/** RunTask and StartTask: the task definition, in the cluster named by `ecs:cluster`. */
const taskStart: Resolver = (i, s) => {
  const resources = [definitionArn(s, "task-definition", str(i.taskDefinition) ?? "", "latest-active")];
  const instances = strs(i.containerInstances).map((c) => inCluster(s, "container-instance", i.cluster, c));
  return result(resources, tagContext(i.tags, { "ecs:cluster": clusterArn(s, i.cluster), ...launchContext(s, i), ...defined({ "ecs:container-instances": instances }) }));
};

/** Attribute targets: container instances named by ARN or id. */
const attributeTargets: Resolver = (i, s) => {
  const ids = objs(i.attributes).flatMap((a) => strs([a.targetId]));
  const resources = (ids.length ? ids : ["*"]).map((id) => inCluster(s, "container-instance", i.cluster, id));
  return result(resources, clusterContext(s, i, resources));
};

const accountSetting: Resolver = (i) => result([], defined({ "ecs:account-setting": str(i.name) }));

const capacityProvider =
  (field: string): Resolver =>
  (i, s) => {
    const given = names(i[field]);
    return result(given.length ? given.map((n) => capacityProviderArn(s, n)) : [s.arn("ecs", "capacity-provider/*")], tagContext(i.tags));
  };

const daemonDefinitions: Resolver = (i, s) => {
  const v = str(i.daemonTaskDefinition);
  return result(v ? [definitionArn(s, "daemon-task-definition", v, "latest-active")] : []);
};

/** The daemon's keys on create / update: its task definition and capacity providers. */
const daemonKeys = (i: Input, s: Scoped): ContextValues => ({
  ...launchContext(s, i),
  ...defined({ "ecs:daemon-task-definition": str(i.daemonTaskDefinitionArn) }),
});

export const ECS_OPERATIONS: Record<string, Resolver> = {
  ContinueServiceDeployment: withParent("serviceDeploymentArn", "service-deployment", "service"),
  CreateCapacityProvider: capacityProvider("name"),
  CreateCluster: (i, s) => {
    const arn = clusterArn(s, i.clusterName);
    return result([arn], tagContext(i.tags, defined({ "ecs:capacity-provider": capacityProviders(s, i) })));
  },
  CreateDaemon: (i, s) => {
    const resources = [inCluster(s, "daemon", i.clusterArn, str(i.daemonName) ?? "*")];
    return result(resources, tagContext(i.tags, { ...clusterContext(s, i, resources), ...daemonKeys(i, s) }));
  },
  CreateExpressGatewayService: service,
  CreateService: service,
  CreateTaskSet: taskSets(undefined),
  DeleteAccountSetting: accountSetting,
  DeleteAttributes: attributeTargets,
  DeleteCapacityProvider: capacityProvider("capacityProvider"),
  DeleteCluster: onCluster(),
  DeleteDaemon: byArn("daemonArn", true),
  DeleteDaemonTaskDefinition: daemonDefinitions,
  DeleteExpressGatewayService: byArn("serviceArn", true),
  DeleteService: inClusterList("service", "service"),
  DeleteTaskDefinitions: (i, s) => result(strs(i.taskDefinitions).map((t) => definitionArn(s, "task-definition", t, "latest-active"))),
  DeleteTaskSet: taskSets("taskSet"),
  DeregisterContainerInstance: onCluster(),
  DeregisterTaskDefinition: none,
  DescribeCapacityProviders: capacityProvider("capacityProviders"),
  DescribeClusters: (i, s) => result((strs(i.clusters).length ? strs(i.clusters) : ["default"]).map((c) => clusterArn(s, c))),
  DescribeContainerInstances: inClusterList("container-instance", "containerInstances"),
  DescribeDaemon: byArn("daemonArn", true),
  DescribeDaemonDeployments: withParent("daemonDeploymentArns", "daemon-deployment", "daemon"),
  DescribeDaemonRevisions: withParent("daemonRevisionArns", "daemon-revision", "daemon"),
  DescribeDaemonTaskDefinition: daemonDefinitions,
  DescribeExpressGatewayService: byArn("serviceArn", true),
  DescribeServiceDeployments: withParent("serviceDeploymentArns", "service-deployment", "service"),
  DescribeServiceRevisions: withParent("serviceRevisionArns", "service-revision", "service"),
  DescribeServices: inClusterList("service", "services"),
  DescribeTaskDefinition: none,
  DescribeTaskSets: taskSets("taskSets"),
  DescribeTasks: inClusterList("task", "tasks"),
  DiscoverPollEndpoint: none,
  ExecuteCommand: (i, s) => {
    const task = inCluster(s, "task", i.cluster, str(i.task) ?? "*");
    const cluster = clusterContext(s, i, [task])["ecs:cluster"] as string;
    return result([cluster, task], defined({ "ecs:cluster": cluster, "ecs:task": task, "ecs:container-name": str(i.container) }));
  },
  GetTaskProtection: inClusterList("task", "tasks"),
  ListAccountSettings: none,
  ListAttributes: onCluster(),
  ListClusters: none,
  ListContainerInstances: onCluster(),
  ListDaemonDeployments: byArn("daemonArn", true),
  ListDaemonTaskDefinitions: none,
  ListDaemons: (i, s) => result([], defined({ "ecs:cluster": str(i.clusterArn) && clusterArn(s, i.clusterArn) })),
  ListServiceDeployments: inClusterList("service", "service"),
  ListServices: (i, s) => result([], { "ecs:cluster": clusterArn(s, i.cluster) }),
  ListServicesByNamespace: (i) => result([], defined({ "ecs:namespace": str(i.namespace) })),
  ListTagsForResource: byArn("resourceArn", false),
  ListTaskDefinitionFamilies: none,
  ListTaskDefinitions: none,
  ListTasks: inClusterList("container-instance", "containerInstance"),
  PutAccountSetting: accountSetting,
  PutAccountSettingDefault: accountSetting,
  PutAttributes: attributeTargets,
  PutClusterCapacityProviders: (i, s) => result([clusterArn(s, i.cluster)], defined({ "ecs:capacity-provider": capacityProviders(s, i) })),
  RegisterContainerInstance: onCluster(),
  RegisterDaemonTaskDefinition: registration("daemon-task-definition"),
  RegisterTaskDefinition: registration("task-definition"),
  RunTask: taskStart,
  StartTask: taskStart,
  StopServiceDeployment: withParent("serviceDeploymentArn", "service-deployment", "service"),
  StopTask: inClusterList("task", "task"),
  SubmitAttachmentStateChanges: onCluster(),
  SubmitContainerStateChange: onCluster(),
  SubmitTaskStateChange: onCluster(),
  TagResource: byArn("resourceArn", false, (i) => tagContext(i.tags)),
  UntagResource: byArn("resourceArn", false, (i) => defined({ "aws:TagKeys": strs(i.tagKeys) })),
  UpdateCapacityProvider: capacityProvider("name"),
  UpdateCluster: onCluster(),
  UpdateClusterSettings: onCluster(),
  UpdateContainerAgent: inClusterList("container-instance", "containerInstance"),
  UpdateContainerInstancesState: inClusterList("container-instance", "containerInstances"),
  UpdateDaemon: byArn("daemonArn", true, daemonKeys),
  UpdateExpressGatewayService: byArn("serviceArn", true),
  UpdateService: service,
  UpdateServicePrimaryTaskSet: inClusterList("service", "service"),
  UpdateTaskProtection: inClusterList("task", "tasks"),
  UpdateTaskSet: taskSets("taskSet"),
};

/** berth's own operations (target prefix Berth_20261128), on the ECS resource each reads. */
export const BERTH_OPERATIONS: Record<string, Resolver> = {
  DescribeServiceDecisions: inClusterList("service", "service"),
  GetTaskLogs: inClusterList("task", "task"),
  ValidateRequest: none,
};
