// Gathers what `waitReason` reads, through the API as any client would: the service's tasks
// (ListTasks + DescribeTasks), the facts of their task definitions (DescribeTaskDefinition) and
// the scheduler's newest decision (Berth_20261128.DescribeServiceDecisions). One observer lives
// for one command and remembers what cannot change (stopped tasks, task definitions), so polling
// a crash-looping service every second does not describe its hundreds of stopped tasks each time.
import { DescribeTaskDefinitionCommand, paginateListTasks, type DesiredStatus, type Service, type Task } from "@aws-sdk/client-ecs";
import type { CliContext } from "./context.js";
import type { DecisionEntry, DecisionLog } from "./decision-log-view.js";
import { describeTasks } from "./resources.js";
import { DEFAULT_STOP_TIMEOUT_S, type TaskDefinitionFacts, type WaitObservation } from "./wait-reason.js";

export class WaitObserver {
  /** Tasks whose lastStatus is STOPPED: they never change again. */
  readonly #stopped = new Map<string, Task>();
  /** Task definitions are immutable; null when it could not be described. */
  readonly #definitions = new Map<string, TaskDefinitionFacts | null>();

  constructor(private readonly ctx: CliContext) {}

  async observe(service: Service, deploymentId: string, now = Date.now()): Promise<WaitObservation> {
    const name = service.serviceName ?? "";
    const [tasks, decision] = await Promise.all([this.#tasks(name), this.#decision(name)]);
    const wanted = new Set(tasks.filter((t) => t.lastStatus !== "STOPPED").map((t) => t.taskDefinitionArn ?? ""));
    wanted.delete("");
    await Promise.all([...wanted].map((arn) => this.#definition(arn)));
    const taskDefinitions = new Map<string, TaskDefinitionFacts>();
    for (const [arn, facts] of this.#definitions) if (facts) taskDefinitions.set(arn, facts);
    return { now, service, deploymentId, tasks, taskDefinitions, ...(decision ? { decision } : {}) };
  }

  async #arns(serviceName: string, desiredStatus: DesiredStatus): Promise<string[]> {
    const arns: string[] = [];
    for await (const page of paginateListTasks({ client: this.ctx.ecs }, { cluster: this.ctx.cluster, serviceName, desiredStatus })) {
      arns.push(...(page.taskArns ?? []));
    }
    return arns;
  }

  async #tasks(serviceName: string): Promise<Task[]> {
    const [running, stopping] = await Promise.all([this.#arns(serviceName, "RUNNING"), this.#arns(serviceName, "STOPPED")]);
    const fresh = await describeTasks(this.ctx.ecs, this.ctx.cluster, [...running, ...stopping.filter((a) => !this.#stopped.has(a))]);
    for (const t of fresh) if (t.lastStatus === "STOPPED" && t.taskArn) this.#stopped.set(t.taskArn, t);
    const known = stopping.map((a) => this.#stopped.get(a)).filter((t): t is Task => t !== undefined);
    return [...fresh.filter((t) => t.lastStatus !== "STOPPED"), ...known];
  }

  async #decision(serviceName: string): Promise<DecisionEntry | undefined> {
    try {
      const log = await this.ctx.berth<DecisionLog>("DescribeServiceDecisions", { cluster: this.ctx.cluster, service: serviceName, maxResults: 1 });
      return log.decisions[0];
    } catch {
      // A reason is a help, not a must: without the decision log the other sources still speak.
      return undefined;
    }
  }

  async #definition(arn: string): Promise<void> {
    if (this.#definitions.has(arn)) return;
    try {
      const td = (await this.ctx.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn }))).taskDefinition;
      this.#definitions.set(arn, td ? taskDefinitionFacts(td.containerDefinitions ?? []) : null);
    } catch {
      this.#definitions.set(arn, null);
    }
  }
}

/** What waiting depends on in a task definition: its longest stopTimeout and whether it has health checks. */
export function taskDefinitionFacts(containers: readonly { essential?: boolean; healthCheck?: object; stopTimeout?: number }[]): TaskDefinitionFacts {
  return {
    stopTimeoutSeconds: containers.length ? Math.max(...containers.map((c) => c.stopTimeout ?? DEFAULT_STOP_TIMEOUT_S)) : DEFAULT_STOP_TIMEOUT_S,
    healthChecked: containers.some((c) => c.essential !== false && c.healthCheck !== undefined),
  };
}
