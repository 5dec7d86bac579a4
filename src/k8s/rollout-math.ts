// maxSurge / maxUnavailable (Kubernetes) ↔ maximumPercent / minimumHealthyPercent (ECS).
//
// Same idea, inverted words: Kubernetes says how far a rollout may stray from `replicas`
// (up by maxSurge, down by maxUnavailable); ECS says where the walls are, as percents of
// desiredCount. The rounding is where they part:
//
//   Kubernetes Deployment (deployment_util.ResolveFenceposts):
//     surge       = maxSurge%       → ceil(replicas × pct / 100)   (rounds UP)
//     unavailable = maxUnavailable% → floor(replicas × pct / 100)  (rounds DOWN)
//     both default to 25%; if both resolve to 0, unavailable becomes 1;
//     unavailable is capped at replicas.
//     max total     = replicas + surge
//     min available = replicas − unavailable
//   ECS (DeploymentConfiguration):
//     max total   = floor(desired × maximumPercent / 100)          (rounds DOWN)
//     min healthy = ceil(desired × minimumHealthyPercent / 100)    (rounds UP)
//     defaults: REPLICA 200 / 100; DAEMON 100 / 0 (maximumPercent must be 100).
//
// Percents on the ECS side are whole numbers. minimumHealthyPercent lies in 0..100. The API
// model gives maximumPercent no upper bound (AWS documents only its default, 200), so none is
// imposed here; it is at least 100 whenever it comes from a Kubernetes surge.

export type IntOrPercent = number | string;

/** A parsed maxSurge / maxUnavailable value. */
export type Fencepost = { kind: "absolute"; value: number } | { kind: "percent"; value: number };

export const K8S_DEFAULT_MAX_SURGE = "25%";
export const K8S_DEFAULT_MAX_UNAVAILABLE = "25%";
export const ECS_REPLICA_DEFAULTS = { maximumPercent: 200, minimumHealthyPercent: 100 } as const;
export const ECS_DAEMON_DEFAULTS = { maximumPercent: 100, minimumHealthyPercent: 0 } as const;

/** floor(a / b) for integers a ≥ 0, b > 0, without floating-point division. */
export function floorDiv(a: number, b: number): number {
  return (a - (a % b)) / b;
}

/** ceil(a / b) for integers a ≥ 0, b > 0. */
export function ceilDiv(a: number, b: number): number {
  return floorDiv(a + b - 1, b);
}

/** Reads an IntOrString the way Kubernetes does: an integer, or a string "N%". */
export function parseFencepost(value: IntOrPercent, field: string): Fencepost {
  if (typeof value === "number") {
    if (!Number.isInteger(value) || value < 0) {
      throw new RangeError(`Invalid ${field}: ${value}; expected a whole number of 0 or more, or a percent such as "25%"`);
    }
    return { kind: "absolute", value };
  }
  const m = /^(\d+)%$/.exec(value);
  if (!m) {
    throw new TypeError(`Invalid ${field}: '${value}'; expected a whole number, or a percent such as "25%"`);
  }
  return { kind: "percent", value: Number(m[1]) };
}

export interface K8sBounds {
  surge: number;
  unavailable: number;
  /** replicas + surge */
  maxTotal: number;
  /** replicas − unavailable */
  minAvailable: number;
}

/**
 * Kubernetes' counts for a Deployment. Example: replicas 10, 25% / 25% →
 * surge ceil(2.5) = 3, unavailable floor(2.5) = 2 → at most 13 pods, at least 8 available.
 * Example: replicas 1, 25% / 25% → surge ceil(0.25) = 1, unavailable floor(0.25) = 0.
 * Example: replicas 3, 0 / "10%" → 0 and floor(0.3) = 0 → both zero, so unavailable = 1.
 */
export function k8sDeploymentBounds(replicas: number, maxSurge: Fencepost, maxUnavailable: Fencepost): K8sBounds {
  const surge = maxSurge.kind === "percent" ? ceilDiv(replicas * maxSurge.value, 100) : maxSurge.value;
  let unavailable =
    maxUnavailable.kind === "percent" ? floorDiv(replicas * maxUnavailable.value, 100) : maxUnavailable.value;
  if (surge === 0 && unavailable === 0) unavailable = 1;
  unavailable = Math.min(unavailable, replicas);
  return { surge, unavailable, maxTotal: replicas + surge, minAvailable: replicas - unavailable };
}

export interface EcsBounds {
  maxTotal: number;
  minHealthy: number;
}

/** ECS's counts. Example: desired 3, 125 / 75 → max floor(3.75) = 3, min ceil(2.25) = 3. */
export function ecsBounds(desired: number, maximumPercent: number, minimumHealthyPercent: number): EcsBounds {
  return {
    maxTotal: floorDiv(desired * maximumPercent, 100),
    minHealthy: ceilDiv(desired * minimumHealthyPercent, 100),
  };
}

export interface PercentChoice {
  percent: number;
  /** The count ECS will allow with this percent. */
  count: number;
  /** True when count is exactly the count asked for. */
  exact: boolean;
}

/**
 * The minimumHealthyPercent whose ceil(desired × p / 100) equals minHealthy, preferring
 * the first of `preferred` that does, then the percent nearest the true ratio. When no whole percent
 * gives the count (only possible above 100 tasks) it returns the smallest percent that keeps
 * at least that many healthy — never fewer.
 *
 * Example: desired 4, minHealthy 3 → any p in 51..75 works; 75 is the ratio itself.
 * Example: desired 3, minHealthy 2 → ratio 66.67; floor → 66: ceil(1.98) = 2, exact.
 * Example: desired 250, minHealthy 249 → ratio 99.6; 99 gives ceil(247.5) = 248 (too few),
 *   100 gives 250: no percent is exact, so 100 (one more healthy than Kubernetes asks).
 */
export function minimumHealthyPercentFor(desired: number, minHealthy: number, ...preferred: (number | undefined)[]): PercentChoice {
  if (minHealthy < 0 || minHealthy > desired) {
    throw new RangeError(`Invalid minimum healthy count: ${minHealthy}; expected 0..${desired} for desiredCount ${desired}`);
  }
  const countOf = (p: number) => ceilDiv(desired * p, 100);
  for (const p of preferred) {
    if (p !== undefined && p >= 0 && p <= 100 && countOf(p) === minHealthy) return { percent: p, count: minHealthy, exact: true };
  }
  if (desired === 0) {
    const p = preferred.find((x) => x !== undefined && x >= 0 && x <= 100);
    return { percent: p ?? ECS_REPLICA_DEFAULTS.minimumHealthyPercent, count: 0, exact: true };
  }
  const nearest = floorDiv(100 * minHealthy, desired);
  if (countOf(nearest) === minHealthy) return { percent: nearest, count: minHealthy, exact: true };
  const safe = minHealthy === 0 ? 0 : floorDiv(100 * (minHealthy - 1), desired) + 1;
  return { percent: safe, count: countOf(safe), exact: false };
}

/**
 * The maximumPercent whose floor(desired × p / 100) equals maxTotal, preferring the first of
 * `preferred` that does, then the percent nearest the true ratio. When none is exact it returns the largest percent
 * that allows no more than maxTotal — never more in total.
 *
 * Example: desired 4, maxTotal 5 → ratio 125, floor(5) = 5, exact.
 * Example: desired 3, maxTotal 4 → ratio 133.3; ceil → 134: floor(4.02) = 4, exact.
 * Example: desired 250, maxTotal 251 → ratio 100.4; 101 gives floor(252.5) = 252 (too many),
 *   100 gives 250: no percent is exact, so 100 (no surge at all).
 */
export function maximumPercentFor(desired: number, maxTotal: number, ...preferred: (number | undefined)[]): PercentChoice {
  if (maxTotal < desired) {
    throw new RangeError(`Invalid maximum total: ${maxTotal}; expected at least desiredCount ${desired}`);
  }
  const countOf = (p: number) => floorDiv(desired * p, 100);
  if (desired === 0) {
    // Nothing runs: every percent allows 0, so keep the preferred one, else ECS's default.
    const p = preferred.find((x) => x !== undefined && x >= 100);
    return { percent: p ?? ECS_REPLICA_DEFAULTS.maximumPercent, count: 0, exact: true };
  }
  for (const p of preferred) {
    if (p !== undefined && p >= 100 && countOf(p) === maxTotal) return { percent: p, count: maxTotal, exact: true };
  }
  const nearest = ceilDiv(100 * maxTotal, desired);
  if (countOf(nearest) === maxTotal) return { percent: nearest, count: maxTotal, exact: true };
  const safe = ceilDiv(100 * (maxTotal + 1), desired) - 1;
  return { percent: safe, count: countOf(safe), exact: false };
}

export interface DeploymentPercents {
  maximumPercent: PercentChoice;
  minimumHealthyPercent: PercentChoice;
  k8s: K8sBounds;
}

/**
 * A Deployment's RollingUpdate → ECS percents for `replicas` tasks. A percent on the
 * Kubernetes side is carried over as its mirror (maxUnavailable 25% → 75, maxSurge 50% → 150)
 * whenever that mirror gives the same counts (unless `keep` names percents that also do: those
 * come from annotations written by the reverse translation), so a manifest written in percents stays in
 * percents. maxUnavailable's mirror always does (floor(R − x) = R − ceil(x)); maxSurge's only
 * when replicas × pct / 100 is whole, because Kubernetes rounds surge up and ECS rounds the
 * total down. Example: replicas 3, maxSurge 50% → surge ceil(1.5) = 2, total 5, but 150%
 * allows floor(4.5) = 4; 167% allows floor(5.01) = 5, so maximumPercent is 167.
 */
export function deploymentPercents(
  replicas: number,
  maxSurge: Fencepost,
  maxUnavailable: Fencepost,
  keep: { maximumPercent?: number | undefined; minimumHealthyPercent?: number | undefined } = {},
): DeploymentPercents {
  const k8s = k8sDeploymentBounds(replicas, maxSurge, maxUnavailable);
  const mirrorMax = maxSurge.kind === "percent" ? 100 + maxSurge.value : undefined;
  const mirrorMin = maxUnavailable.kind === "percent" ? 100 - Math.min(100, maxUnavailable.value) : undefined;
  return {
    maximumPercent: maximumPercentFor(replicas, k8s.maxTotal, keep.maximumPercent, mirrorMax),
    minimumHealthyPercent: minimumHealthyPercentFor(replicas, k8s.minAvailable, keep.minimumHealthyPercent, mirrorMin),
    k8s,
  };
}

export interface RollingUpdateChoice {
  maxSurge: IntOrPercent;
  maxUnavailable: IntOrPercent;
  /** False when Kubernetes cannot allow the same counts ECS allows. */
  exact: boolean;
  /** Why the counts differ (present only when not exact). */
  note?: string;
}

/**
 * ECS percents → a RollingUpdate for `desired` replicas. maxUnavailable is always the mirror
 * percent (exact for every replica count). maxSurge is the mirror percent when it gives the
 * same total at this count, else the absolute surge (exact at this count only). Example:
 * desired 4, 200/50 → "100%" / "50%". Example: desired 3, 150/100 → ECS allows 4 in total,
 * 50% would allow ceil(1.5) = 2 extra, so maxSurge is 1.
 */
export function rollingUpdateFor(desired: number, maximumPercent: number, minimumHealthyPercent: number): RollingUpdateChoice {
  const ecs = ecsBounds(desired, maximumPercent, minimumHealthyPercent);
  const surgeCount = Math.max(0, ecs.maxTotal - desired);
  const surgePct = Math.max(0, maximumPercent - 100);
  const maxSurge: IntOrPercent =
    ceilDiv(desired * surgePct, 100) === surgeCount ? `${surgePct}%` : surgeCount;
  const maxUnavailable = `${100 - Math.min(100, Math.max(0, minimumHealthyPercent))}%`;
  if (desired > 0 && surgeCount === 0 && ecs.minHealthy === desired) {
    // ECS's stuck configuration: no room to start one, no leave to stop one. Kubernetes never
    // stalls like this (both fenceposts at 0 make maxUnavailable 1), so it cannot say it.
    return {
      maxSurge: 0,
      maxUnavailable: 1,
      exact: false,
      note:
        `with desiredCount ${desired}, maximumPercent ${maximumPercent} and minimumHealthyPercent ${minimumHealthyPercent} ` +
        `ECS can neither start nor stop a task during a deployment; Kubernetes never stalls so (maxSurge and maxUnavailable ` +
        `both 0 make maxUnavailable 1) and would replace one pod at a time`,
    };
  }
  if ((maxSurge === 0 || maxSurge === "0%") && maxUnavailable === "0%") {
    // Only with desiredCount 0, where nothing runs; Kubernetes still rejects both 0.
    return { maxSurge: 0, maxUnavailable: 1, exact: true };
  }
  const k8s = k8sDeploymentBounds(desired, parseFencepost(maxSurge, "maxSurge"), parseFencepost(maxUnavailable, "maxUnavailable"));
  if (k8s.surge === surgeCount && k8s.minAvailable === ecs.minHealthy) return { maxSurge, maxUnavailable, exact: true };
  return {
    maxSurge,
    maxUnavailable,
    exact: false,
    note: `Kubernetes allows ${k8s.maxTotal} in total and ${k8s.minAvailable} available; ECS allowed ${ecs.maxTotal} and ${ecs.minHealthy}`,
  };
}

export interface DaemonPercents {
  minimumHealthyPercent: number;
  /** False when ECS's pace differs from Kubernetes' in a way the reader must know. */
  exact: boolean;
  /** When exact, a remark on rounding; when not, what differs. */
  note?: string;
}

/**
 * A DaemonSet's RollingUpdate → DAEMON minimumHealthyPercent (maximumPercent is always 100:
 * ECS replaces a daemon task by stopping it first, so there is no surge).
 * DaemonSets round maxUnavailable percents UP (unlike Deployments): with N nodes and p%,
 * Kubernetes keeps N − ceil(N × p / 100) = floor(N × (100 − p) / 100) available, and ECS with
 * 100 − p keeps ceil(N × (100 − p) / 100): the same when N × p / 100 is whole, else one more
 * (never fewer). Example: 10 nodes, 25% → Kubernetes 7, ECS 75% → ceil(7.5) = 8.
 * An absolute maxUnavailable needs the node count; without it no percent is safe for every
 * count, so ECS's own DAEMON default (0) is used and the report says so.
 */
export function daemonPercents(maxUnavailable: Fencepost, maxSurge: Fencepost, nodeCount?: number): DaemonPercents {
  let unavailable = maxUnavailable;
  let surgeNote = "";
  const surges = maxSurge.value > 0;
  if (surges) {
    // With a surge Kubernetes starts the new pod before stopping the old one on each node;
    // ECS cannot (DAEMON maximumPercent is 100), so the same pace is kept stop-first.
    unavailable = maxSurge;
    surgeNote = `ECS replaces a daemon task stop-first, so maxSurge ${formatFencepost(maxSurge)} becomes the number stopped at a time; `;
  }
  if (nodeCount !== undefined && nodeCount > 0) {
    const k8sUnavailable = Math.min(
      nodeCount,
      unavailable.kind === "percent" ? ceilDiv(nodeCount * unavailable.value, 100) : unavailable.value,
    );
    const choice = minimumHealthyPercentFor(nodeCount, nodeCount - k8sUnavailable);
    const exact = choice.exact && !surges;
    return {
      minimumHealthyPercent: choice.percent,
      exact,
      ...(exact ? {} : { note: `${surgeNote}for ${nodeCount} instances ECS keeps ${choice.count} healthy where Kubernetes keeps ${nodeCount - k8sUnavailable}` }),
    };
  }
  if (unavailable.kind === "percent") {
    const percent = 100 - Math.min(100, unavailable.value);
    const rounding =
      `Kubernetes rounds a DaemonSet's maxUnavailable up and ECS rounds the healthy minimum up, so where ` +
      `the instance count × ${unavailable.value} / 100 is not whole ECS keeps one more daemon task running`;
    return { minimumHealthyPercent: percent, exact: !surges, note: surgeNote + rounding };
  }
  return {
    minimumHealthyPercent: ECS_DAEMON_DEFAULTS.minimumHealthyPercent,
    exact: false,
    note:
      `${surgeNote}maxUnavailable ${unavailable.value} is a count of nodes and ECS needs a percent of instances; ` +
      `without the node count no percent keeps that many running on every cluster size, so ECS's DAEMON default 0 ` +
      `is used (it may stop every daemon task at once); pass nodeCount to compute the percent`,
  };
}

function formatFencepost(f: Fencepost): string {
  return f.kind === "percent" ? `${f.value}%` : String(f.value);
}
