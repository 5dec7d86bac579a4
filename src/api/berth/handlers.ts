// Handlers of berth's own operations.
import { serviceReconciler, services, type Deps } from "../../domain/index.js";
import { EcsError } from "../../model/index.js";
import type { AgentChannel } from "../agent-channel.js";
import type { Handler } from "../json-service.js";
import { validateRequestHandler } from "./validate-request.js";
import { getTaskLogsHandler } from "./task-logs.js";

export function berthHandlers(deps: Deps, agents: Pick<AgentChannel, "requestLogs">): Record<string, Handler> {
  return {
    /** Checks a request as an ECS operation would before writing, and writes nothing. */
    ValidateRequest: validateRequestHandler(),
    /** A page of a task's container logs, from the agent that keeps them (task-logs.ts). */
    GetTaskLogs: getTaskLogsHandler(deps, agents),
    /** The reconciler's decision log of one service, newest first: what ECS keeps hidden. */
    DescribeServiceDecisions: (ctx, input: { cluster?: string; service: string; maxResults?: number }) => {
      const found = services.describeServices(deps, ctx.scope, { cluster: input.cluster, services: [input.service] });
      const svc = found.services[0] as { serviceArn: string; serviceName: string; clusterArn: string } | undefined;
      if (!svc) throw new EcsError("ServiceNotFoundException", "Service not found.");
      const clusterName = svc.clusterArn.slice(svc.clusterArn.lastIndexOf("/") + 1);
      const log = serviceReconciler.readDecisionLog(deps, ctx.scope, clusterName, svc.serviceName);
      const entries = (log?.entries ?? []).slice(0, input.maxResults ?? 50);
      // Timestamps stay epoch milliseconds inside the documents; the wire has them as seconds.
      return { serviceArn: svc.serviceArn, decisions: entries.map((e) => ({ ...e, at: e.at / 1000 })) };
    },
  };
}
