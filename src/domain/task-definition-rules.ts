// RegisterTaskDefinition's rules as ECS applies them (ecs-behavior.md §1.3, §7.2): pure checks
// that either throw ClientException naming the field, or return the definition as ECS stores
// it, with its defaults filled in and its derived fields (compatibilities, requiresAttributes).
import type { ContainerDefinition, RegisterTaskDefinitionRequest } from "@aws-sdk/client-ecs";
import { clientError, invalidParameter, NAME_PATTERN } from "../model/index.js";
import { parseQuery, QueryParseError, validFargateSize } from "../placement/index.js";
import { checkContainerStorage, normalizeVolumes } from "./task-definition-volumes.js";

const MAX_CONTAINERS = 10;
const MAX_DEFINITION_BYTES = 64 * 1024;
const MAX_CONSTRAINTS = 10;

export type Definition = Omit<RegisterTaskDefinitionRequest, "tags">;

/** "1 vCPU" / "1024" → "1024"; undefined stays undefined. */
export function parseTaskCpu(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(vcpu)?\s*$/i.exec(value);
  if (!m) throw clientError(`Invalid 'cpu' value '${value.slice(0, 50)}': use CPU units such as '1024' or vCPUs such as '1 vCPU'.`);
  const units = m[2] ? Number(m[1]) * 1024 : Number(m[1]);
  if (!Number.isInteger(units)) throw clientError(`Invalid 'cpu' value '${value}': it must come to a whole number of CPU units.`);
  if (units < 128 || units > 196608) throw clientError(`Invalid 'cpu' value '${value}': task CPU must be between 128 and 196608 units.`);
  return String(units);
}

/** "2GB" / "2048" → "2048" (MiB). */
export function parseTaskMemory(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(gb)?\s*$/i.exec(value);
  if (!m) throw clientError(`Invalid 'memory' value '${value.slice(0, 50)}': use MiB such as '2048' or GB such as '2 GB'.`);
  const mib = m[2] ? Number(m[1]) * 1024 : Number(m[1]);
  if (!Number.isInteger(mib) || mib < 6) throw clientError(`Invalid 'memory' value '${value}': task memory must be a whole number of MiB, at least 6.`);
  return String(mib);
}

export function normalizeDefinition(input: Definition): Definition & { compatibilities: string[]; requiresAttributes: { name: string }[] } {
  const family = input.family ?? "";
  if (!NAME_PATTERN.test(family)) {
    throw clientError(`Family '${family.slice(0, 300)}' is invalid: use 1-255 letters, numbers, hyphens and underscores.`);
  }
  if (Buffer.byteLength(JSON.stringify(input)) > MAX_DEFINITION_BYTES) {
    throw clientError(`Task definition is larger than the maximum of ${MAX_DEFINITION_BYTES} bytes.`);
  }
  const containers = input.containerDefinitions ?? [];
  if (containers.length === 0) throw clientError("Task definition must have at least one container definition.");
  if (containers.length > MAX_CONTAINERS) throw clientError(`Task definition has ${containers.length} containers; at most ${MAX_CONTAINERS} are allowed.`);

  const networkMode = input.networkMode;
  const requires = input.requiresCompatibilities ?? [];
  const fargate = requires.includes("FARGATE");
  const cpu = parseTaskCpu(input.cpu);
  const memory = parseTaskMemory(input.memory);
  if (fargate) {
    if (networkMode !== "awsvpc") throw clientError("Fargate only supports network mode 'awsvpc'.");
    if (!cpu || !memory) throw clientError("Fargate requires task definition to have 'cpu' and 'memory' specified.");
    if (!validFargateSize(Number(cpu), Number(memory))) throw clientError("No Fargate configuration exists for given values.");
    if (input.pidMode !== undefined && input.pidMode !== "task") {
      throw clientError(`Tasks using the Fargate launch type do not support pidMode '${input.pidMode}'. The supported value for pidMode is 'task'.`);
    }
  }

  const { volumes, names: volumeNames } = normalizeVolumes(input.volumes ?? [], { fargate });

  const names = new Set<string>();
  for (const c of containers) {
    if (!c.name) throw clientError("Container.name should not be null or empty.");
    if (!NAME_PATTERN.test(c.name)) throw clientError(`Container name '${c.name.slice(0, 300)}' is invalid: use 1-255 letters, numbers, hyphens and underscores.`);
    if (names.has(c.name)) throw clientError(`Duplicate container name '${c.name}': container names must be unique within a task definition.`);
    names.add(c.name);
  }
  const normalized = containers.map((c) => normalizeContainer(c, { networkMode, taskMemory: memory, volumeNames, containerNames: names, fargate }));
  if (!normalized.some((c) => c.essential)) throw clientError("A task definition must have at least one essential container.");
  // Secrets are read with the execution role (ECS's own text).
  if (!input.executionRoleArn && normalized.some((c) => (c.secrets?.length ?? 0) > 0)) {
    throw clientError("When you are specifying container secrets, you must also specify a value for 'executionRoleArn'.");
  }

  if (cpu) {
    const sum = normalized.reduce((s, c) => s + (c.cpu ?? 0), 0);
    if (sum > Number(cpu)) throw clientError(`The containers' cpu (${sum}) adds up to more than the task's cpu (${cpu}).`);
  }
  if (memory) {
    for (const c of normalized) {
      if ((c.memory ?? 0) > Number(memory)) throw clientError(`Container '${c.name}' memory (${c.memory}) is more than the task's memory (${memory}).`);
    }
    const reserved = normalized.reduce((s, c) => s + (c.memoryReservation ?? c.memory ?? 0), 0);
    if (reserved > Number(memory)) throw clientError(`The containers' memory reservations (${reserved}) add up to more than the task's memory (${memory}).`);
  }

  const constraints = input.placementConstraints ?? [];
  if (constraints.length > MAX_CONSTRAINTS) throw clientError(`At most ${MAX_CONSTRAINTS} placement constraints are allowed, found ${constraints.length}.`);
  for (const [i, pc] of constraints.entries()) {
    if (pc.type !== "memberOf") throw clientError(`Invalid 'placementConstraints[${i}].type': task definitions only allow memberOf constraints, found '${pc.type}'.`);
    if (!pc.expression) throw clientError(`Invalid 'placementConstraints[${i}].expression': a memberOf constraint needs an expression.`);
    try {
      parseQuery(pc.expression);
    } catch (err) {
      if (err instanceof QueryParseError) throw clientError(`Invalid 'placementConstraints[${i}].expression': ${err.message}`);
      throw err;
    }
  }
  if (input.ephemeralStorage && (input.ephemeralStorage.sizeInGiB! < 21 || input.ephemeralStorage.sizeInGiB! > 200)) {
    throw clientError(`Invalid 'ephemeralStorage.sizeInGiB' ${input.ephemeralStorage.sizeInGiB}: it must be between 21 and 200.`);
  }

  const out: Definition = {
    family,
    containerDefinitions: normalized,
    volumes,
    placementConstraints: constraints,
    ...(input.taskRoleArn ? { taskRoleArn: input.taskRoleArn } : {}),
    ...(input.executionRoleArn ? { executionRoleArn: input.executionRoleArn } : {}),
    ...(networkMode ? { networkMode } : {}),
    ...(requires.length ? { requiresCompatibilities: requires } : {}),
    ...(cpu ? { cpu } : {}),
    ...(memory ? { memory } : {}),
    ...(input.pidMode ? { pidMode: input.pidMode } : {}),
    ...(input.ipcMode ? { ipcMode: input.ipcMode } : {}),
    ...(input.proxyConfiguration ? { proxyConfiguration: input.proxyConfiguration } : {}),
    ...(input.inferenceAccelerators ? { inferenceAccelerators: input.inferenceAccelerators } : {}),
    ...(input.ephemeralStorage ? { ephemeralStorage: input.ephemeralStorage } : {}),
    ...(input.runtimePlatform ? { runtimePlatform: input.runtimePlatform } : {}),
    ...(input.enableFaultInjection !== undefined ? { enableFaultInjection: input.enableFaultInjection } : {}),
  };
  return { ...out, compatibilities: compatibilitiesOf(out), requiresAttributes: requiredAttributesOf(out) };
}

interface ContainerContext {
  networkMode: string | undefined;
  taskMemory: string | undefined;
  volumeNames: Set<string>;
  containerNames: Set<string>;
  fargate: boolean;
}

function normalizeContainer(c: ContainerDefinition, ctx: ContainerContext): ContainerDefinition {
  const name = c.name!;
  const bad = (what: string) => clientError(`Invalid setting for container '${name}'. ${what}`);
  if (!c.image) throw clientError("Container.image should not be null or empty.");
  if (c.image.replace(/@sha256:[0-9a-f]{64}$/, "").length > 255) throw bad("'image' is longer than 255 characters.");
  if (!ctx.taskMemory && c.memory === undefined && c.memoryReservation === undefined) {
    throw bad("At least one of 'memory' or 'memoryReservation' must be specified.");
  }
  if (c.memory !== undefined && c.memory < 6) throw bad(`'memory' must be at least 6 MiB, found ${c.memory}.`);
  if (c.memoryReservation !== undefined && c.memoryReservation < 6) throw bad(`'memoryReservation' must be at least 6 MiB, found ${c.memoryReservation}.`);
  if (c.memory !== undefined && c.memoryReservation !== undefined && c.memory <= c.memoryReservation) {
    throw bad(`'memory' (${c.memory}) must be greater than 'memoryReservation' (${c.memoryReservation}).`);
  }
  if (c.cpu !== undefined && (c.cpu < 0 || c.cpu > 196608)) throw bad(`'cpu' must be between 0 and 196608 units, found ${c.cpu}.`);
  if (c.links?.length && ctx.networkMode !== undefined && ctx.networkMode !== "bridge") {
    throw bad("'links' are only supported in the bridge network mode.");
  }
  if (c.stopTimeout !== undefined && (c.stopTimeout < 0 || c.stopTimeout > 120)) {
    throw bad(`'stopTimeout' must be between 0 and 120 seconds, found ${c.stopTimeout}.`);
  }
  if (c.startTimeout !== undefined && c.startTimeout < 0) throw bad(`'startTimeout' must not be negative, found ${c.startTimeout}.`);
  checkContainerStorage(c, ctx, bad);
  for (const [i, d] of (c.dependsOn ?? []).entries()) {
    if (!d.containerName || !ctx.containerNames.has(d.containerName)) {
      throw bad(`'dependsOn[${i}].containerName' '${d.containerName ?? ""}' is not a container of this task definition.`);
    }
    if (d.containerName === name) throw bad(`'dependsOn[${i}]' refers to the container itself.`);
  }
  if (c.environmentFiles && c.environmentFiles.length > 10) throw bad(`at most 10 'environmentFiles' are allowed, found ${c.environmentFiles.length}.`);
  if (c.restartPolicy) checkRestartPolicy(c.restartPolicy, bad);
  const healthCheck = c.healthCheck ? normalizeHealthCheck(c.healthCheck, bad) : undefined;
  return {
    ...c,
    cpu: c.cpu ?? 0,
    essential: c.essential ?? true,
    portMappings: (c.portMappings ?? []).map((pm, i) => normalizePortMapping(pm, i, ctx.networkMode, bad)),
    environment: c.environment ?? [],
    mountPoints: c.mountPoints ?? [],
    volumesFrom: c.volumesFrom ?? [],
    ...(healthCheck ? { healthCheck } : {}),
  };
}

function normalizePortMapping(
  pm: NonNullable<ContainerDefinition["portMappings"]>[number],
  i: number,
  networkMode: string | undefined,
  bad: (what: string) => Error,
) {
  const protocol = pm.protocol ?? "tcp";
  if (pm.containerPort === undefined && !pm.containerPortRange) throw bad(`'portMappings[${i}]' needs a containerPort.`);
  const port = pm.containerPort;
  if (port !== undefined && (port < 1 || port > 65535)) throw bad(`'portMappings[${i}].containerPort' ${port} is not between 1 and 65535.`);
  if (pm.hostPort !== undefined && (pm.hostPort < 0 || pm.hostPort > 65535)) throw bad(`'portMappings[${i}].hostPort' ${pm.hostPort} is not between 0 and 65535.`);
  // In awsvpc and host modes the container owns the host's (or its ENI's) port: they are equal.
  if (networkMode === "awsvpc" || networkMode === "host") {
    if (pm.hostPort !== undefined && pm.hostPort !== port) {
      throw bad(`'portMappings[${i}].hostPort' must equal containerPort (${port}) in the ${networkMode} network mode, found ${pm.hostPort}.`);
    }
    return { ...pm, protocol, ...(port !== undefined ? { hostPort: port } : {}) };
  }
  return { ...pm, protocol, ...(port !== undefined ? { hostPort: pm.hostPort ?? 0 } : {}) };
}

/** ECS's bounds (API_ContainerRestartPolicy): at most 50 ignored codes, a period of 60-1800 s. */
function checkRestartPolicy(p: NonNullable<ContainerDefinition["restartPolicy"]>, bad: (what: string) => Error): void {
  if (typeof p.enabled !== "boolean") throw bad("'restartPolicy.enabled' must be true or false.");
  const codes = p.ignoredExitCodes ?? [];
  if (codes.length > 50) throw bad(`'restartPolicy.ignoredExitCodes' may list at most 50 exit codes, found ${codes.length}.`);
  const period = p.restartAttemptPeriod;
  if (period !== undefined && (period < 60 || period > 1800)) {
    throw bad(`'restartPolicy.restartAttemptPeriod' must be between 60 and 1800 seconds, found ${period}.`);
  }
}

function normalizeHealthCheck(h: NonNullable<ContainerDefinition["healthCheck"]>, bad: (what: string) => Error) {
  const [kind] = h.command ?? [];
  if (!h.command?.length || (kind !== "CMD" && kind !== "CMD-SHELL" && kind !== "NONE")) {
    throw bad("'healthCheck.command' must start with CMD, CMD-SHELL or NONE.");
  }
  const range = (field: string, v: number | undefined, lo: number, hi: number, dflt: number) => {
    if (v === undefined) return dflt;
    if (v < lo || v > hi) throw bad(`'healthCheck.${field}' must be between ${lo} and ${hi}, found ${v}.`);
    return v;
  };
  return {
    command: h.command,
    interval: range("interval", h.interval, 5, 300, 30),
    timeout: range("timeout", h.timeout, 2, 60, 5),
    retries: range("retries", h.retries, 1, 10, 3),
    ...(h.startPeriod !== undefined ? { startPeriod: range("startPeriod", h.startPeriod, 0, 300, 0) } : {}),
  };
}

/**
 * Launch types the definition can run on, in ECS's order: EXTERNAL (ECS Anywhere runs bridge,
 * host and none, not awsvpc) and EC2 always, Fargate when it fits.
 */
function compatibilitiesOf(d: Definition): string[] {
  const out = d.networkMode !== "awsvpc" || d.requiresCompatibilities?.includes("EXTERNAL") ? ["EXTERNAL", "EC2"] : ["EC2"];
  const fargateOk =
    d.networkMode === "awsvpc" && !!d.cpu && !!d.memory && validFargateSize(Number(d.cpu), Number(d.memory)) &&
    !(d.containerDefinitions ?? []).some((c) => c.links?.length || c.privileged);
  if (fargateOk) out.push("FARGATE");
  if (d.requiresCompatibilities?.includes("MANAGED_INSTANCES")) out.push("MANAGED_INSTANCES");
  return out;
}

/** The agent capabilities the definition needs, as ECS derives them from the features used. */
function requiredAttributesOf(d: Definition): { name: string }[] {
  const names = new Set<string>();
  const containers = d.containerDefinitions ?? [];
  if (d.taskRoleArn) names.add("com.amazonaws.ecs.capability.task-iam-role");
  if (d.networkMode === "awsvpc") names.add("ecs.capability.task-eni");
  for (const c of containers) {
    const driver = c.logConfiguration?.logDriver;
    if (driver) names.add(`com.amazonaws.ecs.capability.logging-driver.${driver}`);
    if (driver === "awslogs" && d.executionRoleArn) names.add("ecs.capability.execution-role-awslogs");
    if (c.healthCheck) names.add("ecs.capability.container-health-check");
    if (c.dependsOn?.length) names.add("ecs.capability.container-ordering");
    if (c.restartPolicy?.enabled) names.add("ecs.capability.container-restart-policy");
    for (const s of c.secrets ?? []) {
      names.add(s.valueFrom?.includes(":secretsmanager:") ? "ecs.capability.secrets.asm.environment-variables" : "ecs.capability.secrets.ssm.environment-variables");
    }
    if (c.environmentFiles?.length) names.add("ecs.capability.env-files.s3");
    if (c.dockerLabels && Object.keys(c.dockerLabels).length) names.add("com.amazonaws.ecs.capability.docker-remote-api.1.18");
  }
  return [...names].sort().map((name) => ({ name }));
}

export function assertStatusFilter(status: string | undefined): void {
  if (status !== undefined && !["ACTIVE", "INACTIVE", "DELETE_IN_PROGRESS"].includes(status)) {
    throw invalidParameter(`Invalid parameter 'status': '${status}' must be ACTIVE, INACTIVE or DELETE_IN_PROGRESS.`);
  }
}
