// The data placement works on: what a container instance looks like to the scheduler, what a
// task asks for, and what comes back. Field names and wire values follow ECS
// (ecs-behavior.md §1.6, §6).

/** Container instance statuses (ECS wire values). Only ACTIVE instances receive tasks. */
export type InstanceStatus =
  | "REGISTERING"
  | "REGISTRATION_FAILED"
  | "ACTIVE"
  | "DRAINING"
  | "DEREGISTERING"
  | "INACTIVE";

/** A container instance attribute; capability attributes carry no value. */
export interface InstanceAttribute {
  readonly name: string;
  readonly value?: string;
}

/** A task already assigned to an instance, as far as placement cares. */
export interface InstanceTask {
  /** The task group; when absent it is derived as ECS does: `service:<name>` or `family:<family>`. */
  readonly group?: string;
  readonly family: string;
  readonly taskDefinitionArn: string;
  readonly serviceName?: string;
  /** Only tasks whose desiredStatus is RUNNING count for groups, spread and runningTasksCount. */
  readonly desiredStatus: string;
}

export type PortList = ReadonlySet<number> | readonly number[];

/** One candidate container instance: the scheduler's read-only view of it. */
export interface InstanceView {
  readonly arn: string;
  readonly ec2InstanceId?: string;
  readonly status: InstanceStatus | string;
  readonly agentConnected: boolean;
  readonly agentVersion?: string;
  /** Epoch milliseconds. */
  readonly registeredAt: number;
  /** Built-in (ecs.*), capability and custom attributes. */
  readonly attributes: readonly InstanceAttribute[];
  /**
   * What is left: cpu units, memory MiB, and the host ports already reserved (PORTS /
   * PORTS_UDP of remainingResources: agent-reserved ports plus static ports of running tasks).
   */
  readonly remaining: {
    readonly cpu: number;
    readonly memory: number;
    readonly ports: PortList;
    readonly portsUdp: PortList;
    /** ENIs awsvpc tasks may still attach (ecs-behavior.md §7.1); absent: the instance gives none, so none are counted. */
    readonly enis?: number;
  };
  readonly registered: { readonly cpu: number; readonly memory: number };
  readonly tasks: readonly InstanceTask[];
}

export interface DistinctInstanceConstraint {
  readonly type: "distinctInstance";
  readonly expression?: undefined;
}
export interface MemberOfConstraint {
  readonly type: "memberOf";
  /** Cluster query language (ecs-behavior.md §6.3). */
  readonly expression: string;
}
export type PlacementConstraint = DistinctInstanceConstraint | MemberOfConstraint;

/** Strategy items as the API accepts them; `field` is interpreted by type (see strategies.ts). */
export interface PlacementStrategy {
  readonly type: "binpack" | "spread" | "random";
  readonly field?: string;
}

/** A requiresAttributes entry of a task definition; a bare string is a name without value. */
export type RequiredAttribute = string | { readonly name: string; readonly value?: string };

export interface PlacementRequest {
  /** Number of identical tasks to place, one after another. */
  readonly count: number;
  /** CPU units the task reserves (task-level cpu, else the sum of its containers' cpu). */
  readonly cpu: number;
  /** MiB the task reserves (task-level memory, else Σ memoryReservation || memory). */
  readonly memory: number;
  /** Fixed host ports only; dynamic (0) host ports never conflict and are left out. */
  readonly hostPorts?: { readonly tcp?: readonly number[]; readonly udp?: readonly number[] };
  /**
   * The container ports of the task's dynamic mappings (bridge, hostPort 0 or absent). They take
   * nothing on an instance that translates ports; on one that cannot (attribute
   * berth.runtime.port-translation=none) the container binds them on the host, so there they
   * are reserved as fixed host ports are.
   */
  readonly dynamicPorts?: { readonly tcp?: readonly number[]; readonly udp?: readonly number[] };
  /** `service:<name>` for service tasks; defaults to `family:<family>`. */
  readonly group?: string;
  readonly family?: string;
  /** Task definition constraints and request constraints together (validated beforehand). */
  readonly constraints?: readonly PlacementConstraint[];
  /** Tie-breaking chain; empty or absent means ECS's default (see DEFAULT_*_STRATEGY). */
  readonly strategy?: readonly PlacementStrategy[];
  readonly requiredAttributes?: readonly RequiredAttribute[];
  /** awsvpc: each task takes one ENI on an instance that counts them (remaining.enis). */
  readonly eni?: boolean;
}

/** Per-instance reasons, in the order the filters run (cheapest first). */
export const FailureReason = {
  INACTIVE: "INACTIVE",
  AGENT: "AGENT",
  ATTRIBUTE: "ATTRIBUTE",
  MEMBER_OF: "MemberOf placement constraint unsatisfied.",
  DISTINCT_INSTANCE: "DistinctInstance placement constraint unsatisfied.",
  CPU: "RESOURCE:CPU",
  MEMORY: "RESOURCE:MEMORY",
  PORTS: "RESOURCE:PORTS",
  PORTS_UDP: "RESOURCE:PORTS_UDP",
  ENI: "RESOURCE:ENI",
} as const;
export type FailureReason = (typeof FailureReason)[keyof typeof FailureReason];

/** The pipeline order of the reasons: a later reason means the instance passed more checks. */
export const FAILURE_REASON_ORDER: readonly FailureReason[] = Object.values(FailureReason);

/** ECS's Failure shape: arn is the container instance ARN. */
export interface PlacementFailure {
  readonly arn: string;
  readonly reason: FailureReason;
  readonly detail?: string;
}

export interface PlacementResult {
  /** One entry per placed task, in placement order. */
  readonly placements: readonly { readonly instanceArn: string }[];
  /**
   * Empty when every task was placed. Otherwise one entry per instance of the snapshot, saying
   * why the first task that could not be placed did not fit there (RunTask's `failures`).
   */
  readonly failures: readonly PlacementFailure[];
  /** count − placements.length. */
  readonly unplaced: number;
  /**
   * The failure of the instance that passed the most checks (first such instance in snapshot
   * order): the "closest matching container-instance" of ECS's service events.
   */
  readonly closest?: PlacementFailure;
}

export interface PlaceOptions {
  /** Uniform in [0, 1); seeded by the caller so a placement can be replayed. */
  readonly rng: () => number;
}

/** An error to report as InvalidParameterException at the API edge. */
export interface ValidationError {
  readonly field: string;
  readonly message: string;
}
