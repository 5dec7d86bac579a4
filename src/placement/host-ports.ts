// Which host ports a task takes on an instance. Fixed host ports are the same everywhere; a
// dynamic mapping (hostPort 0) takes nothing where the runtime translates ports (docker; the
// process runtime where its agent gives bridge tasks namespaces), but where it cannot (the
// process runtime without root: attribute berth.runtime.port-translation=none) the
// container binds its containerPort on the host, so there that port is reserved like a fixed
// one — two such tasks on one instance would otherwise both bind it.
import { PORT_TRANSLATION_ATTRIBUTE, translatesPorts } from "../model/index.js";
import type { AttributeLookup } from "./query/index.js";

export interface HostPorts {
  readonly tcp: readonly number[];
  readonly udp: readonly number[];
}

export interface PortFootprint extends HostPorts {
  /**
   * The host ports on an instance without port translation: the fixed ones plus the dynamic
   * mappings' container ports, without duplicates. Absent when the task has no dynamic mapping.
   */
  readonly untranslated?: HostPorts;
}

/** The ports `task` reserves on an instance with these attributes. */
export function hostPortsOn(attributes: AttributeLookup, task: PortFootprint): HostPorts {
  if (task.untranslated === undefined) return task;
  return translatesPorts(attributes.get(PORT_TRANSLATION_ATTRIBUTE)) ? task : task.untranslated;
}

/** Said beside a port conflict that only exists because the instance cannot translate ports. */
export const UNTRANSLATED_NOTE = `; this instance's runtime binds container ports on the host (${PORT_TRANSLATION_ATTRIBUTE}=none), so a dynamic port mapping reserves its containerPort`;
