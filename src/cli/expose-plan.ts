// What `berth expose` will make, decided from what it read: which container and port the load
// balancer sends traffic to, the target type the task's network mode needs, the names of the
// load balancer and target group, and one subnet per availability zone. Pure, table-tested;
// expose-command.ts reads and acts.
import type { ContainerDefinition } from "@aws-sdk/client-ecs";
import type { TargetHealthCheck } from "../k8s/index.js";

export interface ExposeFlags {
  port: number;
  container?: string;
  containerPort?: number;
  protocol: "HTTP" | "TCP";
  healthCheckPath: string;
  name?: string;
  /** The whole health check (from a Kubernetes probe); without it, ELB's defaults with healthCheckPath. */
  healthCheck?: TargetHealthCheck;
}

export interface ExposeSubject {
  serviceName: string;
  networkMode: string;
  containers: ContainerDefinition[];
  /** The service's own awsvpc subnets, in its order. */
  serviceSubnets: string[];
  /** Every subnet of the VPC the load balancer goes in, with its zone. */
  vpcSubnets: { SubnetId: string; AvailabilityZone: string }[];
}

export interface ExposePlan {
  loadBalancerName: string;
  loadBalancerType: "application" | "network";
  targetGroupName: string;
  targetType: "ip" | "instance";
  containerName: string;
  containerPort: number;
  subnets: string[];
}

/** ELB names: 1–32 alphanumerics and hyphens, not starting or ending with one, not `internal-`. */
export function elbName(base: string, suffix = ""): string {
  const clean = base.replace(/[^A-Za-z0-9-]/g, "-").replace(/^internal-/, "");
  const room = 32 - suffix.length;
  const head = clean.slice(0, room).replace(/^-+|-+$/g, "") || "berth";
  return `${head}${suffix}`;
}

/** The container and port traffic goes to: the one named, else the only one with a port mapping. */
export function chooseTarget(containers: ContainerDefinition[], flags: Pick<ExposeFlags, "container" | "containerPort">): { containerName: string; containerPort: number } {
  const ports = (c: ContainerDefinition) => (c.portMappings ?? []).flatMap((m) => (m.containerPort !== undefined ? [m.containerPort] : []));
  const named = flags.container !== undefined ? containers.filter((c) => c.name === flags.container) : containers.filter((c) => ports(c).length > 0);
  if (flags.container !== undefined && named.length === 0) {
    throw new Error(`the task definition has no container '${flags.container}' (it has ${containers.map((c) => c.name).join(", ")})`);
  }
  if (named.length === 0) throw new Error("no container of the task definition maps a port; add portMappings, or name one with --container and --container-port");
  if (named.length > 1) {
    throw new Error(`several containers map ports (${named.map((c) => `${c.name}: ${ports(c).join(", ")}`).join("; ")}); choose one with --container`);
  }
  const container = named[0]!;
  const mapped = ports(container);
  if (flags.containerPort !== undefined) {
    if (!mapped.includes(flags.containerPort)) {
      throw new Error(`container '${container.name}' maps no port ${flags.containerPort}${mapped.length ? ` (it maps ${mapped.join(", ")})` : ""}`);
    }
    return { containerName: container.name!, containerPort: flags.containerPort };
  }
  if (mapped.length !== 1) {
    throw new Error(`container '${container.name}' maps ${mapped.length ? `several ports (${mapped.join(", ")})` : "no port"}; choose one with --container-port`);
  }
  return { containerName: container.name!, containerPort: mapped[0]! };
}

/** One subnet per zone: the service's own first, then the VPC's others for zones not yet covered. */
export function subnetsPerZone(serviceSubnets: string[], vpcSubnets: { SubnetId: string; AvailabilityZone: string }[]): string[] {
  const zoneOf = new Map(vpcSubnets.map((s) => [s.SubnetId, s.AvailabilityZone]));
  const chosen = new Map<string, string>();
  for (const id of serviceSubnets) {
    const zone = zoneOf.get(id);
    if (zone && !chosen.has(zone)) chosen.set(zone, id);
  }
  for (const s of [...vpcSubnets].sort((a, b) => a.AvailabilityZone.localeCompare(b.AvailabilityZone))) {
    if (!chosen.has(s.AvailabilityZone)) chosen.set(s.AvailabilityZone, s.SubnetId);
  }
  return [...chosen.values()];
}

export function planExpose(subject: ExposeSubject, flags: ExposeFlags): ExposePlan {
  const { containerName, containerPort } = chooseTarget(subject.containers, flags);
  const base = flags.name ?? subject.serviceName;
  return {
    loadBalancerName: elbName(base),
    loadBalancerType: flags.protocol === "TCP" ? "network" : "application",
    targetGroupName: elbName(base, `-${containerPort}`),
    // awsvpc tasks are reached at their own address; bridge and host tasks at their instance's.
    targetType: subject.networkMode === "awsvpc" ? "ip" : "instance",
    containerName,
    containerPort,
    subnets: subnetsPerZone(subject.serviceSubnets, subject.vpcSubnets),
  };
}
