// A container instance as placement and the cluster query language see it: its record plus
// the tasks assigned to it, read from the cache.
import type { InstanceTask, InstanceView } from "../placement/index.js";
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

// For the same reason a whole view is kept with the record and task records it was built from,
// and reused while the instance's record and its tasks are those same objects.
const views = new WeakMap<ContainerInstanceRecord, { records: readonly TaskLike[]; view: InstanceView }>();

function sameObjects(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function instanceView(deps: Deps, rec: ContainerInstanceRecord): InstanceView {
  const records = deps.cache.byIndex<TaskLike>("instanceTasks", indexKey.instanceTasks(rec.containerInstanceArn, "desired", "RUNNING"));
  const kept = views.get(rec);
  if (kept && sameObjects(kept.records, records)) return kept.view;
  const view = buildView(rec, records.map(instanceTask));
  views.set(rec, { records, view });
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
    },
    registered: {
      cpu: resource(rec, "registeredResources", "CPU")?.integerValue ?? 0,
      memory: resource(rec, "registeredResources", "MEMORY")?.integerValue ?? 0,
    },
    tasks,
  };
}
