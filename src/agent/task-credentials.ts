// The role credentials the control plane sent for this agent's tasks (TaskCredentials
// messages), in memory only: never in the state dir, never logged. Kept per task and role type,
// so a renewal — even one under a new credentialsId after a control-plane restart — replaces
// what the containers read at the id they were started with (task-record.ts's credentialsEndpoint).
import type { RoleCredentials, RoleType } from "../model/index.js";

export class TaskCredentialsStore {
  readonly #byTask = new Map<string, Map<RoleType, RoleCredentials>>();
  readonly #listeners = new Set<(taskArn: string, roleType: RoleType) => void>();

  set(taskArn: string, roleType: RoleType, credentials: RoleCredentials): void {
    const roles = this.#byTask.get(taskArn) ?? new Map<RoleType, RoleCredentials>();
    roles.set(roleType, credentials);
    this.#byTask.set(taskArn, roles);
    for (const l of this.#listeners) l(taskArn, roleType);
  }

  get(taskArn: string, roleType: RoleType): RoleCredentials | undefined {
    return this.#byTask.get(taskArn)?.get(roleType);
  }

  has(taskArn: string, roleType: RoleType): boolean {
    return this.#byTask.get(taskArn)?.has(roleType) ?? false;
  }

  /** The task stopped or is gone: its keys are dropped. */
  forget(taskArn: string): void {
    this.#byTask.delete(taskArn);
  }

  /** Called after every set (the engine kicks the task waiting for it). */
  onChange(listener: (taskArn: string, roleType: RoleType) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  taskArns(): string[] {
    return [...this.#byTask.keys()];
  }

  get size(): number {
    return this.#byTask.size;
  }
}
