// A container instance as placement and the cluster query language see it: its record plus
// the tasks assigned to it, read from the cache.
import type { InstanceView } from "../placement/index.js";
import type { Deps } from "./deps.js";
import { indexKey } from "./indexes.js";
import type { ContainerInstanceRecord } from "./records.js";

interface TaskLike {
  group?: string;
  taskDefinitionArn: string;
  desiredStatus: string;
  serviceName?: string;
}

function resource(rec: ContainerInstanceRecord, which: "registeredResources" | "remainingResources", name: string) {
  return rec[which]?.find((r) => r.name === name);
}

export function instanceView(deps: Deps, rec: ContainerInstanceRecord): InstanceView {
  const tasks = deps.cache
    .byIndex<TaskLike>("instanceTasks", indexKey.instanceTasks(rec.containerInstanceArn, "desired", "RUNNING"))
    .map((t) => ({
      ...(t.group !== undefined ? { group: t.group } : {}),
      ...(t.serviceName !== undefined ? { serviceName: t.serviceName } : {}),
      family: t.taskDefinitionArn.slice(t.taskDefinitionArn.lastIndexOf("/") + 1, t.taskDefinitionArn.lastIndexOf(":")),
      taskDefinitionArn: t.taskDefinitionArn,
      desiredStatus: t.desiredStatus,
    }));
  const ports = (name: string) => (resource(rec, "remainingResources", name)?.stringSetValue ?? []).map(Number);
  return {
    arn: rec.containerInstanceArn,
    ...(rec.ec2InstanceId ? { ec2InstanceId: rec.ec2InstanceId } : {}),
    status: rec.status,
    agentConnected: rec.agentConnected ?? false,
    ...(rec.versionInfo?.agentVersion ? { agentVersion: rec.versionInfo.agentVersion } : {}),
    registeredAt: rec.registeredAt ?? 0,
    attributes: rec.attributes.map((a) => ({ name: a.name!, ...(a.value !== undefined ? { value: a.value } : {}) })),
    remaining: {
      cpu: resource(rec, "remainingResources", "CPU")?.integerValue ?? 0,
      memory: resource(rec, "remainingResources", "MEMORY")?.integerValue ?? 0,
      ports: ports("PORTS"),
      portsUdp: ports("PORTS_UDP"),
    },
    registered: {
      cpu: resource(rec, "registeredResources", "CPU")?.integerValue ?? 0,
      memory: resource(rec, "registeredResources", "MEMORY")?.integerValue ?? 0,
    },
    tasks,
  };
}
