// place(): the whole placement decision for `count` identical tasks, pure and replayable.
// Tasks are placed one at a time; each placement is booked in an overlay (resources, ports,
// task groups) before the next is chosen, so nothing is double-booked and spread counts see the
// tasks placed earlier in the same call. When a task fits nowhere, placement stops (the tasks
// after it are identical and would not fit either) and every instance reports why it refused
// that task, as RunTask's `failures` do.

import { compileRequest, rejection, type CompiledRequest } from "./filters.js";
import { Overlay } from "./overlay.js";
import { instanceSelector } from "./select.js";
import { ClusterSnapshot, createSnapshot } from "./snapshot.js";
import {
  FAILURE_REASON_ORDER,
  type InstanceView,
  type PlaceOptions,
  type PlacementFailure,
  type PlacementRequest,
  type PlacementResult,
} from "./types.js";

function snapshotOf(snapshot: ClusterSnapshot | readonly InstanceView[]): ClusterSnapshot {
  return snapshot instanceof ClusterSnapshot ? snapshot : createSnapshot(snapshot);
}

/**
 * Places request.count tasks. Pass a ClusterSnapshot to reuse its indexes across calls (the
 * scheduler places several services against one observed cluster); a plain array is indexed
 * for this call only. Input is expected to be validated (validate.ts): a bad memberOf
 * expression throws QueryParseError, a bad strategy TypeError.
 */
export function place(
  request: PlacementRequest,
  snapshot: ClusterSnapshot | readonly InstanceView[],
  options: PlaceOptions,
): PlacementResult {
  const snap = snapshotOf(snapshot);
  const req = compileRequest(request, snap);
  const overlay = new Overlay(snap);
  const next = instanceSelector(overlay, req, options.rng);
  const placements: { instanceArn: string }[] = [];
  while (placements.length < req.count) {
    const i = next();
    if (i === undefined) {
      const failures = failuresOf(overlay, req);
      return { placements, failures, unplaced: req.count - placements.length, ...closestOf(failures) };
    }
    overlay.place(i, req);
    placements.push({ instanceArn: snap.instances[i]!.arn });
  }
  return { placements, failures: [], unplaced: 0 };
}

function failuresOf(overlay: Overlay, req: CompiledRequest): PlacementFailure[] {
  const out: PlacementFailure[] = [];
  for (let i = 0; i < overlay.snapshot.size; i++) {
    const r = rejection(overlay, i, req);
    // Unreachable when selection found nothing; kept so a selection bug cannot hide instances.
    if (r === undefined) throw new Error(`placement found no instance but ${overlay.snapshot.instances[i]!.arn} fits`);
    out.push({ arn: overlay.snapshot.instances[i]!.arn, reason: r.reason, detail: r.detail });
  }
  return out;
}

/** The failure that got furthest through the pipeline; the first such in snapshot order. */
function closestOf(failures: readonly PlacementFailure[]): { closest?: PlacementFailure } {
  let closest: PlacementFailure | undefined;
  let rank = -1;
  for (const f of failures) {
    const r = FAILURE_REASON_ORDER.indexOf(f.reason);
    if (r > rank) {
      rank = r;
      closest = f;
    }
  }
  return closest === undefined ? {} : { closest };
}

export interface InstanceVerdict {
  readonly arn: string;
  /** Absent when the instance could take the task now. */
  readonly failure?: Omit<PlacementFailure, "arn">;
}

/**
 * Why each instance could or could not take one task of the request right now: the filter
 * pipeline alone, without strategies. For the console's "why not here?" and for tests.
 */
export function explainPlacement(
  request: PlacementRequest,
  snapshot: ClusterSnapshot | readonly InstanceView[],
): InstanceVerdict[] {
  const snap = snapshotOf(snapshot);
  const req = compileRequest(request, snap);
  const overlay = new Overlay(snap);
  return snap.instances.map((instance, i) => {
    const r = rejection(overlay, i, req);
    return r === undefined ? { arn: instance.arn } : { arn: instance.arn, failure: r };
  });
}
