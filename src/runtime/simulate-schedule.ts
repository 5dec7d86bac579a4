// What a simulated container does, read from its docker labels (the task definition's
// `dockerLabels`), pure. Times are milliseconds after the container starts. Every label is
// optional; without any, a container runs until stopped, exits 143 on SIGTERM and, if it has a
// health check, turns HEALTHY one interval after it starts (its first probe passes).
//
// | label                                 | meaning                                               |
// |---------------------------------------|-------------------------------------------------------|
// | berth.simulate.exit-after-ms          | exits on its own this long after start                |
// | berth.simulate.exit-code              | that exit's code (default 0)                          |
// | berth.simulate.oom-after-ms           | killed for memory: exit 137, OutOfMemoryError reason  |
// | berth.simulate.healthy-after-ms       | health turns HEALTHY (needs a healthCheck)            |
// | berth.simulate.unhealthy-after-ms     | health turns UNHEALTHY (needs a healthCheck)          |
// | berth.simulate.sigterm-exit-code      | exit code when SIGTERM is honoured (default 143)      |
// | berth.simulate.stop-delay-ms          | how long it takes to honour SIGTERM (default 0)       |
// | berth.simulate.ignore-sigterm         | "true": only SIGKILL after stopTimeout stops it (137) |
// | berth.simulate.fail-pull              | createContainer fails: CannotPullContainerError: <v>  |
// | berth.simulate.fail-start             | start fails: CannotStartContainerError: <value>       |
// | berth.simulate.memory-mib             | memory usage reported by stats (default 16)           |
// | berth.simulate.cpu-percent            | CPU use of one core reported by stats (default 1)     |
// | berth.simulate.log                    | lines ("\n"-separated) written to stdout at start      |
import type { ContainerSpec } from "./types.js";
import { normalizeHealthCheck } from "./health-check.js";

export const SIMULATE = {
  exitAfterMs: "berth.simulate.exit-after-ms",
  exitCode: "berth.simulate.exit-code",
  oomAfterMs: "berth.simulate.oom-after-ms",
  healthyAfterMs: "berth.simulate.healthy-after-ms",
  unhealthyAfterMs: "berth.simulate.unhealthy-after-ms",
  sigtermExitCode: "berth.simulate.sigterm-exit-code",
  stopDelayMs: "berth.simulate.stop-delay-ms",
  ignoreSigterm: "berth.simulate.ignore-sigterm",
  failPull: "berth.simulate.fail-pull",
  failStart: "berth.simulate.fail-start",
  memoryMiB: "berth.simulate.memory-mib",
  cpuPercent: "berth.simulate.cpu-percent",
  log: "berth.simulate.log",
} as const;

export interface SimulatedBehavior {
  exitAfterMs?: number;
  exitCode: number;
  oomAfterMs?: number;
  healthyAfterMs?: number;
  unhealthyAfterMs?: number;
  sigtermExitCode: number;
  stopDelayMs: number;
  ignoreSigterm: boolean;
  failPull?: string;
  failStart?: string;
  memoryMiB: number;
  cpuPercent: number;
  logLines: string[];
}

function number(labels: Record<string, string>, key: string, min: number): number | undefined {
  const raw = labels[key];
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(value) || value < min) {
    throw new RangeError(`label ${key} is ${JSON.stringify(raw)}; expected a number of at least ${min}`);
  }
  return value;
}

/** Reads the behavior; throws a RangeError naming a malformed label. */
export function simulatedBehavior(spec: ContainerSpec): SimulatedBehavior {
  const labels = spec.labels ?? {};
  const healthyDefault = spec.healthCheck ? normalizeHealthCheck(spec.healthCheck).intervalMs : undefined;
  const unhealthy = number(labels, SIMULATE.unhealthyAfterMs, 0);
  const healthy = number(labels, SIMULATE.healthyAfterMs, 0) ?? (unhealthy === undefined ? healthyDefault : undefined);
  const exitAfterMs = number(labels, SIMULATE.exitAfterMs, 0);
  const oomAfterMs = number(labels, SIMULATE.oomAfterMs, 0);
  const ignore = labels[SIMULATE.ignoreSigterm];
  if (ignore !== undefined && ignore !== "true" && ignore !== "false") {
    throw new RangeError(`label ${SIMULATE.ignoreSigterm} is ${JSON.stringify(ignore)}; expected "true" or "false"`);
  }
  const log = labels[SIMULATE.log];
  return {
    ...(exitAfterMs !== undefined ? { exitAfterMs } : {}),
    exitCode: number(labels, SIMULATE.exitCode, 0) ?? 0,
    ...(oomAfterMs !== undefined ? { oomAfterMs } : {}),
    ...(healthy !== undefined && spec.healthCheck ? { healthyAfterMs: healthy } : {}),
    ...(unhealthy !== undefined && spec.healthCheck ? { unhealthyAfterMs: unhealthy } : {}),
    sigtermExitCode: number(labels, SIMULATE.sigtermExitCode, 0) ?? 143,
    stopDelayMs: number(labels, SIMULATE.stopDelayMs, 0) ?? 0,
    ignoreSigterm: ignore === "true",
    ...(labels[SIMULATE.failPull] !== undefined ? { failPull: labels[SIMULATE.failPull] } : {}),
    ...(labels[SIMULATE.failStart] !== undefined ? { failStart: labels[SIMULATE.failStart] } : {}),
    memoryMiB: number(labels, SIMULATE.memoryMiB, 0) ?? 16,
    cpuPercent: number(labels, SIMULATE.cpuPercent, 0) ?? 1,
    logLines: log === undefined ? [] : log.split("\n"),
  };
}
