// One target's health as ELB tracks it: a pure state machine over check results, with ELB's
// states, reason codes and description texts (aws-neighbors.md §1.5). Time comes in as `now`.
import type { HealthCheckConfig, TargetHealthState } from "./spec.js";

export type HealthReason =
  | "Elb.RegistrationInProgress"
  | "Elb.InitialHealthChecking"
  | "Target.ResponseCodeMismatch"
  | "Target.Timeout"
  | "Target.FailedHealthChecks"
  | "Target.DeregistrationInProgress"
  | "Target.NotRegistered"
  | "Target.NotInUse";

export interface TargetHealth {
  State: TargetHealthState;
  /** healthy carries no reason, as in ELB. */
  Reason?: HealthReason;
  Description?: string;
  /** Consecutive passing / failing checks. */
  passes: number;
  failures: number;
  /** draining only: when the deregistration delay ends (epoch ms). */
  drainUntil?: number;
}

/** What one check saw. */
export type CheckResult =
  | { kind: "pass" }
  | { kind: "code"; code: number }
  | { kind: "timeout" }
  | { kind: "failed"; detail: string };

export function registered(): TargetHealth {
  return { State: "initial", Reason: "Elb.RegistrationInProgress", Description: "Target registration is in progress", passes: 0, failures: 0 };
}

/** The first check has been sent. */
export function checking(h: TargetHealth): TargetHealth {
  if (h.State !== "initial" || h.Reason !== "Elb.RegistrationInProgress") return h;
  return { ...h, Reason: "Elb.InitialHealthChecking", Description: "Initial health checks in progress" };
}

/** A target group used by no listener: ELB runs no checks and says why. */
export function notInUse(h: TargetHealth): TargetHealth {
  return { ...h, State: "unused", Reason: "Target.NotInUse", Description: "Target group is not configured to receive traffic from the load balancer" };
}

function failure(r: Exclude<CheckResult, { kind: "pass" }>): { Reason: HealthReason; Description: string } {
  switch (r.kind) {
    case "code":
      return { Reason: "Target.ResponseCodeMismatch", Description: `Health checks failed with these codes: [${r.code}]` };
    case "timeout":
      return { Reason: "Target.Timeout", Description: "Request timed out" };
    case "failed":
      return { Reason: "Target.FailedHealthChecks", Description: "Health checks failed" };
  }
}

/**
 * The state after one check. From initial, one pass makes a target healthy and
 * UnhealthyThresholdCount failures in a row unhealthy; afterwards it takes HealthyThresholdCount
 * passes in a row to come back and UnhealthyThresholdCount failures to leave. With thresholds
 * 5/2: healthy, fail, fail → unhealthy; then 4 passes → still unhealthy; the 5th → healthy.
 */
export function afterCheck(h: TargetHealth, r: CheckResult, cfg: Pick<HealthCheckConfig, "HealthyThresholdCount" | "UnhealthyThresholdCount">): TargetHealth {
  if (h.State === "draining" || h.State === "unused") return h;
  if (r.kind === "pass") {
    const passes = h.passes + 1;
    const healthy = h.State === "healthy" || h.State === "initial" || passes >= cfg.HealthyThresholdCount;
    return healthy ? { State: "healthy", passes, failures: 0 } : { ...h, passes, failures: 0 };
  }
  const failures = h.failures + 1;
  const why = failure(r);
  if (failures >= cfg.UnhealthyThresholdCount || h.State === "unhealthy") return { State: "unhealthy", ...why, passes: 0, failures };
  return { ...h, passes: 0, failures };
}

export function deregistered(h: TargetHealth, now: number, delaySeconds: number): TargetHealth {
  if (h.State === "draining") return h;
  return {
    State: "draining",
    Reason: "Target.DeregistrationInProgress",
    Description: "Target deregistration is in progress",
    passes: h.passes,
    failures: h.failures,
    drainUntil: now + delaySeconds * 1000,
  };
}

/**
 * A draining target leaves when its last in-flight request has finished, or when the
 * deregistration delay ends, whichever comes first (docs/design.md, "Load balancer data plane").
 */
export function drainFinished(h: TargetHealth, now: number, inFlight: number): boolean {
  return h.State === "draining" && (inFlight === 0 || now >= (h.drainUntil ?? now));
}

/** ELB's Matcher.HttpCode: "200", "200,202", "200-299". */
export function codeMatches(matcher: string, code: number): boolean {
  return matcher.split(",").some((part) => {
    const [lo, hi] = part.trim().split("-").map(Number);
    return hi === undefined ? code === lo : code >= lo! && code <= hi;
  });
}
