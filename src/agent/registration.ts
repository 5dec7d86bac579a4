// RegisterContainerInstance as the ECS agent calls it (ecs-behavior.md §11.1): the request is
// built purely from host facts and configuration; registerInstance() sends it, re-registering
// with the persisted ARN, and checks that every attribute it sent came back.
// Only the SDK's types are used: the call goes through ecs-calls.ts, without the SDK's runtime.
import type { Attribute, ContainerInstance, RegisterContainerInstanceCommandInput, Resource } from "@aws-sdk/client-ecs";
import type { Logger } from "pino";
import type { EcsCall } from "./ecs-calls.js";

/** ECS_RESERVED_PORTS' default: ssh, Docker's API, the ECS agent's introspection and credentials ports. */
export const RESERVED_PORTS = [22, 2375, 2376, 51678, 51679];

export const AGENT_VERSION = "0.1.0";

export interface HostFacts {
  /** What the runtime offers: cpu units (vCPUs × 1024) and MiB. */
  cpu: number;
  memoryMiB: number;
  /** process.platform and process.arch. */
  platform: string;
  arch: string;
}

export interface RegistrationConfig {
  cluster: string;
  instanceId: string;
  region: string;
  availabilityZone: string;
  instanceType: string;
  /** --cpu / --memory: override what the host offers. */
  cpu?: number;
  memoryMiB?: number;
  metadataPort: number;
  /** The runtime's capability attributes, then custom --attribute ones. */
  runtimeAttributes: Attribute[];
  customAttributes: Attribute[];
  runtimeName: string;
  dockerVersion?: string;
  containerInstanceArn?: string;
}

/**
 * Memory kept back for the host and the agent: 10 % up to 256 MiB (a 1 GiB host keeps 102 MiB,
 * anything from 2.5 GiB up keeps 256 MiB). ECS_RESERVED_MEMORY defaults to 0; berth runs beside
 * other work on laptops, so it keeps a little.
 */
export function reservedMemoryMiB(totalMiB: number): number {
  return Math.min(256, Math.floor(totalMiB / 10));
}

export function osType(platform: string): string {
  return platform === "win32" ? "windows" : "linux";
}

export function cpuArchitecture(arch: string): string {
  if (arch === "x64") return "x86_64";
  if (arch === "arm64") return "arm64";
  return arch;
}

/** The EC2-style identity document the agent registers with; instanceId keeps it the same host. */
export function identityDocument(config: RegistrationConfig, host: HostFacts): string {
  return JSON.stringify({
    instanceId: config.instanceId,
    region: config.region,
    availabilityZone: config.availabilityZone,
    instanceType: config.instanceType,
    architecture: cpuArchitecture(host.arch),
  });
}

export function registrationRequest(config: RegistrationConfig, host: HostFacts): RegisterContainerInstanceCommandInput {
  const cpu = config.cpu ?? host.cpu;
  const memory = config.memoryMiB ?? host.memoryMiB - reservedMemoryMiB(host.memoryMiB);
  const ports = [...new Set([...RESERVED_PORTS, config.metadataPort])].map(String);
  const totalResources: Resource[] = [
    { name: "CPU", type: "INTEGER", integerValue: cpu },
    { name: "MEMORY", type: "INTEGER", integerValue: memory },
    { name: "PORTS", type: "STRINGSET", stringSetValue: ports },
    { name: "PORTS_UDP", type: "STRINGSET", stringSetValue: [] },
  ];
  const builtIn: Attribute[] = [
    { name: "ecs.os-type", value: osType(host.platform) },
    { name: "ecs.os-family", value: host.platform === "win32" ? "WINDOWS" : "LINUX" },
    { name: "ecs.cpu-architecture", value: cpuArchitecture(host.arch) },
    { name: "ecs.availability-zone", value: config.availabilityZone },
    { name: "ecs.instance-type", value: config.instanceType },
    // The agent honours dependsOn (task-transitions.ts).
    { name: "ecs.capability.container-ordering" },
    // ... and restartPolicy (restart-policy.ts), whatever the runtime.
    { name: "ecs.capability.container-restart-policy" },
    // Task roles through the credentials endpoint (credentials-endpoint.ts), host mode included,
    // and secrets read with the execution role (secrets-resolver.ts): what task definitions
    // using them require (task-definition-rules.ts).
    { name: "com.amazonaws.ecs.capability.task-iam-role" },
    { name: "com.amazonaws.ecs.capability.task-iam-role-network-host" },
    { name: "ecs.capability.secrets.asm.environment-variables" },
    { name: "ecs.capability.secrets.ssm.environment-variables" },
    // The awslogs driver (awslogs/), with the execution role's credentials, on every runtime.
    { name: "com.amazonaws.ecs.capability.logging-driver.awslogs" },
    { name: "ecs.capability.execution-role-awslogs" },
  ];
  const attributes = new Map<string, Attribute>();
  for (const a of [...builtIn, ...config.runtimeAttributes, ...config.customAttributes]) attributes.set(a.name!, a);
  return {
    cluster: config.cluster,
    instanceIdentityDocument: identityDocument(config, host),
    totalResources,
    versionInfo: {
      agentVersion: AGENT_VERSION,
      agentHash: `berth-${config.runtimeName}`,
      ...(config.dockerVersion ? { dockerVersion: `DockerVersion: ${config.dockerVersion}` } : {}),
    },
    attributes: [...attributes.values()],
    ...(config.containerInstanceArn ? { containerInstanceArn: config.containerInstanceArn } : {}),
  };
}

export interface Registered {
  containerInstanceArn: string;
  clusterArn: string;
}

/**
 * Registers (or re-registers) the instance. A persisted ARN the control plane no longer knows
 * (its data was reset, or the instance was deregistered) is dropped and the agent registers
 * anew; the default cluster is created when missing, as the ECS agent does.
 */
export async function registerInstance(call: EcsCall, config: RegistrationConfig, host: HostFacts, log: Logger): Promise<Registered> {
  const send = (c: RegistrationConfig) =>
    call<{ containerInstance?: Pick<ContainerInstance, "containerInstanceArn" | "attributes"> }>("RegisterContainerInstance", registrationRequest(c, host));
  let res;
  try {
    res = await send(config);
  } catch (err) {
    const name = (err as Error).name;
    if (name === "ClusterNotFoundException" && config.cluster === "default") {
      log.info("creating the default cluster");
      await call("CreateCluster", { clusterName: "default" });
      res = await send(config);
    } else if (config.containerInstanceArn && name === "InvalidParameterException") {
      log.warn({ err: (err as Error).message, arn: config.containerInstanceArn }, "the control plane does not know this instance's ARN; registering anew");
      const { containerInstanceArn: _drop, ...fresh } = config;
      res = await send(fresh);
    } else {
      throw err;
    }
  }
  const ci = res.containerInstance;
  if (!ci?.containerInstanceArn) throw new Error("RegisterContainerInstance answered without a containerInstanceArn");
  const returned = new Set((ci.attributes ?? []).map((a) => a.name));
  const missing = (registrationRequest(config, host).attributes ?? []).filter((a) => !returned.has(a.name));
  if (missing.length) {
    throw new Error(`Attribute validation failed: the control plane did not keep ${missing.map((a) => a.name).join(", ")}`);
  }
  const arn = ci.containerInstanceArn;
  const clusterArn = arn.replace(/:container-instance\/([^/]+)\/[^/]+$/, ":cluster/$1");
  return { containerInstanceArn: arn, clusterArn };
}
