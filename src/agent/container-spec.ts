// Turns one assigned container (an ECS container definition after overrides) into the runtime's
// ContainerSpec, pure: the environment the ECS agent injects (metadata, region, the task role's
// credentials endpoint), the values of its secrets, ECS's docker labels, ports, stop timeout and
// health check. What berth's agent cannot honour yet fails the container with an ECS-shaped
// reason instead of running it without (a volume, an environment file).
import type { AssignedContainer, AssignedTask } from "../model/index.js";
import type { ContainerSpec, HealthCheckDefinition, NetworkMode, PortMapping, TaskNetworkNamespace, Ulimit } from "../runtime/index.js";
import type { DependencyCondition } from "./task-transitions.js";
import type { ContainerVolumes } from "./volumes/volume-plan.js";

/** The label that ties a container to the agent (container instance) that created it. */
export const AGENT_INSTANCE_LABEL = "berth.agent.instance-id";

/** ECS_CONTAINER_STOP_TIMEOUT's default (ecs-behavior.md §2.6). */
export const DEFAULT_STOP_TIMEOUT_SECONDS = 30;

export interface SpecContext {
  /** The agent's stable instance id (its identity document's instanceId). */
  instanceId: string;
  /** `http://<host>:<port>` the containers reach the metadata endpoint at. */
  metadataBaseUrl: string;
  /** This container's endpoint token (metadata-server.ts). */
  metadataToken: string;
  /** The task's region: AWS_REGION and AWS_DEFAULT_REGION. */
  region?: string;
  /**
   * A task with a task role: where its containers read the credentials. `relativeUri` in a
   * namespace (awsvpc, bridge), where 169.254.170.2 reaches the agent; `fullUri` (loopback) with
   * the token for containers on the host's network.
   */
  credentials?: { relativeUri: string } | { fullUri: string; token: string };
  /** The values of this container's `secrets`, read by the agent (never written down). */
  secretEnvironment?: Record<string, string>;
  /** The container's volumes, tmpfs and read-only root, once the task's storage is made (volumes/). */
  volumes?: ContainerVolumes;
  /** awsvpc, and bridge on the process runtime: the task's network namespace, once the agent has made it. */
  networkNamespace?: TaskNetworkNamespace;
  /** bridge in a namespace of berth's: the host port the agent forwards to each mapping. */
  hostPorts?: readonly HostPortBinding[];
  defaultStopTimeoutSeconds: number;
}

/** One container port and the host port forwarded to it (src/network's BoundPort). */
export interface HostPortBinding {
  containerName: string;
  containerPort: number;
  hostPort: number;
  protocol: "tcp" | "udp";
}

/** A container's port mappings as the runtime takes them; hostPort 0: dynamic (host mode: the container port). */
export function portMappingsOf(d: Record<string, unknown>, networkMode: string): PortMapping[] {
  return (Array.isArray(d.portMappings) ? (d.portMappings as Def[]) : []).flatMap((p) => {
    const containerPort = num(p.containerPort);
    if (containerPort === undefined) return [];
    const hostPort = networkMode === "host" ? containerPort : (num(p.hostPort) ?? 0);
    return [{ containerPort, hostPort, protocol: p.protocol === "udp" ? "udp" : "tcp" } satisfies PortMapping];
  });
}

/** What the engine reads from a definition besides the spec. */
export interface ContainerTraits {
  essential: boolean;
  dependsOn: { containerName: string; condition: DependencyCondition }[];
  startTimeout?: number;
  hasHealthCheck: boolean;
  image: string;
  cpu: number;
  memory?: number;
  memoryReservation?: number;
  logDriver?: string;
  logOptions?: Record<string, string>;
}

type Def = Record<string, unknown>;

const CONDITIONS: readonly DependencyCondition[] = ["START", "COMPLETE", "SUCCESS", "HEALTHY"];

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
const strings = (v: unknown): string[] | undefined => (Array.isArray(v) && v.every((x) => typeof x === "string") ? (v as string[]) : undefined);

export function containerTraits(c: AssignedContainer): ContainerTraits {
  const d = c.definition;
  const dependsOn = (Array.isArray(d.dependsOn) ? (d.dependsOn as Def[]) : []).map((x) => ({
    containerName: str(x.containerName) ?? "",
    condition: (CONDITIONS.includes(x.condition as DependencyCondition) ? x.condition : "START") as DependencyCondition,
  }));
  const log = d.logConfiguration as Def | undefined;
  const startTimeout = num(d.startTimeout);
  const memory = num(d.memory);
  const memoryReservation = num(d.memoryReservation);
  const logDriver = str(log?.logDriver);
  return {
    essential: d.essential !== false,
    dependsOn,
    ...(startTimeout !== undefined ? { startTimeout } : {}),
    hasHealthCheck: healthCheckOf(d) !== undefined,
    image: str(d.image) ?? "",
    cpu: num(d.cpu) ?? 0,
    ...(memory !== undefined ? { memory } : {}),
    ...(memoryReservation !== undefined ? { memoryReservation } : {}),
    ...(logDriver ? { logDriver } : {}),
    ...(log?.options && typeof log.options === "object" ? { logOptions: log.options as Record<string, string> } : {}),
  };
}

/** The last part of a task ARN: `arn:...:task/<cluster>/<id>` → `<id>`. */
export function taskIdOf(taskArn: string): string {
  return taskArn.slice(taskArn.lastIndexOf("/") + 1);
}

/** ECS's docker labels on every task container (ecs-behavior.md §8.3). */
export function ecsLabels(task: AssignedTask, containerName: string): Record<string, string> {
  return {
    "com.amazonaws.ecs.cluster": task.clusterArn,
    "com.amazonaws.ecs.container-name": containerName,
    "com.amazonaws.ecs.task-arn": task.taskArn,
    "com.amazonaws.ecs.task-definition-family": task.family,
    "com.amazonaws.ecs.task-definition-version": String(task.revision),
  };
}

/** The metadata URIs the agent injects: v4 and the v3-compatible one, per container. */
export function metadataEnvironment(baseUrl: string, token: string): Record<string, string> {
  return {
    ECS_CONTAINER_METADATA_URI_V4: `${baseUrl}/v4/${token}`,
    ECS_CONTAINER_METADATA_URI: `${baseUrl}/v3/${token}`,
    // The agent's own API for the task: task scale-in protection at /task-protection/v1/state.
    ECS_AGENT_URI: `${baseUrl}/api/${token}`,
    // What the ECS agent sets on EC2; SDKs put it in their user agent.
    AWS_EXECUTION_ENV: "AWS_ECS_EC2",
  };
}

/**
 * What the AWS SDKs and CLI read task role credentials from (aws-neighbors.md §3.6):
 * AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (fetched at http://169.254.170.2), or
 * AWS_CONTAINER_CREDENTIALS_FULL_URI with AWS_CONTAINER_AUTHORIZATION_TOKEN sent as the
 * Authorization header (http is accepted for loopback only).
 */
export function credentialsEnvironment(c: SpecContext["credentials"]): Record<string, string> {
  if (!c) return {};
  if ("relativeUri" in c) return { AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: c.relativeUri };
  return { AWS_CONTAINER_CREDENTIALS_FULL_URI: c.fullUri, AWS_CONTAINER_AUTHORIZATION_TOKEN: c.token };
}

/** The path a credentials id is served at. */
export function credentialsPath(id: string): string {
  return `/v2/credentials/${id}`;
}

/** The region of an ECS ARN (`arn:aws:ecs:<region>:…`). */
export function regionOf(arn: string): string {
  return arn.split(":")[3] ?? "";
}

export type SpecResult = { ok: true; spec: ContainerSpec } | { ok: false; reason: string };

const NETWORK_MODES: readonly NetworkMode[] = ["bridge", "host", "none", "awsvpc"];

export function buildContainerSpec(task: AssignedTask, c: AssignedContainer, ctx: SpecContext): SpecResult {
  const d = c.definition;
  const fail = (reason: string): SpecResult => ({ ok: false, reason });
  const networkMode = (task.networkMode || "bridge") as NetworkMode;
  if (!NETWORK_MODES.includes(networkMode)) {
    return fail(`CannotCreateContainerError: networkMode ${JSON.stringify(task.networkMode)} is not one of ${NETWORK_MODES.join(", ")}`);
  }
  if (networkMode === "awsvpc" && !ctx.networkNamespace) {
    return fail(
      `ResourceInitializationError: resource cannot be initialized for task ${task.taskArn}: networkMode awsvpc needs a task network namespace, and the control plane assigned none (no ENI) or the agent has not made it`,
    );
  }
  if (Array.isArray(d.secrets) && d.secrets.length > 0 && ctx.secretEnvironment === undefined) {
    return fail(`ResourceInitializationError: unable to pull secrets or registry auth: the secrets of container ${c.name} were not read before it was created`);
  }
  if (Array.isArray(d.environmentFiles) && d.environmentFiles.length > 0) {
    return fail(`ResourceInitializationError: resource cannot be initialized for task ${task.taskArn}: environmentFiles are not supported by this agent yet`);
  }
  // The agent makes the task's storage before its containers (volumes/task-storage.ts): a
  // container that has some and was given none is refused rather than run without it.
  const storage = (Array.isArray(d.mountPoints) && d.mountPoints.length > 0) || (Array.isArray(d.volumesFrom) && d.volumesFrom.length > 0) || d.readonlyRootFilesystem === true;
  if (storage && !ctx.volumes) {
    return fail(`CannotCreateContainerError: container ${c.name} has mountPoints, volumesFrom or a read-only root filesystem, and the task's storage was not made`);
  }
  const image = str(d.image);
  if (!image) return fail(`CannotCreateContainerError: container ${c.name} has no image`);

  // The region first: a definition's own AWS_REGION wins, as on Fargate.
  const environment: Record<string, string> = ctx.region ? { AWS_REGION: ctx.region, AWS_DEFAULT_REGION: ctx.region } : {};
  for (const e of Array.isArray(d.environment) ? (d.environment as Def[]) : []) {
    const name = str(e.name);
    if (name) environment[name] = str(e.value) ?? "";
  }
  Object.assign(environment, metadataEnvironment(ctx.metadataBaseUrl, ctx.metadataToken), credentialsEnvironment(ctx.credentials));

  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries((d.dockerLabels as Record<string, unknown> | undefined) ?? {})) {
    if (typeof v === "string") labels[k] = v;
  }
  Object.assign(labels, ecsLabels(task, c.name), { [AGENT_INSTANCE_LABEL]: ctx.instanceId });

  const inNamespace = networkMode === "bridge" && ctx.networkNamespace !== undefined;
  const portMappings = portMappingsOf(d, networkMode).map((m) => {
    if (!inNamespace) return m;
    // The host port the agent forwards to it (a dynamic one is picked when the namespace is made).
    const bound = ctx.hostPorts?.find((b) => b.containerName === c.name && b.containerPort === m.containerPort && b.protocol === (m.protocol ?? "tcp"));
    return bound ? { ...m, hostPort: bound.hostPort } : m;
  });

  const spec: ContainerSpec = {
    taskArn: task.taskArn,
    taskId: taskIdOf(task.taskArn),
    containerName: c.name,
    image,
    networkMode,
    environment,
    labels,
    stopTimeout: num(d.stopTimeout) ?? ctx.defaultStopTimeoutSeconds,
  };
  if ((networkMode === "awsvpc" || inNamespace) && ctx.networkNamespace) spec.networkNamespace = { ...ctx.networkNamespace };
  if (ctx.secretEnvironment && Object.keys(ctx.secretEnvironment).length) spec.secretEnvironment = { ...ctx.secretEnvironment };
  const entryPoint = strings(d.entryPoint);
  const command = strings(d.command);
  if (entryPoint?.length) spec.entryPoint = entryPoint;
  if (command?.length) spec.command = command;
  const workingDirectory = str(d.workingDirectory);
  if (workingDirectory) spec.workingDirectory = workingDirectory;
  const user = str(d.user);
  if (user) spec.user = user;
  const hostname = str(d.hostname);
  if (hostname) spec.hostname = hostname;
  const cpu = num(d.cpu);
  if (cpu) spec.cpu = cpu;
  const memory = num(d.memory);
  if (memory) spec.memory = memory;
  const memoryReservation = num(d.memoryReservation);
  if (memoryReservation) spec.memoryReservation = memoryReservation;
  if (portMappings.length) spec.portMappings = portMappings;
  if (Array.isArray(d.ulimits) && d.ulimits.length) spec.ulimits = d.ulimits as Ulimit[];
  const healthCheck = healthCheckOf(d);
  if (healthCheck) spec.healthCheck = healthCheck;
  if (ctx.volumes?.mounts.length) spec.mounts = ctx.volumes.mounts.map((m) => ({ ...m }));
  if (ctx.volumes?.readonlyRootFilesystem) spec.readonlyRootFilesystem = true;
  if (ctx.volumes && (spec.mounts || spec.readonlyRootFilesystem) && ctx.volumes.hiddenPaths.length) spec.hiddenPaths = [...ctx.volumes.hiddenPaths];
  return { ok: true, spec };
}

/** The definition's health check; `["NONE"]` (Docker's way to switch one off) counts as none. */
export function healthCheckOf(d: Record<string, unknown>): HealthCheckDefinition | undefined {
  const hc = d.healthCheck as Def | undefined;
  const command = strings(hc?.command);
  if (!hc || !command?.length || command[0] === "NONE") return undefined;
  const health: HealthCheckDefinition = { command };
  for (const k of ["interval", "timeout", "retries", "startPeriod"] as const) {
    const v = num(hc[k]);
    if (v !== undefined) health[k] = v;
  }
  return health;
}
