// Labels berth puts on every container it creates, so that a restarted agent finds its own
// containers (docker: a label filter; process: the same keys in the state dir's records) and
// maps each back to its task and container.
export const LABELS = {
  /** "true" on every berth container; the docker driver lists by it. */
  managed: "berth.managed",
  taskArn: "berth.task-arn",
  taskId: "berth.task-id",
  containerName: "berth.container-name",
  /** Which driver created it. */
  runtime: "berth.runtime",
} as const;

/**
 * The labels a driver adds to the spec's own labels. The spec's labels cannot override
 * berth's: the agent's bookkeeping must stay truthful.
 */
export function containerLabels(
  spec: { taskArn: string; taskId: string; containerName: string; labels?: Record<string, string> },
  runtime: string,
): Record<string, string> {
  return {
    ...spec.labels,
    [LABELS.managed]: "true",
    [LABELS.taskArn]: spec.taskArn,
    [LABELS.taskId]: spec.taskId,
    [LABELS.containerName]: spec.containerName,
    [LABELS.runtime]: runtime,
  };
}
