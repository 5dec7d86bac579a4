// Whether a container instance's runtime translates container ports to host ports. Docker's
// bridge does (a hostPort of 0 gets a free host port), as every ECS instance does; so does
// berth's process runtime where the agent can make network namespaces (root with iproute2): a
// bridge-mode task gets a namespace and its host ports are forwarded to it. Elsewhere (a
// non-root laptop) the process runtime does not: a container binds its containerPort on the host
// itself (bridge acts as host mode). The agent says which when it registers, in an attribute of
// berth's namespace, and placement then reserves a dynamic mapping's containerPort on an
// instance without translation as if it were a fixed host port (docs/design.md, "Runtimes").

/** The container-instance attribute a runtime sets: "none" (process without namespaces) or "nat" (docker, simulated, process with namespaces). */
export const PORT_TRANSLATION_ATTRIBUTE = "berth.runtime.port-translation";

/** Its value on an instance whose containers bind their containerPort on the host. */
export const NO_PORT_TRANSLATION = "none";

/** Its value on an instance that forwards a host port (dynamic or static) to each container port. */
export const PORT_TRANSLATION_NAT = "nat";

/**
 * Whether an instance with this attribute value maps a dynamic host port (0) to a free one.
 * Absent means yes: an instance that does not say (one registered through the API by another
 * client) behaves as ECS's do.
 */
export function translatesPorts(attributeValue: string | undefined): boolean {
  return attributeValue !== NO_PORT_TRANSLATION;
}
