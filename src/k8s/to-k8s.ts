// ECS documents → Kubernetes manifests: a task definition (and its service, if any) becomes a
// Deployment, DaemonSet or Pod, plus a Service per target group and a ServiceAccount for the
// task role. Pure, like toEcs; the two are inverses for everything that maps, and the report
// names the rest.

import type {
  CreateServiceCommandInput,
  PlacementConstraint,
  RegisterTaskDefinitionCommandInput,
  Service as EcsService,
  TaskDefinition,
} from "@aws-sdk/client-ecs";
import type { Labels, Manifest, PodSpec, TopologySpreadConstraint } from "./k8s-types.js";
import { reportLeftovers } from "./leftovers.js";
import { spreadFieldToTopologyKey } from "./node-labels.js";
import {
  FAMILY_LABEL,
  MAXIMUM_PERCENT_ANNOTATION,
  MINIMUM_HEALTHY_PERCENT_ANNOTATION,
  ROLE_ARN_ANNOTATION,
  TARGET_GROUP_ANNOTATION,
} from "./options.js";
import { taskDefinitionToPod } from "./pod-to-k8s.js";
import { Reporter, type ReportEntry } from "./report.js";
import { ECS_DAEMON_DEFAULTS, ECS_REPLICA_DEFAULTS, deploymentPercents, parseFencepost, rollingUpdateFor } from "./rollout-math.js";
import { tagsToLabels } from "./tags.js";
import { claimsToK8s } from "./volumes-to-k8s.js";

export interface ToK8sInput {
  taskDefinition: RegisterTaskDefinitionCommandInput | TaskDefinition;
  service?: CreateServiceCommandInput | EcsService;
}

export interface ToK8sOptions {
  /** metadata.namespace of every manifest; omitted by default. */
  namespace?: string;
}

export interface K8sTranslation {
  manifests: Manifest[];
  report: ReportEntry[];
}

const SERVICE_HANDLED = [
  "serviceName", "cluster", "taskDefinition", "desiredCount", "schedulingStrategy", "deploymentConfiguration",
  "placementConstraints", "placementStrategy", "loadBalancers", "tags", "propagateTags", "clientToken",
  // The claims of the volumes configured at launch carry their sizes (volumes-to-k8s.ts).
  "volumeConfigurations",
  // Output-only fields of a described service: observed state, not desired state.
  "serviceArn", "clusterArn", "status", "runningCount", "pendingCount", "events", "deployments", "createdAt",
  "createdBy", "taskSets", "roleArn", "currentServiceDeployment", "currentServiceRevisions", "resourceManagementType",
];

const SERVICE_REASONS: Record<string, string> = {
  launchType: "Kubernetes has no launch types; where pods run is the cluster's node pools",
  capacityProviderStrategy: "capacity providers are Kubernetes' node pools, chosen by the cluster or by node selection",
  platformVersion: "Kubernetes has no Fargate platform versions",
  platformFamily: "Kubernetes has no Fargate platform families",
  networkConfiguration: "pods get addresses from the cluster's network plugin; subnets and security groups are not per workload (security groups for pods is an EKS add-on)",
  healthCheckGracePeriodSeconds: "Kubernetes ignores no health failures after start; a startupProbe or initialDelaySeconds is the nearest",
  serviceRegistries: "service discovery is a headless Service in Kubernetes; Cloud Map registries are not derived",
  enableExecuteCommand: "kubectl exec needs no switch on the workload",
  enableECSManagedTags: "Kubernetes labels pods from the template only",
  deploymentController: "Kubernetes Deployments always roll themselves",
  role: "Kubernetes needs no IAM role to register pods with a load balancer",
  serviceConnectConfiguration: "Service Connect's names are Kubernetes Services and DNS; not derived",
  vpcLatticeConfigurations: "VPC Lattice is not a Kubernetes object",
  availabilityZoneRebalancing: "the descheduler, not the Deployment, moves running pods between zones",
  monitoring: "no Kubernetes workload field corresponds",
  gatewayConnectors: "no Kubernetes workload field corresponds",
};

export function toK8s(input: ToK8sInput, options: ToK8sOptions = {}): K8sTranslation {
  const report: ReportEntry[] = [];
  const td = input.taskDefinition as RegisterTaskDefinitionCommandInput;
  const svc = input.service as CreateServiceCommandInput | undefined;
  const family = td.family ?? "task";
  const tr = new Reporter(`TaskDefinition/${family}`, report);
  const sr = new Reporter(`Service/${svc?.serviceName ?? family}`, report);
  const name = svc?.serviceName ?? family;
  const meta = (n: string, extra: Record<string, unknown> = {}) => ({ name: n, ...(options.namespace ? { namespace: options.namespace } : {}), ...extra });

  const memberOf = (svc?.placementConstraints ?? []).flatMap((c) => (c.type === "memberOf" ? [{ type: c.type, expression: c.expression }] : []));
  const pod = taskDefinitionToPod(td, memberOf, svc === undefined, tr);
  // The pod template's labels are the task definition's tags. A workload also needs a label to
  // select its pods by, and the family if it differs from the workload's name: both go in the
  // translator's own label, which the trip back leaves out of the tags.
  const labels: Labels = { ...pod.labels };
  if (family !== name) labels[FAMILY_LABEL] = family;
  const selectorKey = ["app", "app.kubernetes.io/name"].find((k) => labels[k] !== undefined) ?? FAMILY_LABEL;
  if (svc && labels[selectorKey] === undefined) labels[FAMILY_LABEL] = family;
  const selector: Labels = { [selectorKey]: labels[selectorKey] ?? family };

  const manifests: Manifest[] = [];
  if (pod.role?.arn) {
    manifests.push({ apiVersion: "v1", kind: "ServiceAccount", metadata: meta(pod.role.serviceAccount, { annotations: { [ROLE_ARN_ANNOTATION]: pod.role.arn } }) });
  } else if (pod.role) {
    tr.info("taskRoleArn", `'${pod.role.serviceAccount}' is a role name, not an ARN; create ServiceAccount ${pod.role.serviceAccount} and bind it to that IAM role (IRSA)`);
  }

  // The claims the pod's EFS and launch-configured volumes name.
  manifests.push(...claimsToK8s(td, svc, (n) => meta(n), tr));

  if (!svc) {
    manifests.push({ apiVersion: "v1", kind: "Pod", metadata: meta(family, Object.keys(labels).length ? { labels } : {}), spec: pod.spec });
    tr.info("", "with no service, the task definition became a bare Pod (a task started with RunTask)");
    return { manifests, report };
  }

  checkTaskDefinitionReference(svc, family, sr);
  if (svc.cluster) sr.info("cluster", "Kubernetes has no cluster field; the kubectl context picks the cluster");
  const template = { metadata: { labels }, spec: pod.spec };
  servicePlacement(svc, selector, pod.spec, sr);
  const serviceLabels = tagsToLabels(svc.tags, sr.child("tags"));
  if (svc.tags?.length && pod.labels && Object.keys(pod.labels).length > 0 && svc.propagateTags !== "TASK_DEFINITION") {
    sr.approximated("propagateTags", "pods always carry their template's labels (the task definition's tags); ECS tasks carry them only with propagateTags TASK_DEFINITION");
  }
  const metadata = meta(name, Object.keys(serviceLabels).length ? { labels: serviceLabels } : {});

  if (svc.schedulingStrategy === "DAEMON") {
    manifests.push({
      apiVersion: "apps/v1",
      kind: "DaemonSet",
      metadata,
      spec: { selector: { matchLabels: { ...selector } }, updateStrategy: daemonStrategy(svc, sr), template },
    });
  } else {
    const { strategy, annotations } = deploymentStrategy(svc, sr);
    const replicas = svc.desiredCount;
    if (replicas === undefined) sr.info("desiredCount", "not given; Kubernetes defaults replicas to 1");
    manifests.push({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: Object.keys(annotations).length ? { ...metadata, annotations } : metadata,
      spec: { ...(replicas !== undefined ? { replicas } : {}), selector: { matchLabels: { ...selector } }, strategy, template },
    });
  }
  manifests.push(...loadBalancersToServices(svc, selector, meta, sr));
  reportLeftovers(svc, SERVICE_HANDLED, SERVICE_REASONS, sr, "no Kubernetes workload field corresponds");
  return { manifests, report };
}

function checkTaskDefinitionReference(svc: CreateServiceCommandInput, family: string, r: Reporter): void {
  const ref = svc.taskDefinition;
  if (!ref) return;
  const m = /^(?:arn:[^:]+:ecs:[^:]*:[^:]*:task-definition\/)?([A-Za-z0-9_-]+)(?::(\d+))?$/.exec(ref);
  if (!m || m[1] !== family) {
    r.unmapped("taskDefinition", `names '${ref}', but the task definition translated with it is family '${family}'; the workload uses the latter`);
  } else if (m[2] !== undefined) {
    r.info("taskDefinition", `revision ${m[2]}: a Deployment has no revisions to pin; its pod template is the revision`);
  }
}

function deploymentStrategy(svc: CreateServiceCommandInput, r: Reporter) {
  const dc = svc.deploymentConfiguration ?? {};
  const dr = r.child("deploymentConfiguration");
  const desired = svc.desiredCount ?? 1;
  const maxP = dc.maximumPercent ?? ECS_REPLICA_DEFAULTS.maximumPercent;
  const minP = dc.minimumHealthyPercent ?? ECS_REPLICA_DEFAULTS.minimumHealthyPercent;
  const ru = rollingUpdateFor(desired, maxP, minP);
  const annotations: Record<string, string> = {};
  if (!ru.exact) {
    dr.approximated("", ru.note ?? "Kubernetes cannot allow the same counts");
  } else {
    // The counts agree; check the percents come back too, else keep them in annotations.
    const back = deploymentPercents(desired, parseFencepost(ru.maxSurge, "maxSurge"), parseFencepost(ru.maxUnavailable, "maxUnavailable"));
    if (back.maximumPercent.percent !== maxP) annotations[MAXIMUM_PERCENT_ANNOTATION] = String(maxP);
    if (back.minimumHealthyPercent.percent !== minP) annotations[MINIMUM_HEALTHY_PERCENT_ANNOTATION] = String(minP);
    if (Object.keys(annotations).length > 0) {
      dr.info(
        "",
        `maxSurge ${ru.maxSurge} / maxUnavailable ${ru.maxUnavailable} allow the same counts at ${desired} replicas, but other percents do too; the exact ones are kept in annotations ${Object.keys(annotations).join(", ")}`,
      );
    }
  }
  reportLeftovers(dc, ["maximumPercent", "minimumHealthyPercent", "strategy"], {
    deploymentCircuitBreaker: "progressDeadlineSeconds marks a stuck rollout as failed but never rolls it back; not derived",
    alarms: "Kubernetes Deployments do not watch alarms",
    bakeTimeInMinutes: "Kubernetes Deployments have no bake time",
    lifecycleHooks: "Kubernetes Deployments have no lifecycle hooks",
    linearConfiguration: "Kubernetes Deployments shift pods, not traffic; linear shifting needs a progressive-delivery controller",
    canaryConfiguration: "Kubernetes Deployments shift pods, not traffic; canaries need a progressive-delivery controller",
  }, dr, "no Kubernetes strategy field corresponds");
  if (dc.strategy !== undefined && dc.strategy !== "ROLLING") dr.unmapped("strategy", `a Deployment only rolls; ${dc.strategy} has no form`);
  return { strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: ru.maxSurge, maxUnavailable: ru.maxUnavailable } }, annotations };
}

function daemonStrategy(svc: CreateServiceCommandInput, r: Reporter) {
  const dc = svc.deploymentConfiguration ?? {};
  const dr = r.child("deploymentConfiguration");
  const minP = dc.minimumHealthyPercent ?? ECS_DAEMON_DEFAULTS.minimumHealthyPercent;
  if (dc.maximumPercent !== undefined && dc.maximumPercent !== 100) {
    dr.unmapped("maximumPercent", `a DAEMON service's maximumPercent must be 100; found ${dc.maximumPercent}`);
  }
  reportLeftovers(dc, ["maximumPercent", "minimumHealthyPercent"], {}, dr, "no DaemonSet update field corresponds");
  if (minP >= 100) {
    dr.approximated("minimumHealthyPercent", "100 keeps every daemon task running, so ECS can replace none; a DaemonSet needs maxUnavailable above 0, so it replaces one at a time");
    return { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1 } };
  }
  return { type: "RollingUpdate", rollingUpdate: { maxUnavailable: `${100 - minP}%` } };
}

/** distinctInstance → anti-affinity to its own pods per node; spread → topology spread. */
function servicePlacement(svc: CreateServiceCommandInput, selector: Labels, spec: PodSpec, r: Reporter): void {
  (svc.placementConstraints ?? []).forEach((c: PlacementConstraint, i) => {
    if (c.type !== "distinctInstance") return; // memberOf went to the pod spec
    spec.affinity = {
      ...(spec.affinity ?? {}),
      podAntiAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { ...selector } }, topologyKey: "kubernetes.io/hostname" }],
      },
    };
    r.child(`placementConstraints[${i}]`).info("", "distinctInstance became required anti-affinity to the workload's own pods per node");
  });
  const spread: TopologySpreadConstraint[] = [];
  (svc.placementStrategy ?? []).forEach((s, i) => {
    const pr = r.child(`placementStrategy[${i}]`);
    if (s.type === "spread" && s.field) {
      spread.push({ maxSkew: 1, topologyKey: spreadFieldToTopologyKey(s.field), whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: { ...selector } } });
    } else if (s.type === "binpack") {
      pr.unmapped("", "packing pods tightly is the scheduler's MostAllocated scoring, configured for the whole cluster, not per workload");
    } else {
      pr.unmapped("", `${s.type} placement has no per-workload form in Kubernetes`);
    }
  });
  if (spread.length) spec.topologySpreadConstraints = spread;
}

function loadBalancersToServices(
  svc: CreateServiceCommandInput,
  selector: Labels,
  meta: (n: string, extra?: Record<string, unknown>) => Record<string, unknown>,
  r: Reporter,
): Manifest[] {
  const groups = new Map<string, { port: number; name: string }[]>();
  (svc.loadBalancers ?? []).forEach((lb, i) => {
    const lr = r.child(`loadBalancers[${i}]`);
    if (!lb.targetGroupArn) {
      lr.unmapped("loadBalancerName", "a Classic Load Balancer has no Kubernetes form; only target groups are translated");
      return;
    }
    const list = groups.get(lb.targetGroupArn) ?? [];
    list.push({ port: lb.containerPort ?? 0, name: lb.containerName ?? "" });
    groups.set(lb.targetGroupArn, list);
  });
  const serviceName = svc.serviceName ?? "service";
  let n = 0;
  const out: Manifest[] = [];
  for (const [arn, ports] of groups) {
    n += 1;
    const name = groups.size === 1 ? serviceName : `${serviceName}-${n}`;
    out.push({
      apiVersion: "v1",
      kind: "Service",
      metadata: meta(name, { annotations: { [TARGET_GROUP_ANNOTATION]: arn } }),
      spec: {
        type: "LoadBalancer",
        selector: { ...selector },
        ports: ports.map((p) => ({ port: p.port, targetPort: p.port })),
      },
    });
  }
  if (out.length > 0) {
    r.info("loadBalancers", "each target group became a Service of type LoadBalancer that selects the pods; the listener's port is not in the ECS service, so the Service port is the container port");
  }
  return out;
}
