// The control plane resolves EFS and EBS-style volumes into AssignedTask.volumeSources; the
// volume tests give them to the agent directly (by task family), as it receives them, so that the
// agent's side is tested on its own. Their task definitions declare those volumes as plain ones.
import type { Agent } from "../../src/agent/index.js";
import type { AssignedTask, AssignedVolumeSource } from "../../src/model/index.js";

export function injectVolumeSources(agent: Agent, byFamily: ReadonlyMap<string, AssignedVolumeSource[]>): void {
  const engine = agent.engine as unknown as { handleManifest(tasks: AssignedTask[], full: boolean): Promise<void> };
  const original = engine.handleManifest.bind(engine);
  engine.handleManifest = (tasks, full) => original(tasks.map((t) => (byFamily.has(t.family) ? { ...t, volumeSources: byFamily.get(t.family)! } : t)), full);
}
