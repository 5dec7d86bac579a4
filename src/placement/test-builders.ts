// Builders and a seeded rng for placement tests and benchmarks (not part of the public surface).

import type { InstanceTask, InstanceView, PlacementRequest } from "./types.js";

export { seededRng } from "../model/index.js";

export const AGENT_RESERVED_PORTS = [22, 2375, 2376, 51678, 51679];

export interface InstanceOptions {
  id: string;
  az?: string;
  type?: string;
  status?: string;
  agentConnected?: boolean;
  agentVersion?: string;
  ec2InstanceId?: string;
  registeredAt?: number;
  cpu?: number;
  memory?: number;
  ports?: number[];
  portsUdp?: number[];
  /** ENIs left for awsvpc tasks; absent: not counted. */
  enis?: number;
  attributes?: Record<string, string | undefined>;
  tasks?: (Partial<InstanceTask> & { group: string })[];
}

/** An ACTIVE, connected instance with 2048 cpu / 4096 MiB left and the agent's default ports. */
export function anInstance(o: InstanceOptions): InstanceView {
  const attributes = [
    { name: "ecs.availability-zone", value: o.az ?? "us-east-1a" },
    { name: "ecs.instance-type", value: o.type ?? "m5.large" },
    { name: "ecs.os-type", value: "linux" },
    { name: "ecs.cpu-architecture", value: "x86_64" },
    { name: "ecs.capability.task-eni" },
    ...Object.entries(o.attributes ?? {}).map(([name, value]) => (value === undefined ? { name } : { name, value })),
  ];
  if (o.az === "") attributes.shift();
  return {
    arn: `arn:aws:ecs:us-east-1:123456789012:container-instance/default/${o.id}`,
    ec2InstanceId: o.ec2InstanceId ?? `i-${o.id}`,
    status: o.status ?? "ACTIVE",
    agentConnected: o.agentConnected ?? true,
    agentVersion: o.agentVersion ?? "1.80.0",
    registeredAt: o.registeredAt ?? Date.UTC(2024, 0, 1),
    attributes,
    remaining: {
      cpu: o.cpu ?? 2048,
      memory: o.memory ?? 4096,
      ports: new Set(o.ports ?? AGENT_RESERVED_PORTS),
      portsUdp: new Set(o.portsUdp ?? []),
      ...(o.enis !== undefined ? { enis: o.enis } : {}),
    },
    registered: { cpu: 2048, memory: 4096 },
    tasks: (o.tasks ?? []).map((t) => ({
      family: "f",
      taskDefinitionArn: "arn:aws:ecs:us-east-1:123456789012:task-definition/f:1",
      desiredStatus: "RUNNING",
      ...t,
    })),
  };
}

export function aRequest(o: Partial<PlacementRequest> = {}): PlacementRequest {
  return { count: 1, cpu: 256, memory: 512, group: "family:web", ...o };
}

/** The instance id at the end of an ARN built by anInstance. */
export function idOf(arn: string): string {
  return arn.slice(arn.lastIndexOf("/") + 1);
}
