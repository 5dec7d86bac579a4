// A small, pure world for the scheduler's tests (test-only): it holds a service's records,
// applies decide()'s actions to them the way the executor would, plays the agent (tasks start,
// fail, turn healthy or unhealthy, crash, finish stopping) when a test says so, and checks ECS's
// bounds on every decision. Health is judged here independently of classify.ts, so a bug there
// cannot hide itself.

import { decide } from "./decide.js";
import { applyDeploymentActions } from "./deployment-updates.js";
import { mergeEvents } from "./events.js";
import { maximumTotalTasks, minimumHealthyTasks } from "./rollout-math.js";
import {
  INITIAL_FAILURE_TRACKING,
  OCCUPYING_STATUSES,
  type Decision,
  type DeploymentConfiguration,
  type FailureTracking,
  type ObservedDeployment,
  type ObservedInstance,
  type ObservedTask,
  type SchedulerObservation,
  type ServiceEventRecord,
  type TaskStatus,
} from "./types.js";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type SimTask = Mutable<ObservedTask>;
type SimDeployment = Mutable<ObservedDeployment>;
type SimInstance = Mutable<ObservedInstance> & { az: string };

export interface SimConfig {
  strategy?: "REPLICA" | "DAEMON";
  desired?: number;
  deployment: DeploymentConfiguration;
  containerHealthChecks?: boolean;
  loadBalanced?: boolean;
  graceSeconds?: number;
  instances?: number;
  /** Start from a COMPLETED deployment with `desired` healthy tasks (default true). */
  steadyStart?: boolean;
  start?: number;
}

export class BoundViolation extends Error {}

const ZONES = ["us-east-1a", "us-east-1b", "us-east-1c"];

export class Simulation {
  now: number;
  desired: number;
  status: "ACTIVE" | "DRAINING" = "ACTIVE";
  readonly config: SimConfig;
  deployments: SimDeployment[] = [];
  /** INACTIVE deployments, newest first, as the executor keeps them. */
  pastDeployments: SimDeployment[] = [];
  tasks: SimTask[] = [];
  instances: SimInstance[] = [];
  events: ServiceEventRecord[] = [];
  tracking: FailureTracking = INITIAL_FAILURE_TRACKING;
  decisions = 0;
  lastDecision: Decision | undefined;
  private seq = 0;
  private tdRevision = 1;
  private placeCursor = 0;

  constructor(config: SimConfig) {
    this.config = config;
    this.now = config.start ?? Date.UTC(2026, 0, 1);
    this.desired = config.desired ?? 0;
    for (let i = 0; i < (config.instances ?? 3); i++) this.addInstance();
    const first = this.newDeployment(config.steadyStart === false ? "IN_PROGRESS" : "COMPLETED");
    if (config.steadyStart !== false) {
      const targets = this.isDaemon ? this.eligibleInstances().map((i) => i.containerInstanceArn) : Array(this.desired).fill(undefined);
      for (const target of targets) {
        const t = this.createTask(first.id, target);
        t.lastStatus = "RUNNING";
        t.startedAt = this.now - 600_000;
        this.markHealthy(t);
      }
    }
  }

  get isDaemon(): boolean {
    return this.config.strategy === "DAEMON";
  }

  /** A deployment by id, live or past. */
  deployment(id: string): SimDeployment | undefined {
    return this.deployments.find((d) => d.id === id) ?? this.pastDeployments.find((d) => d.id === id);
  }

  get primary(): SimDeployment {
    return this.deployments.find((d) => d.status === "PRIMARY")!;
  }

  // ---- the world -------------------------------------------------------------------------

  addInstance(): SimInstance {
    const id = `i${this.instances.length + 1}`;
    const instance: SimInstance = {
      containerInstanceArn: `arn:aws:ecs:us-east-1:123456789012:container-instance/default/${id}`,
      status: "ACTIVE",
      agentConnected: true,
      satisfiesConstraints: true,
      otherTaskCount: 0,
      az: ZONES[this.instances.length % ZONES.length]!,
    };
    this.instances.push(instance);
    return instance;
  }

  eligibleInstances(): SimInstance[] {
    return this.instances.filter((i) => i.status === "ACTIVE" && i.satisfiesConstraints);
  }

  /** UpdateService with a new task definition (or forceNewDeployment). */
  update(): void {
    for (const d of this.deployments) if (d.status === "PRIMARY") d.status = "ACTIVE";
    this.tdRevision++;
    this.newDeployment("IN_PROGRESS");
  }

  scale(desired: number): void {
    this.desired = desired;
  }

  advance(ms: number): void {
    this.now += ms;
  }

  private newDeployment(rolloutState: "IN_PROGRESS" | "COMPLETED"): SimDeployment {
    const d = this.makeDeployment(rolloutState, `arn:aws:ecs:us-east-1:123456789012:task-definition/web:${this.tdRevision}`);
    this.deployments.push(d);
    return d;
  }

  private makeDeployment(rolloutState: "IN_PROGRESS" | "COMPLETED", taskDefinitionArn: string, rollbackTargetId?: string): SimDeployment {
    return {
      id: `ecs-svc/${(1000000000000000000n + BigInt(++this.seq)).toString()}`,
      status: "PRIMARY",
      taskDefinitionArn,
      desiredCount: this.desired,
      failedTasks: 0,
      rolloutState,
      createdAt: this.now,
      containerHealthChecks: this.config.containerHealthChecks ?? false,
      ...(rollbackTargetId ? { rollbackTargetId } : {}),
    };
  }

  private createTask(deploymentId: string, instanceArn?: string): SimTask {
    const instance = instanceArn
      ? this.instances.find((i) => i.containerInstanceArn === instanceArn)
      : this.nextPlacement();
    const id = (++this.seq).toString(16).padStart(32, "0");
    const task: SimTask = {
      taskArn: `arn:aws:ecs:us-east-1:123456789012:task/default/${id}`,
      deploymentId,
      lastStatus: "PENDING",
      desiredStatus: "RUNNING",
      createdAt: this.now,
      ...(instance ? { containerInstanceArn: instance.containerInstanceArn, availabilityZone: instance.az } : {}),
    };
    this.tasks.push(task);
    return task;
  }

  private nextPlacement(): SimInstance | undefined {
    const active = this.instances.filter((i) => i.status === "ACTIVE" && i.agentConnected !== false);
    if (active.length === 0) return undefined;
    return active[this.placeCursor++ % active.length];
  }

  private markHealthy(t: SimTask): void {
    if (this.config.containerHealthChecks) t.healthStatus = "HEALTHY";
    if (this.config.loadBalanced) t.loadBalancerHealth = { status: "HEALTHY" };
  }

  /** Tasks in a state, for commands that pick one by index. */
  pendingTasks(): SimTask[] {
    return this.tasks.filter((t) => t.desiredStatus === "RUNNING" && t.lastStatus === "PENDING");
  }
  runningTasks(): SimTask[] {
    return this.tasks.filter((t) => t.desiredStatus === "RUNNING" && t.lastStatus === "RUNNING");
  }
  stoppingTasks(): SimTask[] {
    return this.tasks.filter((t) => t.desiredStatus === "STOPPED" && t.lastStatus !== "STOPPED");
  }

  /** The agent: PENDING → RUNNING. Without checks the task is healthy 40 s later. */
  start(t: SimTask, healthy = true): void {
    t.lastStatus = "RUNNING";
    t.startedAt = this.now;
    if (this.config.containerHealthChecks) t.healthStatus = healthy ? "HEALTHY" : "UNKNOWN";
    if (this.config.loadBalanced) t.loadBalancerHealth = { status: healthy ? "HEALTHY" : "UNKNOWN" };
  }

  stop(t: SimTask, stopCode: string, reason: string, lastStatus: TaskStatus = "STOPPED"): void {
    t.desiredStatus = "STOPPED";
    t.lastStatus = lastStatus;
    t.stopCode ??= stopCode;
    t.stoppedReason ??= reason;
    if (lastStatus === "STOPPED") t.stoppedAt = this.now;
  }

  failStart(t: SimTask): void {
    this.stop(t, "TaskFailedToStart", "Task failed to start");
  }
  crash(t: SimTask): void {
    this.stop(t, "EssentialContainerExited", "Essential container in task exited");
  }
  setHealth(t: SimTask, healthy: boolean): void {
    const status = healthy ? "HEALTHY" : "UNHEALTHY";
    if (this.config.containerHealthChecks) t.healthStatus = status;
    if (this.config.loadBalanced) t.loadBalancerHealth = { status, ...(healthy ? {} : { unhealthyTargetGroupArn: "arn:tg/web" }) };
  }
  /** The agent finishes a stop the scheduler (or anyone) ordered. */
  finishStop(t: SimTask): void {
    t.lastStatus = "STOPPED";
    t.stoppedAt = this.now;
  }

  // ---- the control plane -------------------------------------------------------------------

  observation(): SchedulerObservation {
    const statusOf = new Map(this.instances.map((i) => [i.containerInstanceArn, i.status]));
    return {
      service: {
        serviceName: "web",
        status: this.status,
        desiredCount: this.desired,
        schedulingStrategy: this.config.strategy ?? "REPLICA",
        deploymentConfiguration: this.config.deployment,
        healthCheckGracePeriodSeconds: this.config.graceSeconds ?? 0,
        loadBalanced: this.config.loadBalanced ?? false,
        failureTracking: this.tracking,
        events: this.events,
      },
      deployments: [...this.deployments, ...this.pastDeployments].map((d) => ({ ...d })),
      tasks: this.tasks.map((t) => ({
        ...t,
        ...(t.containerInstanceArn ? { instanceStatus: statusOf.get(t.containerInstanceArn) ?? "INACTIVE" } : {}),
      })),
      ...(this.isDaemon ? { instances: this.instances.map(({ az: _az, ...i }) => ({ ...i })) } : {}),
    };
  }

  /** Healthy by ECS's rules, judged independently of classify.ts. */
  isHealthy(t: ObservedTask): boolean {
    if (t.desiredStatus !== "RUNNING" || t.lastStatus !== "RUNNING" || t.startedAt === undefined) return false;
    const checks = this.deployments.find((d) => d.id === t.deploymentId)?.containerHealthChecks ?? false;
    const lb = this.config.loadBalanced ?? false;
    if (!checks && !lb) return this.now - t.startedAt >= 40_000;
    return (!checks || t.healthStatus === "HEALTHY") && (!lb || t.loadBalancerHealth?.status === "HEALTHY");
  }

  /** The bounds decide() must respect, as ECS states them. */
  expectedBounds(): { desired: number; minimumHealthy: number; maximumTotal: number } {
    const desired = this.status !== "ACTIVE" ? 0 : this.isDaemon ? this.eligibleInstances().length : this.desired;
    return {
      desired,
      minimumHealthy: minimumHealthyTasks(desired, this.config.deployment.minimumHealthyPercent),
      maximumTotal: maximumTotalTasks(desired, this.config.deployment.maximumPercent),
    };
  }

  /** decide(), check the bounds, apply. */
  step(): Decision {
    const obs = this.observation();
    const decision = decide(obs, this.now);
    this.check(obs, decision);
    this.apply(decision);
    this.decisions++;
    this.lastDecision = decision;
    return decision;
  }

  private check(obs: SchedulerObservation, decision: Decision): void {
    const { minimumHealthy, maximumTotal } = this.expectedBounds();
    const healthyArns = new Set(obs.tasks.filter((t) => this.isHealthy(t)).map((t) => t.taskArn));
    const healthyStopped = decision.actions.filter((a) => a.kind === "stop" && healthyArns.has(a.taskArn)).length;
    if (healthyArns.size - healthyStopped < Math.min(minimumHealthy, healthyArns.size)) {
      throw new BoundViolation(
        `stopping ${healthyStopped} of ${healthyArns.size} healthy tasks breaks minimum healthy ${minimumHealthy}`,
      );
    }
    const occupying = obs.tasks.filter((t) => OCCUPYING_STATUSES.has(t.lastStatus));
    const launches = decision.actions.filter((a) => a.kind === "launch");
    const launched = launches.reduce((n, a) => n + a.count, 0);
    if (this.isDaemon) {
      for (const a of launches) {
        if (occupying.some((t) => t.containerInstanceArn === a.instanceArn)) {
          throw new BoundViolation(`daemon launch on ${a.instanceArn}, which already has a running or pending task`);
        }
      }
    } else if (launched > 0 && occupying.length + launched > maximumTotal) {
      throw new BoundViolation(`launching ${launched} with ${occupying.length} running+pending exceeds maximum ${maximumTotal}`);
    }
    const primary = obs.deployments.find((d) => d.status === "PRIMARY");
    for (const a of launches) {
      if (a.deploymentId !== primary?.id) throw new BoundViolation(`launch for non-PRIMARY deployment ${a.deploymentId}`);
      if (primary.rolloutState === "FAILED") throw new BoundViolation(`launch for FAILED deployment ${a.deploymentId}`);
    }
  }

  apply(decision: Decision): void {
    const added: ServiceEventRecord[] = [];
    for (const a of decision.actions) {
      switch (a.kind) {
        case "launch":
          for (let i = 0; i < a.count; i++) {
            const t = this.createTask(a.deploymentId, a.instanceArn);
            if (!t.containerInstanceArn) this.stop(t, "TaskFailedToStart", "no container instance"); // unplaceable
          }
          break;
        case "stop": {
          const t = this.tasks.find((x) => x.taskArn === a.taskArn);
          if (t && t.desiredStatus === "RUNNING") {
            t.desiredStatus = "STOPPED";
            t.stopCode = a.stopCode;
            t.stoppedReason = a.reason;
          }
          break;
        }
        case "event":
          // No suppression here: repeats are decide()'s to hold back, and the tests check it does.
          added.push({ createdAt: this.now, message: a.message });
          break;
      }
    }
    this.events = mergeEvents(this.events, added);
    // The rest is what the executor does to the stored deployments, through the same function.
    const next = applyDeploymentActions(
      { deployments: this.deployments, past: this.pastDeployments, failureTracking: this.tracking },
      decision.actions,
      this.now,
      {
        maxPast: 20,
        rollback: (a) => ({ ...this.makeDeployment("IN_PROGRESS", a.taskDefinitionArn, a.targetDeploymentId), desiredCount: a.desiredCount, rolloutStateReason: a.rolloutStateReason }),
      },
    );
    this.deployments = next.deployments;
    this.pastDeployments = next.past;
    this.tracking = next.failureTracking ?? INITIAL_FAILURE_TRACKING;
  }

  /** True when the service is what ECS calls steady: desired PRIMARY tasks, all healthy, nothing else. */
  isConverged(): boolean {
    const { desired } = this.expectedBounds();
    const live = this.tasks.filter((t) => t.lastStatus !== "STOPPED");
    if (this.status !== "ACTIVE") return live.length === 0;
    const primary = this.primary;
    return (
      live.length === desired &&
      live.every((t) => t.deploymentId === primary.id && this.isHealthy(t)) &&
      this.deployments.filter((d) => d.status !== "INACTIVE").length === 1 &&
      primary.rolloutState === "COMPLETED"
    );
  }

  /**
   * Failures have stopped: the agent starts every task healthy and finishes every stop, time moves
   * on, a FAILED rollout gets a fresh deployment (as a user would). Returns true once the service
   * is converged and decide() says steady.
   */
  settle(maxSteps = 200): boolean {
    for (let i = 0; i < maxSteps; i++) {
      if (this.primary.rolloutState === "FAILED" && this.status === "ACTIVE") this.update();
      const decision = this.step();
      if (decision.steady && this.isConverged()) return true;
      for (const t of this.stoppingTasks()) this.finishStop(t);
      for (const t of this.pendingTasks()) this.start(t);
      for (const t of this.runningTasks()) this.setHealth(t, true);
      for (const inst of this.instances) {
        inst.otherTaskCount = 0;
        inst.agentConnected = true;
      }
      const wait = decision.requeueAfterMs ?? 0;
      this.advance(Math.max(41_000, Math.min(wait, 30 * 60_000)));
    }
    return false;
  }
}
