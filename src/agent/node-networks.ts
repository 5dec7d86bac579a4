// Whether this agent can give awsvpc tasks their own namespace, and what it tells the control
// plane about it. It can when it runs as root with iproute2 and iptables (src/network says why
// not otherwise) on the process runtime with namespaces, or on docker; then it registers with ECS's attribute
// `ecs.capability.task-eni`, which the control plane requires before it places awsvpc tasks
// with an ENI on the instance. The docker runtime holds the namespace in a pause container.
import type { Logger } from "pino";
import { PORT_TRANSLATION_ATTRIBUTE, PORT_TRANSLATION_NAT } from "../model/index.js";
import { TaskNetworks, taskNetworkingUnavailable } from "../network/index.js";
import type { Attribute, RuntimeDriver, RuntimeName } from "../runtime/index.js";
import type { TaskNetworkPort } from "./task-network.js";

export const TASK_ENI_ATTRIBUTE = "ecs.capability.task-eni";

export interface NodeNetworks {
  networks?: TaskNetworkPort;
  /**
   * The process runtime with `networks`: bridge-mode tasks get a namespace each and forwarded
   * host ports, and the agent says it translates ports (berth.runtime.port-translation=nat),
   * so placement reserves no host port for a dynamic mapping, as on ECS.
   */
  bridgeNamespaces?: boolean;
  attributes: Attribute[];
  /** Why awsvpc tasks cannot get namespaces here, when they cannot. */
  unavailable?: string;
}

/** Pure: can this runtime join a namespace, given its attributes and whether it holds one (docker)? */
export function runtimeJoinsNamespaces(runtime: RuntimeName, attributes: readonly Attribute[], holds = false): string | undefined {
  if (runtime === "docker" && holds) return undefined;
  if (runtime !== "process") return `the ${runtime} runtime cannot run tasks in a namespace of berth's`;
  const isolation = attributes.find((a) => a.name === "berth.runtime.isolation")?.value;
  if (isolation !== "namespaces") return `the process runtime runs without namespaces here (isolation ${isolation ?? "unknown"})`;
  return undefined;
}

export async function nodeNetworks(driver: RuntimeDriver, attributes: readonly Attribute[], log: Logger, options: { bridgeNamespaces?: boolean } = {}): Promise<NodeNetworks> {
  const holds = driver.startNamespaceHolder !== undefined;
  const unavailable = runtimeJoinsNamespaces(driver.name, attributes, holds) ?? (await taskNetworkingUnavailable());
  if (unavailable) {
    log.info({ reason: unavailable }, "awsvpc tasks get no namespace on this instance (no ecs.capability.task-eni); bridge-mode tasks of the process runtime bind their container ports on the host");
    return { attributes: [], unavailable };
  }
  if (holds || options.bridgeNamespaces === false) return { networks: new TaskNetworks(), attributes: [{ name: TASK_ENI_ATTRIBUTE }] };
  // Listed after the runtime's own attributes, so this value wins at registration.
  return { networks: new TaskNetworks(), bridgeNamespaces: true, attributes: [{ name: TASK_ENI_ATTRIBUTE }, { name: PORT_TRANSLATION_ATTRIBUTE, value: PORT_TRANSLATION_NAT }] };
}
