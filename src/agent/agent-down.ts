// `berth down` on one agent's state dir, while no agent runs on it: every container the agent
// started is stopped as a stopping task's would be (its stop signal, SIGKILL after its stop
// timeout), its exit is written to the agent's journal (down-records.ts), and it is removed:
// the process runtime kills what is left of its process group or cgroup and drops its record,
// the docker runtime removes the container. Nothing of the task runs afterwards, and the next
// agent on this state dir reports the tasks STOPPED with their exit codes. awsvpc tasks' namespaces
// (and docker's pause containers) are released too, and bridge tasks' (with their host ports).
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { type ContainerState, createRuntimeDriver, type RuntimeDriver } from "../runtime/index.js";
import { AGENT_INSTANCE_LABEL, taskIdOf } from "./container-spec.js";
import { recordDownExits, type StoppedContainer } from "./down-records.js";
import { StateStore } from "./state-store.js";
import { releaseNetwork } from "./task-network.js";
import { TaskNetworks, taskNetworkingUnavailable } from "../network/index.js";

export interface DownContainer extends StoppedContainer {
  runtime: "process" | "docker";
  /** It was running and berth down stopped it; false: it had exited before, and was only removed. */
  wasRunning: boolean;
  /** Why it could not be stopped or removed; it may still run. */
  error?: string;
}

export interface AgentDownResult {
  stateDir: string;
  /** undefined: no agent ever ran on this state dir. */
  instanceId?: string;
  containers: DownContainer[];
  /** awsvpc task namespaces released (with their pause containers). */
  namespaces?: number;
}

export interface AgentDownOptions {
  /** Also look for the agent's containers in this Docker engine (the caller found one answering). */
  docker: boolean;
  now?: () => number;
}

export async function stopAgentContainers(stateDir: string, options: AgentDownOptions): Promise<AgentDownResult> {
  const exists = (p: string) => stat(p).then(() => true, () => false);
  if (!(await exists(join(stateDir, "agent.json")))) return { stateDir, containers: [] };
  const store = new StateStore(stateDir);
  const identity = await store.loadIdentity();
  const instanceId = identity?.instanceId;
  const containers: DownContainer[] = [];
  // The process runtime's directory holds only this agent's containers: all of them go.
  if (await exists(join(stateDir, "runtime"))) {
    const driver = await createRuntimeDriver({ kind: "process", stateDir: join(stateDir, "runtime") });
    containers.push(...(await stopAll(driver, "process", () => true)));
  }
  // A Docker engine is shared: only the containers labelled with this agent's instance id.
  if (options.docker && instanceId) {
    const driver = await createRuntimeDriver({ kind: "docker" });
    containers.push(...(await stopAll(driver, "docker", (s) => s.labels[AGENT_INSTANCE_LABEL] === instanceId)));
  }
  let namespaces = 0;
  await store.open();
  try {
    if (containers.length) {
      const now = options.now ?? Date.now;
      const changed = recordDownExits(await store.loadTasks(), containers.filter((c) => !c.error), now());
      await Promise.all(changed.map((rec) => store.saveTask(taskIdOf(rec.task.taskArn), rec)));
    }
    namespaces = await releaseDownNetworks(store, options.docker);
  } finally {
    await store.close();
  }
  return { stateDir, ...(instanceId ? { instanceId } : {}), containers, ...(namespaces ? { namespaces } : {}) };
}

/**
 * awsvpc tasks whose containers have all stopped lose their namespace (and docker's pause
 * container) now, not at the next agent's start: nothing of a task stays on the host after
 * `berth down`. The records say DELETED, so the next agent reports the attachment so.
 */
async function releaseDownNetworks(store: StateStore, docker: boolean): Promise<number> {
  const records = (await store.loadTasks()).filter((r) => r.network && r.network.status !== "DELETED" && r.containers.every((c) => c.known === "STOPPED" || c.runtimeId === undefined));
  if (records.length === 0 || (await taskNetworkingUnavailable())) return 0;
  const networks = new TaskNetworks();
  const holder = docker && records.some((r) => r.network?.holderId) ? await createRuntimeDriver({ kind: "docker" }) : undefined;
  try {
    for (const rec of records) {
      await releaseNetwork(rec, taskIdOf(rec.task.taskArn), networks, holder ?? {});
      await store.saveTask(taskIdOf(rec.task.taskArn), rec);
    }
  } finally {
    await holder?.close();
  }
  return records.length;
}

/** Stops (all at once: each may take its stop timeout) and removes the driver's matching containers. */
async function stopAll(driver: RuntimeDriver, runtime: DownContainer["runtime"], mine: (s: ContainerState) => boolean): Promise<DownContainer[]> {
  try {
    const states = (await driver.list()).filter(mine);
    return await Promise.all(
      states.map(async (s): Promise<DownContainer> => {
        const base = { id: s.id, taskArn: s.taskArn, containerName: s.containerName, runtime, wasRunning: s.status === "RUNNING" };
        try {
          if (s.status === "RUNNING") await driver.stop(s.id);
          const after = await driver.inspect(s.id);
          await driver.remove(s.id);
          return { ...base, ...(after.exit ? { exit: after.exit } : {}) };
        } catch (err) {
          return { ...base, error: err instanceof Error ? err.message : String(err) };
        }
      }),
    );
  } finally {
    await driver.close();
  }
}
