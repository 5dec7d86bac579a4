// The control plane resolves EFS and EBS-style volumes into AssignedTask.volumeSources; the
// volume tests give them to the agent directly (by task family), as it receives them, so that the
// agent's side is tested on its own. Their task definitions declare those volumes as plain ones.
import type { Agent } from "../../src/agent/index.js";
import type { AssignedTask, AssignedVolumeSource } from "../../src/model/index.js";

/** Rewrites every task the agent is assigned through `patch` before the agent sees it. */
function patchAssignments(agent: Agent, patch: (t: AssignedTask) => AssignedTask): void {
  const engine = agent.engine as unknown as { handleManifest(tasks: AssignedTask[], full: boolean): Promise<void> };
  const original = engine.handleManifest.bind(engine);
  engine.handleManifest = (tasks, full) => original(tasks.map(patch), full);
}

export function injectVolumeSources(agent: Agent, byFamily: ReadonlyMap<string, AssignedVolumeSource[]>): void {
  patchAssignments(agent, (t) => (byFamily.has(t.family) ? { ...t, volumeSources: byFamily.get(t.family)! } : t));
}

/**
 * Gives the tasks of a family ephemeral storage of this size (GiB), as the control plane does for
 * Fargate tasks, at sizes below ECS's 21 GiB that a test can fill.
 */
export function injectEphemeralStorage(agent: Agent, byFamily: ReadonlyMap<string, number>): void {
  patchAssignments(agent, (t) => (byFamily.has(t.family) ? { ...t, ephemeralStorage: { sizeInGiB: byFamily.get(t.family)! } } : t));
}
