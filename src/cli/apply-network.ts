// What `berth apply` of a Kubernetes manifest adds so that the local agent can run it. The
// translator makes a pod's task definition awsvpc (a task with its own network interface, as a
// pod has its own IP), and a Kubernetes Deployment names no subnets, while ECS refuses an awsvpc
// service without them. apply gives such a service the default VPC's subnets (and its default
// security group, which ECS picks when none is named): on an agent that can make namespaces the
// task gets its own interface there; elsewhere the control plane runs it in bridge mode and says
// so on the task. Without default subnets (a server that answers no EC2), apply falls back to
// bridge mode for the task definition. Pure: documents in, documents and notes out.
import type { CreateServiceCommandInput, RegisterTaskDefinitionCommandInput } from "@aws-sdk/client-ecs";

export const LOCAL_NETWORK_MODE = "bridge" as const;

export interface Runnable {
  taskDefinitions: RegisterTaskDefinitionCommandInput[];
  services: CreateServiceCommandInput[];
  /** One line per document changed: what and why. */
  notes: string[];
}

export function runnableLocally(
  taskDefinitions: readonly RegisterTaskDefinitionCommandInput[],
  services: readonly CreateServiceCommandInput[],
  subnets: readonly string[],
): Runnable {
  const awsvpc = new Set(taskDefinitions.filter((td) => td.networkMode === "awsvpc").map((td) => td.family!));
  const notes: string[] = [];
  if (subnets.length > 0) {
    const svcs = services.map((svc) => {
      if (!svc.taskDefinition || !awsvpc.has(svc.taskDefinition) || svc.networkConfiguration) return svc;
      notes.push(`service/${svc.serviceName}: awsvpc with the default VPC's subnets (${subnets.join(", ")}), as no subnets were named`);
      return { ...svc, networkConfiguration: { awsvpcConfiguration: { subnets: [...subnets] } } };
    });
    return { taskDefinitions: [...taskDefinitions], services: svcs, notes };
  }
  const tds = taskDefinitions.map((td) => {
    if (td.networkMode !== "awsvpc") return td;
    notes.push(
      `taskdef/${td.family}: networkMode awsvpc → ${LOCAL_NETWORK_MODE}, because the server has no default VPC to give its tasks addresses in; ` +
        `'berth translate' shows the awsvpc form`,
    );
    // The translator writes no hostPort in awsvpc mode, so in bridge mode every port mapping is
    // dynamic: several tasks fit on one instance, as pods do on one node.
    return { ...td, networkMode: LOCAL_NETWORK_MODE };
  });
  const svcs = services.map((svc) => {
    if (!svc.taskDefinition || !awsvpc.has(svc.taskDefinition) || !svc.networkConfiguration) return svc;
    const { networkConfiguration: _n, ...rest } = svc;
    return rest;
  });
  return { taskDefinitions: tds, services: svcs, notes };
}
