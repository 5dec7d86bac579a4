// A task's reservation taken from, and given back to, its container instance's
// remainingResources (ecs-behavior.md §6.7). Both happen in the same store transaction as the
// task write, so the instance's accounting can never drift from its tasks.
import type { ContainerInstanceRecord } from "./records.js";
import type { Reservation } from "./task-records.js";

type Resource = NonNullable<ContainerInstanceRecord["remainingResources"]>[number];

function adjust(resources: Resource[], r: Reservation, sign: 1 | -1): Resource[] {
  return resources.map((res) => {
    switch (res.name) {
      case "CPU":
        return { ...res, integerValue: (res.integerValue ?? 0) + sign * r.cpu };
      case "MEMORY":
        return { ...res, integerValue: (res.integerValue ?? 0) + sign * r.memory };
      case "PORTS":
      case "PORTS_UDP": {
        const ports = (res.name === "PORTS" ? r.ports : r.portsUdp).map(String);
        if (ports.length === 0) return res;
        const current = res.stringSetValue ?? [];
        const next = sign < 0 ? [...current, ...ports] : current.filter((p) => !ports.includes(p));
        return { ...res, stringSetValue: next };
      }
      default:
        return res;
    }
  });
}

export function reserve(instance: ContainerInstanceRecord, r: Reservation): ContainerInstanceRecord {
  return withEnis({ ...instance, remainingResources: adjust(instance.remainingResources ?? [], r, -1) }, r.enis ?? 0);
}

export function release(instance: ContainerInstanceRecord, r: Reservation): ContainerInstanceRecord {
  return withEnis({ ...instance, remainingResources: adjust(instance.remainingResources ?? [], r, 1) }, -(r.enis ?? 0));
}

function withEnis(instance: ContainerInstanceRecord, delta: number): ContainerInstanceRecord {
  if (delta === 0) return instance;
  return { ...instance, enisInUse: Math.max(0, (instance.enisInUse ?? 0) + delta) };
}
