// Probes (Kubernetes) ↔ the container health check (ECS), and httpGet/tcpSocket probes → the
// load balancer's target group health check.
//
// ECS runs one command per container (Docker's HEALTHCHECK) and uses its verdict both ways
// Kubernetes splits in two: an UNHEALTHY task is replaced (liveness) and only HEALTHY tasks
// count toward minimumHealthyPercent (readiness). ECS cannot probe a URL from the agent; an
// HTTP check belongs to the target group, which is where an httpGet probe is recorded.

import type { HealthCheck } from "@aws-sdk/client-ecs";
import type { Container, IntOrString, Probe } from "./k8s-types.js";
import type { Reporter } from "./report.js";

// ECS's documented ranges and defaults for HealthCheck.
const ECS_INTERVAL = { min: 5, max: 300, dflt: 30 };
const ECS_TIMEOUT = { min: 2, max: 60, dflt: 5 };
const ECS_RETRIES = { min: 1, max: 10, dflt: 3 };
const ECS_START_PERIOD_MAX = 300;
// Kubernetes' defaults for a probe.
const K8S_PERIOD = 10;
const K8S_TIMEOUT = 1;
const K8S_FAILURE = 3;

function clamp(
  given: number | undefined,
  dflt: number,
  range: { min: number; max: number },
  field: string,
  ecsField: string,
  r: Reporter,
): number {
  const value = given ?? dflt;
  if (value < range.min || value > range.max) {
    const to = Math.min(range.max, Math.max(range.min, value));
    const what = given === undefined ? `${field} ${value} (Kubernetes' default)` : `${field} ${value}`;
    r.approximated(field, `${what} is outside ECS's ${ecsField} range ${range.min}–${range.max}; ${to} is used`);
    return to;
  }
  return value;
}

/** ["/bin/sh", "-c", X] is what Docker runs for CMD-SHELL X, so the two are the same check. */
function execToCommand(command: readonly string[]): string[] {
  if (command.length === 3 && command[0] === "/bin/sh" && command[1] === "-c") return ["CMD-SHELL", command[2] as string];
  return ["CMD", ...command];
}

function commandToExec(command: readonly string[], r: Reporter): string[] | undefined {
  const [kind, ...rest] = command;
  if (kind === "CMD") return rest;
  if (kind === "CMD-SHELL") return ["/bin/sh", "-c", rest.join(" ")];
  r.unmapped("command", `health check command must start with CMD or CMD-SHELL; found '${kind ?? ""}'`);
  return undefined;
}

/** An exec probe → an ECS health check. `r` is positioned at the probe. */
export function execProbeToHealthCheck(p: Probe, r: Reporter): HealthCheck | undefined {
  const command = p.exec?.command;
  if (!command || command.length === 0) {
    r.unmapped("exec.command", "the exec probe has no command");
    return undefined;
  }
  const hc: HealthCheck = {
    command: execToCommand(command),
    interval: clamp(p.periodSeconds, K8S_PERIOD, ECS_INTERVAL, "periodSeconds", "interval", r),
    timeout: clamp(p.timeoutSeconds, K8S_TIMEOUT, ECS_TIMEOUT, "timeoutSeconds", "timeout", r),
    retries: clamp(p.failureThreshold, K8S_FAILURE, ECS_RETRIES, "failureThreshold", "retries", r),
  };
  const delay = p.initialDelaySeconds ?? 0;
  if (delay > 0) {
    hc.startPeriod = clamp(delay, 0, { min: 0, max: ECS_START_PERIOD_MAX }, "initialDelaySeconds", "startPeriod", r);
    r.info(
      "initialDelaySeconds",
      "becomes startPeriod: Kubernetes waits before the first probe, ECS probes from the start but does not count failures during startPeriod (a success ends it early)",
    );
  }
  if ((p.successThreshold ?? 1) > 1) {
    r.unmapped("successThreshold", "ECS marks a container HEALTHY after one passing check; it has no success threshold");
  }
  if (p.terminationGracePeriodSeconds !== undefined) {
    r.unmapped("terminationGracePeriodSeconds", "ECS has no per-probe grace period; a failed task stops with the container's stopTimeout");
  }
  return hc;
}

/** Two probes are the same check when they run the same command on the same schedule. */
export function sameExecProbe(a: Probe, b: Probe): boolean {
  return (
    JSON.stringify(a.exec?.command) === JSON.stringify(b.exec?.command) &&
    (a.periodSeconds ?? K8S_PERIOD) === (b.periodSeconds ?? K8S_PERIOD) &&
    (a.timeoutSeconds ?? K8S_TIMEOUT) === (b.timeoutSeconds ?? K8S_TIMEOUT) &&
    (a.failureThreshold ?? K8S_FAILURE) === (b.failureThreshold ?? K8S_FAILURE) &&
    (a.initialDelaySeconds ?? 0) === (b.initialDelaySeconds ?? 0)
  );
}

/** An ECS health check → an exec probe, with ECS's defaults written out (they differ from Kubernetes'). */
export function healthCheckToProbe(hc: HealthCheck, r: Reporter): Probe | undefined {
  const command = commandToExec(hc.command ?? [], r);
  if (!command) return undefined;
  const probe: Probe = {
    exec: { command },
    periodSeconds: hc.interval ?? ECS_INTERVAL.dflt,
    timeoutSeconds: hc.timeout ?? ECS_TIMEOUT.dflt,
    failureThreshold: hc.retries ?? ECS_RETRIES.dflt,
  };
  if (hc.startPeriod) probe.initialDelaySeconds = hc.startPeriod;
  return probe;
}

export interface TargetHealthCheck {
  protocol: "HTTP" | "HTTPS" | "TCP";
  path?: string;
  port: number;
  intervalSeconds: number;
  timeoutSeconds: number;
  healthyThresholdCount: number;
  unhealthyThresholdCount: number;
}

/** Resolves a probe or Service port (a number, or a container port's name). */
export function resolvePort(port: IntOrString | undefined, container: Container): number | undefined {
  if (typeof port === "number") return port;
  if (port === undefined) return undefined;
  if (/^\d+$/.test(port)) return Number(port);
  return container.ports?.find((p) => p.name === port)?.containerPort;
}

/**
 * An httpGet or tcpSocket probe → the health check of the target group in front of the
 * service. ELB's ranges: interval 5–300 s, timeout 2–120 s, thresholds 2–10; Kubernetes'
 * success threshold of 1 becomes ELB's minimum of 2.
 */
export function probeToTargetHealthCheck(p: Probe, container: Container): TargetHealthCheck | undefined {
  const between = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
  const common = {
    intervalSeconds: between(p.periodSeconds ?? K8S_PERIOD, 5, 300),
    timeoutSeconds: between(p.timeoutSeconds ?? K8S_TIMEOUT, 2, 120),
    healthyThresholdCount: between(p.successThreshold ?? 1, 2, 10),
    unhealthyThresholdCount: between(p.failureThreshold ?? K8S_FAILURE, 2, 10),
  };
  if (p.httpGet) {
    const port = resolvePort(p.httpGet.port, container);
    if (port === undefined) return undefined;
    const protocol = p.httpGet.scheme?.toUpperCase() === "HTTPS" ? "HTTPS" : "HTTP";
    return { protocol, path: p.httpGet.path ?? "/", port, ...common };
  }
  if (p.tcpSocket) {
    const port = resolvePort(p.tcpSocket.port, container);
    if (port === undefined) return undefined;
    return { protocol: "TCP", port, ...common };
  }
  return undefined;
}
