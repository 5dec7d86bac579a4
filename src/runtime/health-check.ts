// Container health checks, decided purely: which probe to run, and how a probe result moves
// the container's health. The semantics are Docker's HEALTHCHECK, which ECS uses:
//
// - The first probe runs one `interval` after the container starts, then every `interval`.
// - Exit code 0 makes the container HEALTHY at once and resets the failing streak.
// - Any other result (non-zero exit, timeout, failure to run) counts one failure, and
//   `retries` consecutive failures make it UNHEALTHY.
// - While the container has never been healthy and the probe started within `startPeriod` of
//   the container's start, failures are not counted; a success still makes it HEALTHY.
//
// The I/O (running the probe, timers) lives in health-check-runner.ts.
import type { ContainerHealth, HealthCheckDefinition } from "./types.js";

/** ECS's ranges and defaults, in seconds (retries is a count). */
export const HEALTH_CHECK_LIMITS = {
  interval: { min: 5, max: 300, default: 30 },
  timeout: { min: 2, max: 60, default: 5 },
  retries: { min: 1, max: 10, default: 3 },
  startPeriod: { min: 0, max: 300, default: 0 },
} as const;

/** Docker keeps at most this much of a probe's output. */
export const MAX_PROBE_OUTPUT = 4096;

export interface HealthCheckConfig {
  probe: HealthProbe;
  intervalMs: number;
  timeoutMs: number;
  retries: number;
  startPeriodMs: number;
}

/** CMD runs argv directly; CMD-SHELL runs the string with the container's shell (/bin/sh -c). */
export type HealthProbe = { kind: "exec"; argv: string[] } | { kind: "shell"; script: string };

export interface ProbeResult {
  /** null when the probe timed out or could not run. */
  exitCode: number | null;
  output: string;
  /** When the probe started, epoch ms. */
  startedAt: number;
}

/** Turns ECS's command array into a probe, or throws a RangeError naming what is wrong. */
export function parseHealthCommand(command: readonly string[]): HealthProbe {
  const [kind, ...rest] = command;
  if (kind === "CMD") {
    if (rest.length === 0 || rest[0] === "") {
      throw new RangeError(`healthCheck.command ["CMD"] names no executable; expected ["CMD", "exe", ...args]`);
    }
    return { kind: "exec", argv: rest };
  }
  if (kind === "CMD-SHELL") {
    const script = rest.join(" ").trim();
    if (script === "") {
      throw new RangeError(`healthCheck.command ["CMD-SHELL"] has no command; expected ["CMD-SHELL", "command"]`);
    }
    return { kind: "shell", script };
  }
  throw new RangeError(
    `healthCheck.command[0] is ${JSON.stringify(kind ?? null)}; allowed: "CMD" or "CMD-SHELL"`,
  );
}

/** Applies ECS's defaults; values outside ECS's ranges are kept (see validateHealthCheck). */
export function normalizeHealthCheck(def: HealthCheckDefinition): HealthCheckConfig {
  const L = HEALTH_CHECK_LIMITS;
  const seconds = (v: number | undefined, d: number) => (v === undefined || v <= 0 ? d : v) * 1000;
  return {
    probe: parseHealthCommand(def.command),
    intervalMs: seconds(def.interval, L.interval.default),
    timeoutMs: seconds(def.timeout, L.timeout.default),
    retries: def.retries === undefined || def.retries < 1 ? L.retries.default : Math.floor(def.retries),
    startPeriodMs: (def.startPeriod ?? L.startPeriod.default) * 1000,
  };
}

/** Problems with a definition under ECS's rules, one message each; empty when valid. */
export function validateHealthCheck(def: HealthCheckDefinition): string[] {
  const problems: string[] = [];
  try {
    parseHealthCommand(def.command);
  } catch (e) {
    problems.push((e as Error).message);
  }
  for (const key of ["interval", "timeout", "retries", "startPeriod"] as const) {
    const value = def[key];
    if (value === undefined) continue;
    const { min, max } = HEALTH_CHECK_LIMITS[key];
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`healthCheck.${key} is ${value}; allowed: an integer from ${min} to ${max}`);
    }
  }
  return problems;
}

export function initialHealth(): ContainerHealth {
  return { status: "UNKNOWN", failingStreak: 0 };
}

/** The health after one probe; `containerStartedAt` is when the container started (epoch ms). */
export function applyProbeResult(
  health: ContainerHealth,
  result: ProbeResult,
  config: Pick<HealthCheckConfig, "retries" | "startPeriodMs">,
  containerStartedAt: number,
): ContainerHealth {
  const output = result.output.slice(0, MAX_PROBE_OUTPUT);
  if (result.exitCode === 0) return { status: "HEALTHY", failingStreak: 0, output };
  const inStartPeriod =
    health.status === "UNKNOWN" && result.startedAt - containerStartedAt < config.startPeriodMs;
  if (inStartPeriod) return { ...health, output };
  const failingStreak = health.failingStreak + 1;
  // Example: retries 3 → failures 1 and 2 keep the status, the 3rd makes it UNHEALTHY.
  const status = failingStreak >= config.retries ? "UNHEALTHY" : health.status;
  return { status, failingStreak, output };
}
