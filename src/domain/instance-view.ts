// A container instance as placement and the cluster query language see it: its record plus
// the tasks assigned to it, read from the cache.
import type { InstanceTask, InstanceView } from "../placement/index.js";
import type { Deps } from "./deps.js";
import { indexKey } from "./indexes.js";
import { eniLimitOf } from "./eni-limits.js";
import type { ContainerInstanceRecord } from "./records.js";
import { takesEni } from "./task-enis.js";

interface TaskLike {
  group?: string;
  taskDefinitionArn: string;
  desiredStatus: string;
  serviceName?: string;
}

function resource(rec: ContainerInstanceRecord, which: "registeredResources" | "remainingResources", name: string) {
  return rec[which]?.find((r) => r.name === name);
}

// Every launch views every instance of its cluster, so the same task records are turned into
// placement's InstanceTask over and over (with 10,000 tasks on 200 instances this was the
// scheduler's largest cost). A cached record is never changed in place — a change stores a new
// object — so each object's InstanceTask is derived once and kept while the record lives.
const instanceTasks = new WeakMap<TaskLike, InstanceTask>();

function instanceTask(t: TaskLike): InstanceTask {
  let view = instanceTasks.get(t);
  if (!view) {
    view = {
      ...(t.group !== undefined ? { group: t.group } : {}),
      ...(t.serviceName !== undefined ? { serviceName: t.serviceName } : {}),
      family: t.taskDefinitionArn.slice(t.taskDefinitionArn.lastIndexOf("/") + 1, t.taskDefinitionArn.lastIndexOf(":")),
      taskDefinitionArn: t.taskDefinitionArn,
      desiredStatus: t.desiredStatus,
    };
    instanceTasks.set(t, view);
  }
  return view;
}

// For the same reason a whole view is kept with the record it was built from and the
// generation of the instance's task bucket, and reused while both are the same: a launch then
// touches only the instances that changed. The bucket's generation moves when a task joins or
// leaves it (desiredStatus decides that); what a view takes from a task besides (group,
// service, task definition) never changes, so a task's other updates (its lastStatus, health)
// leave the view as it is.
const views = new WeakMap<ContainerInstanceRecord, { generation: number; view: InstanceView }>();

export function instanceView(deps: Deps, rec: ContainerInstanceRecord): InstanceView {
  const bucket = indexKey.instanceTasks(rec.containerInstanceArn, "desired", "RUNNING");
  const generation = deps.cache.indexGeneration("instanceTasks", bucket);
  const kept = views.get(rec);
  if (kept && kept.generation === generation) return kept.view;
  const view = buildView(rec, deps.cache.byIndex<TaskLike>("instanceTasks", bucket).map(instanceTask));
  views.set(rec, { generation, view });
  return view;
}

function buildView(rec: ContainerInstanceRecord, tasks: InstanceTask[]): InstanceView {
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
      // Only instances that give awsvpc tasks ENIs count them; others run them in bridge mode.
      ...(takesEni(rec) ? { enis: eniLimitOf(rec.attributes) - (rec.enisInUse ?? 0) } : {}),
    },
    registered: {
      cpu: resource(rec, "registeredResources", "CPU")?.integerValue ?? 0,
      memory: resource(rec, "registeredResources", "MEMORY")?.integerValue ?? 0,
    },
    tasks,
  };
}
