// Which tasks to stop first. ECS picks scale-in and replacement victims so that the tasks that
// remain stay balanced across Availability Zones (ecs-behavior.md §4.2, §6.5); among equals berth
// stops the youngest first (the one that has served least, as Kubernetes does on scale-down),
// then by ARN so the order is reproducible.

import type { LiveTask } from "./classify.js";

const NO_ZONE = "";

interface Keyed {
  readonly live: LiveTask;
  readonly age: number;
  readonly arn: string;
}

/** Oldest first, so that pop() takes the youngest (ties: the greatest ARN last). */
function oldestFirst(a: Keyed, b: Keyed): number {
  return a.age - b.age || (a.arn < b.arn ? 1 : a.arn > b.arn ? -1 : 0);
}

/**
 * `candidates` in the order to stop them: each pick comes from the zone that holds the most of
 * `population` (the tasks of the service that would remain), youngest first within a zone.
 * Example: population a:3, b:1 and candidates in both zones → the first two picks come from a
 * (3 → 2 → 1), the next alternates a, b.
 */
export function orderVictims(candidates: readonly LiveTask[], population: readonly LiveTask[]): LiveTask[] {
  if (candidates.length === 0) return [];
  const zoneCount = new Map<string, number>();
  for (const t of population) {
    const z = t.task.availabilityZone ?? NO_ZONE;
    zoneCount.set(z, (zoneCount.get(z) ?? 0) + 1);
  }
  const byZone = new Map<string, Keyed[]>();
  for (const live of candidates) {
    const z = live.task.availabilityZone ?? NO_ZONE;
    let list = byZone.get(z);
    if (!list) byZone.set(z, (list = []));
    list.push({ live, age: live.task.startedAt ?? live.task.createdAt, arn: live.task.taskArn });
  }
  for (const list of byZone.values()) list.sort(oldestFirst);

  const out: LiveTask[] = [];
  while (out.length < candidates.length) {
    let bestZone: string | undefined;
    let bestCount = -1;
    for (const [zone, list] of byZone) {
      if (list.length === 0) continue;
      const count = zoneCount.get(zone) ?? 0;
      if (count > bestCount || (count === bestCount && bestZone !== undefined && zone < bestZone)) {
        bestZone = zone;
        bestCount = count;
      }
    }
    out.push(byZone.get(bestZone!)!.pop()!.live);
    zoneCount.set(bestZone!, bestCount - 1);
  }
  return out;
}
