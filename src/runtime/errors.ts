// Errors a driver throws that the agent catches: the agent copies `reason` into the
// container's ECS `reason` (e.g. a failed pull stops the task with stopCode TaskFailedToStart
// and the container reason `CannotPullContainerError: ...`).

/** The ECS agent's container error names that berth's drivers produce. */
export type ContainerErrorName =
  | "CannotPullContainerError"
  | "CannotCreateContainerError"
  | "CannotStartContainerError"
  | "CannotStopContainerError"
  | "CannotInspectContainerError"
  | "ContainerVanishedError";

/** ECS truncates container reasons to 1024 characters. */
export const MAX_REASON_LENGTH = 1024;

export const OUT_OF_MEMORY_REASON = "OutOfMemoryError: Container killed due to memory usage";

export function truncateReason(reason: string): string {
  return reason.length <= MAX_REASON_LENGTH ? reason : reason.slice(0, MAX_REASON_LENGTH);
}

export class ContainerError extends Error {
  override readonly name = "ContainerError";
  /** ECS's form: `<ErrorName>: <detail>`, at most 1024 characters. */
  readonly reason: string;

  constructor(
    readonly errorName: ContainerErrorName,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${errorName}: ${detail}`, options);
    this.reason = truncateReason(`${errorName}: ${detail}`);
  }
}

/** The id names no container this driver knows (never created, or removed). */
export class ContainerNotFoundError extends Error {
  override readonly name = "ContainerNotFoundError";

  constructor(
    readonly containerId: string,
    runtime: string,
  ) {
    super(`container ${containerId} not found in the ${runtime} runtime`);
  }
}
