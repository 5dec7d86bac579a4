// Whether a container instance's runtime translates container ports to host ports. Docker's
// bridge does (a hostPort of 0 gets a free host port), as every ECS instance does; berth's
// process runtime does not: a container binds its containerPort on the host itself (bridge acts
// as host mode until tasks get network namespaces). The agent says so when it registers, in an
// attribute of berth's namespace, and placement then reserves a dynamic mapping's containerPort
// on that instance as if it were a fixed host port (docs/design.md, "Runtimes").

/** The container-instance attribute a runtime sets: "none" (process) or "nat" (docker, simulated). */
export const PORT_TRANSLATION_ATTRIBUTE = "berth.runtime.port-translation";

/** Its value on an instance whose containers bind their containerPort on the host. */
export const NO_PORT_TRANSLATION = "none";

/**
 * Whether an instance with this attribute value maps a dynamic host port (0) to a free one.
 * Absent means yes: an instance that does not say (one registered through the API by another
 * client) behaves as ECS's do.
 */
export function translatesPorts(attributeValue: string | undefined): boolean {
  return attributeValue !== NO_PORT_TRANSLATION;
}
