// What `berth apply` of a Kubernetes manifest changes so that the local agent can run it today.
// The translator makes a pod's task definition awsvpc (a task with its own network interface, as
// a pod has its own IP), and `berth translate` shows that faithful form. berth's agent cannot give
// a task its own interface until task networking lands, so an awsvpc service would register and
// never run (CreateService even wants subnets). apply runs such a workload in bridge mode
// instead: Docker's bridge with a dynamic host port per container port, or on the process runtime
// the container port itself on the host. Pure: documents in, documents and notes out.
import type { CreateServiceCommandInput, RegisterTaskDefinitionCommandInput } from "@aws-sdk/client-ecs";

export const LOCAL_NETWORK_MODE = "bridge" as const;

export interface Runnable {
  taskDefinitions: RegisterTaskDefinitionCommandInput[];
  services: CreateServiceCommandInput[];
  /** One line per task definition changed: what and why. */
  notes: string[];
}

export function runnableLocally(taskDefinitions: readonly RegisterTaskDefinitionCommandInput[], services: readonly CreateServiceCommandInput[]): Runnable {
  const changed = new Set<string>();
  const notes: string[] = [];
  const tds = taskDefinitions.map((td) => {
    if (td.networkMode !== "awsvpc") return td;
    changed.add(td.family!);
    notes.push(
      `taskdef/${td.family}: networkMode awsvpc → ${LOCAL_NETWORK_MODE}, because berth's agent cannot give a task its own network interface yet; ` +
        `'berth translate' shows the awsvpc form`,
    );
    // The translator writes no hostPort in awsvpc mode, so in bridge mode every port mapping is
    // dynamic: several tasks fit on one instance, as pods do on one node.
    return { ...td, networkMode: LOCAL_NETWORK_MODE };
  });
  const svcs = services.map((svc) => {
    if (!svc.taskDefinition || !changed.has(svc.taskDefinition) || !svc.networkConfiguration) return svc;
    const { networkConfiguration: _n, ...rest } = svc;
    return rest;
  });
  return { taskDefinitions: tds, services: svcs, notes };
}
