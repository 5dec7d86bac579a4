// Registering an ECS service's tasks in its Cloud Map service, decided purely: which tasks
// should be instances (RUNNING, not being stopped, and HEALTHY where a health check applies),
// with which attributes (as ECS sets them), and what to register or deregister given what
// Cloud Map holds now.

/** The serviceRegistries entry: at most one per ECS service. */
export interface Registry {
  registryArn: string;
  port?: number;
  containerName?: string;
  containerPort?: number;
}

/** What the decision needs of a task. */
export interface RegistrationTask {
  id: string;
  lastStatus: string;
  desiredStatus: string;
  healthStatus: string;
  /** Some essential container has a health check: then only HEALTHY tasks are registered. */
  hasHealthCheck: boolean;
  networkMode: string;
  /** The ENI's private address of an awsvpc task, once it has one. */
  eniAddress?: string;
  family: string;
  availabilityZone?: string;
  /** Host ports of the task's containers (bridge/host), once the agent has reported them. */
  bindings: { containerName: string; containerPort?: number; hostPort?: number }[];
}

export interface RegistrationContext {
  clusterName: string;
  serviceName: string;
  region: string;
  /** The Cloud Map service has an SRV record: instances need AWS_INSTANCE_PORT. */
  needsPort: boolean;
}

/** An address for tasks without an ENI: berth's bridge and host tasks are reachable on the host's loopback. */
export const HOST_ADDRESS = "127.0.0.1";

/**
 * The port an instance advertises, or undefined when it is not known (yet). A task with an ENI
 * is reached at its own address, so on the container port; any other task (bridge, host, and
 * awsvpc run as bridge where the instance cannot make namespaces) on the host port bound to it.
 */
export function registeredPort(task: RegistrationTask, registry: Registry): number | undefined {
  const port = registry.containerPort ?? registry.port;
  if (port === undefined) return undefined;
  if (task.eniAddress) return port;
  const binding = task.bindings.find((b) => (registry.containerName === undefined || b.containerName === registry.containerName) && b.containerPort === port && b.hostPort);
  if (binding) return binding.hostPort;
  return task.networkMode === "host" ? port : undefined;
}

/** The instance attributes ECS registers for a task, or undefined while the task should not be registered. */
export function instanceAttributes(task: RegistrationTask, registry: Registry, ctx: RegistrationContext): Record<string, string> | undefined {
  if (task.lastStatus !== "RUNNING" || task.desiredStatus !== "RUNNING") return undefined;
  if (task.hasHealthCheck && task.healthStatus !== "HEALTHY") return undefined;
  const port = registeredPort(task, registry);
  if (ctx.needsPort && port === undefined) return undefined;
  return {
    AWS_INSTANCE_IPV4: task.eniAddress ?? HOST_ADDRESS,
    ...(port !== undefined ? { AWS_INSTANCE_PORT: String(port) } : {}),
    ...(task.availabilityZone ? { AVAILABILITY_ZONE: task.availabilityZone } : {}),
    REGION: ctx.region,
    ECS_CLUSTER_NAME: ctx.clusterName,
    ECS_SERVICE_NAME: ctx.serviceName,
    ECS_TASK_DEFINITION_FAMILY: task.family,
  };
}

export interface Registered {
  /** The Cloud Map service the instance is in. */
  serviceId: string;
  instanceId: string;
  attributes: Record<string, string>;
}

export interface RegistrationActions {
  register: Registered[];
  deregister: { serviceId: string; instanceId: string }[];
}

const same = (a: Record<string, string>, b: Record<string, string>) =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, v]) => b[k] === v);

/**
 * `desired`: the instances the service's tasks should be now (in the registry's Cloud Map
 * service); `registered`: the instances this ECS service owns in any Cloud Map service. The
 * instance id is the task id. Registering again is an upsert, so a changed attribute (a host
 * port learned late) is one register.
 */
export function decideRegistrations(desired: readonly Registered[], registered: readonly Registered[]): RegistrationActions {
  const keyOf = (r: { serviceId: string; instanceId: string }) => `${r.serviceId}/${r.instanceId}`;
  const wanted = new Map(desired.map((d) => [keyOf(d), d]));
  const have = new Map(registered.map((r) => [keyOf(r), r]));
  return {
    register: desired.filter((d) => {
      const h = have.get(keyOf(d));
      return !h || !same(h.attributes, d.attributes);
    }),
    deregister: registered.filter((r) => !wanted.has(keyOf(r))).map(({ serviceId, instanceId }) => ({ serviceId, instanceId })),
  };
}
