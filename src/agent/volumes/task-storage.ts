// One task's storage as its ManagedTask sees it: made once before the first container is
// created, released when the task has stopped (host-side mounts, directories, images), and its
// Docker volumes of scope task removed once its containers are (the engine refuses to remove a
// volume a container still references).
import { dirname } from "node:path";
import type { Logger } from "pino";
import type { AssignedTask } from "../../model/index.js";
import type { RuntimeDriver } from "../../runtime/index.js";
import { AGENT_INSTANCE_LABEL } from "../container-spec.js";
import { releaseVolumes, setUpVolumes, taskVolumeDirs, VOLUME_TASK_LABEL } from "./volume-host.js";
import { type ContainerVolumes, hasStorage, planVolumes, type VolumePlan } from "./volume-plan.js";

export type StorageOutcome = { ok: true; plan: VolumePlan } | { ok: false; reason: string };

export class TaskStorage {
  #made: Promise<StorageOutcome> | undefined;
  #released: Promise<void> | undefined;

  constructor(
    private readonly task: () => AssignedTask,
    private readonly volumesRoot: string | undefined,
    private readonly driver: RuntimeDriver,
    private readonly instanceId: string,
    private readonly log: Logger,
  ) {}

  get needed(): boolean {
    return hasStorage(this.task());
  }

  /** The simulated runtime runs no process: its tasks get their mounts in the spec and nothing on the host. */
  get #onHost(): boolean {
    return this.driver.name !== "simulated";
  }

  #plan(): StorageOutcome {
    if (!this.volumesRoot) return { ok: false, reason: "CannotCreateContainerError: this agent has no directory for task volumes" };
    return planVolumes(this.task(), this.volumesRoot, this.driver.name === "docker" ? "docker" : "process");
  }

  /** The storage, made on the first call (later calls share it); a failure carries ECS's reason. */
  ready(): Promise<StorageOutcome> {
    this.#made ??= (async (): Promise<StorageOutcome> => {
      const planned = this.#plan();
      if (!planned.ok || !this.#onHost) return planned;
      try {
        await setUpVolumes(planned.plan, this.task().taskArn, this.driver, this.instanceId);
        this.log.info({ volumes: planned.plan.prepare.length }, "task volumes ready");
        return planned;
      } catch (err) {
        this.log.warn({ err }, "could not make the task's volumes");
        // What was half made goes now; the task stops with the reason.
        await releaseVolumes(planned.plan.taskDir, this.driver).catch(() => undefined);
        return { ok: false, reason: `CannotCreateContainerError: task volumes: ${(err as Error).message}` };
      }
    })();
    return this.#made;
  }

  /** One container's mounts, read-only root and hidden paths. */
  containerVolumes(outcome: StorageOutcome & { ok: true }, container: string): ContainerVolumes {
    const c = outcome.plan.containers[container] ?? { mounts: [], readonlyRootFilesystem: false };
    return { ...c, hiddenPaths: this.volumesRoot ? [dirname(this.volumesRoot)] : [] };
  }

  /** The task has stopped: its host-side storage goes (idempotent). */
  release(): Promise<void> {
    if (!this.volumesRoot || !this.needed || !this.#onHost) return Promise.resolve();
    this.#released ??= (async () => {
      // A set-up still in flight (the task stopped before its containers were made) ends first.
      await this.#made;
      const planned = this.#plan();
      if (!planned.ok) return;
      await releaseVolumes(planned.plan.taskDir, this.driver);
      this.log.info("task volumes released");
    })().catch((err: unknown) => {
      this.#released = undefined;
      this.log.error({ err }, "could not release the task's volumes");
    });
    return this.#released;
  }

  /** After the containers are removed: the task's Docker volumes of scope task. */
  async removeTaskVolumes(): Promise<void> {
    await this.release();
    const planned = this.volumesRoot && this.needed ? this.#plan() : undefined;
    if (!planned?.ok) return;
    for (const name of planned.plan.taskDockerVolumes) {
      await this.driver.removeVolume?.(name).catch((err: unknown) => this.log.warn({ err, volume: name }, "could not remove the task's volume"));
    }
  }
}

/**
 * After a restart: storage of tasks this agent no longer runs (gone from the state dir, or
 * stopped) is released, as it would have been had the agent not died. `running`: task ids whose
 * storage stays; `recorded`: ARNs of every task in the state dir (their engine volumes go when
 * their containers are removed; the others' now).
 */
export async function sweepVolumes(
  volumesRoot: string,
  tasks: { running: ReadonlySet<string>; recorded: ReadonlySet<string> },
  driver: RuntimeDriver,
  instanceId: string,
  log: Logger,
): Promise<void> {
  const running = tasks.running;
  for (const [taskId, dir] of await taskVolumeDirs(volumesRoot)) {
    if (running.has(taskId)) continue;
    await releaseVolumes(dir, driver).then(
      () => log.info({ task: taskId }, "released the volumes of a task that ended while the agent was down"),
      (err: unknown) => log.error({ err, task: taskId }, "could not release an ended task's volumes"),
    );
  }
  const engineVolumes = (await driver.listVolumes?.({ [AGENT_INSTANCE_LABEL]: instanceId }).catch(() => [])) ?? [];
  for (const v of engineVolumes) {
    const taskArn = v.labels[VOLUME_TASK_LABEL];
    if (!taskArn || tasks.recorded.has(taskArn)) continue;
    await driver.removeVolume?.(v.name).then(
      () => log.info({ volume: v.name, task: taskArn }, "removed the volume of a task this agent no longer has"),
      (err: unknown) => log.warn({ err, volume: v.name }, "could not remove an ended task's volume"),
    );
  }
}
