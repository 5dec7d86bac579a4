// A Kubernetes Service → load balancer wiring for the ECS service(s) whose tasks it selects.
//
// A Service gives pods one stable address and balances across them; in ECS that job is a
// target group (behind a load balancer) that the service registers its tasks' IPs into — with
// awsvpc, the task's own IP, as a Service reaches a pod's IP. ECS needs the target group's ARN,
// which exists only once the load balancer is made, so the wiring is recorded here for the
// networking layer; when the Service names a target group (the annotation the reverse
// translation writes), the ECS service gets its `loadBalancers` entry directly.

import type { CreateServiceCommandInput } from "@aws-sdk/client-ecs";
import type { Container, Manifest, ServiceSpec } from "./k8s-types.js";
import { reportLeftovers } from "./leftovers.js";
import { TARGET_GROUP_ANNOTATION } from "./options.js";
import { probeToTargetHealthCheck, resolvePort, type TargetHealthCheck } from "./probe.js";
import type { Reporter } from "./report.js";
import type { WorkloadResult } from "./workload-to-ecs.js";

export interface LoadBalancerWiring {
  /** The Kubernetes Service, e.g. "Service/web". */
  source: string;
  /** Headless services are DNS names for each task (service discovery), not a balanced address. */
  serviceType: "ClusterIP" | "NodePort" | "LoadBalancer" | "Headless";
  /** The ECS service whose tasks receive the traffic. */
  ecsService: string;
  containerName: string;
  containerPort: number;
  /** The Service's own port: the listener's port. */
  port: number;
  protocol: "tcp" | "udp";
  portName?: string;
  appProtocol?: string;
  targetGroupArn?: string;
  /** From the container's httpGet/tcpSocket probe (readiness first), when it has one. */
  healthCheck?: TargetHealthCheck;
}

const HANDLED = ["type", "selector", "ports", "clusterIP"];
const REASONS: Record<string, string> = {
  sessionAffinity: "stickiness is a target group attribute (stickiness.enabled), set where the target group is made",
  sessionAffinityConfig: "stickiness duration is a target group attribute",
  loadBalancerSourceRanges: "security groups on the load balancer limit who may connect",
  externalTrafficPolicy: "ECS registers task IPs directly (awsvpc); there is no node hop to keep local",
  internalTrafficPolicy: "ECS registers task IPs directly (awsvpc); there is no node hop to keep local",
  publishNotReadyAddresses: "ECS registers a task's targets once it is RUNNING; target health decides traffic",
  externalIPs: "addresses belong to the load balancer",
  loadBalancerClass: "the kind of load balancer is chosen where it is made",
  clusterIPs: "a load balancer has its own addresses",
  ipFamilies: "the VPC's subnets decide IPv4/IPv6",
  ipFamilyPolicy: "the VPC's subnets decide IPv4/IPv6",
  allocateLoadBalancerNodePorts: "ECS registers task IPs directly; there are no node ports",
  healthCheckNodePort: "ECS registers task IPs directly; there are no node ports",
};

/** `r` is positioned at the Service, e.g. "Service/web". */
export function serviceToWiring(
  m: Manifest,
  workloads: readonly WorkloadResult[],
  services: readonly CreateServiceCommandInput[],
  r: Reporter,
): LoadBalancerWiring[] {
  const name = m.metadata?.name ?? "";
  const spec = (m.spec ?? {}) as ServiceSpec;
  const own = Object.keys(m.metadata?.annotations ?? {}).filter((k) => k !== TARGET_GROUP_ANNOTATION);
  if (own.length > 0) {
    r.child("metadata").unmapped("annotations", `load balancer settings in annotations (${own.join(", ")}) belong to the load balancer and target group, which are made elsewhere`);
  }
  if (m.metadata?.labels && Object.keys(m.metadata.labels).length > 0) {
    r.child("metadata").unmapped("labels", "the wiring carries no tags; tag the target group where it is made");
  }
  const sr = r.child("spec");
  const type = spec.type ?? "ClusterIP";
  if (type === "ExternalName") {
    sr.unmapped("type", "an ExternalName Service is a DNS alias; a Route 53 or Cloud Map CNAME is the nearest, not derived");
    return [];
  }
  if (!spec.selector || Object.keys(spec.selector).length === 0) {
    sr.unmapped("selector", "a Service without a selector has hand-made endpoints; a target group can hold IP targets registered by hand");
    return [];
  }
  const selector = spec.selector;
  const targets = workloads.filter((w) => w.service && Object.entries(selector).every(([k, v]) => w.podLabels[k] === v));
  if (targets.length === 0) {
    sr.unmapped("selector", "selects no Deployment or DaemonSet in the input");
    return [];
  }
  const headless = spec.clusterIP === "None";
  const serviceType: LoadBalancerWiring["serviceType"] = headless ? "Headless" : (type as LoadBalancerWiring["serviceType"]);
  const targetGroupArn = m.metadata?.annotations?.[TARGET_GROUP_ANNOTATION];
  sr.info(
    "type",
    headless
      ? "a headless Service names each pod in DNS; ECS does this with service discovery (Cloud Map serviceRegistries), recorded for the networking layer"
      : `${type}: ECS balances through a target group that the service registers its tasks into; recorded for the networking layer${type === "ClusterIP" ? " (an internal load balancer, or Service Connect, is the in-cluster equivalent)" : ""}`,
  );

  const wiring: LoadBalancerWiring[] = [];
  (spec.ports ?? []).forEach((p, i) => {
    const pr = sr.child(`ports[${i}]`);
    const protocol = (p.protocol ?? "TCP").toUpperCase();
    if (protocol !== "TCP" && protocol !== "UDP") {
      pr.unmapped("protocol", `ECS load balancing carries tcp or udp; found ${p.protocol}`);
      return;
    }
    if (p.nodePort !== undefined) pr.unmapped("nodePort", "ECS registers task IPs directly; there are no node ports");
    for (const w of targets) {
      const found = findContainerPort(w, p.targetPort ?? p.port);
      if (!found) {
        pr.unmapped("targetPort", `no container of ${w.kind}/${w.name} declares port ${p.targetPort ?? p.port}; ECS wires a load balancer to a container's port mapping`);
        continue;
      }
      const entry: LoadBalancerWiring = {
        source: `Service/${name}`,
        serviceType,
        ecsService: w.service?.serviceName as string,
        containerName: found.container.name,
        containerPort: found.port,
        port: p.port,
        protocol: protocol === "TCP" ? "tcp" : "udp",
      };
      if (p.name) entry.portName = p.name;
      if (p.appProtocol) entry.appProtocol = p.appProtocol;
      if (targetGroupArn) entry.targetGroupArn = targetGroupArn;
      const probe = found.trafficProbe;
      const hc = probe ? probeToTargetHealthCheck(probe, found.container) : undefined;
      if (hc) entry.healthCheck = hc;
      wiring.push(entry);
      if (targetGroupArn && !headless) {
        const svc = services.find((s) => s.serviceName === w.service?.serviceName);
        if (svc) {
          svc.loadBalancers = [...(svc.loadBalancers ?? []), { targetGroupArn, containerName: entry.containerName, containerPort: entry.containerPort }];
        }
      }
    }
  });
  reportLeftovers(spec, HANDLED, REASONS, sr, "no ECS load balancer setting corresponds");
  return wiring;
}

function findContainerPort(
  w: WorkloadResult,
  target: number | string,
): { container: Container; port: number; trafficProbe?: WorkloadResult["pod"]["containers"][number]["trafficProbe"] } | undefined {
  for (const c of w.pod.containers) {
    const declared = c.container.ports ?? [];
    const port =
      typeof target === "number" || /^\d+$/.test(target)
        ? declared.find((p) => p.containerPort === Number(target))?.containerPort
        : resolvePort(target, c.container);
    if (port !== undefined) return { container: c.container, port, ...(c.trafficProbe ? { trafficProbe: c.trafficProbe } : {}) };
  }
  return undefined;
}
