// The docker runtime's pause container: ECS's way to give an awsvpc task one network namespace
// that all its containers join (`network_mode: container:<pause>`). berth cannot pull ECS's pause
// image, so the pause runs the task's first image with `sleep` as its entrypoint (documented in
// docs/design.md; an image without `sleep` needs the agent's pause image option). It starts with
// `--network none`: the agent then names its namespace and wires it (src/network), and sets the
// task's resolvers on it, which the containers joining its network share.
import type Docker from "dockerode";
import { imageReference } from "./docker-create-options.js";
import { LABELS } from "./labels.js";
import type { NamespaceHolder, NamespaceHolderSpec } from "./types.js";

/** Marks a pause container (it carries no berth.managed, so no task reconciliation sees it). */
export const PAUSE_LABEL = "berth.pause-for";

/** One name per task, so a second call (a restarted agent) finds the first's container. */
export function pauseContainerName(taskId: string): string {
  return `berth-${taskId.replace(/[^a-zA-Z0-9_.-]/g, "-")}-pause`;
}

export function pauseCreateOptions(spec: NamespaceHolderSpec): Docker.ContainerCreateOptions {
  return {
    name: pauseContainerName(spec.taskId),
    Image: imageReference(spec.image),
    // The longest sleep busybox and coreutils both accept; it never needs to end by itself.
    Entrypoint: ["sleep", "2147483647"],
    Cmd: [],
    Labels: { ...spec.labels, [PAUSE_LABEL]: spec.taskArn, [LABELS.taskArn]: spec.taskArn, [LABELS.taskId]: spec.taskId },
    HostConfig: {
      NetworkMode: "none",
      ...(spec.dnsServers?.length ? { Dns: spec.dnsServers } : {}),
      // Tiny and idle: no cpu share of the task's, 16 MiB is plenty for sleep.
      Memory: 16 * 1024 * 1024,
    },
  };
}

const statusOf = (e: unknown) => (e as { statusCode?: number }).statusCode;

/** Creates (or finds) and starts the task's pause container; returns it with its pid. */
export async function startPause(docker: Docker, spec: NamespaceHolderSpec): Promise<NamespaceHolder> {
  const name = pauseContainerName(spec.taskId);
  let container = docker.getContainer(name);
  try {
    await container.inspect();
  } catch (e) {
    if (statusOf(e) !== 404) throw e;
    container = await docker.createContainer(pauseCreateOptions(spec));
  }
  try {
    await container.start();
  } catch (e) {
    if (statusOf(e) !== 304) throw e; // 304: already running
  }
  const info = await container.inspect();
  if (!info.State.Running || !info.State.Pid) throw new Error(`pause container ${name} is not running (${info.State.Status})`);
  return { containerId: info.Id, pid: info.State.Pid };
}

export async function removePause(docker: Docker, taskId: string): Promise<void> {
  try {
    await docker.getContainer(pauseContainerName(taskId)).remove({ force: true });
  } catch (e) {
    if (statusOf(e) !== 404 && statusOf(e) !== 409) throw e;
  }
}
