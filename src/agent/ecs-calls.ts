// The ECS API calls the agent makes besides registration, through the official SDK as the ECS
// agent does: DiscoverPollEndpoint, and the state changes report-plan.ts decides on.
import {
  DiscoverPollEndpointCommand,
  type ECSClient,
  SubmitContainerStateChangeCommand,
  SubmitTaskStateChangeCommand,
} from "@aws-sdk/client-ecs";
import type { ContainerReport, Report } from "./report-plan.js";
import { PermanentReportError } from "./task-reporter.js";

export async function discoverEndpoint(ecs: ECSClient, cluster: string, containerInstanceArn: string): Promise<string> {
  const res = await ecs.send(new DiscoverPollEndpointCommand({ cluster, containerInstance: containerInstanceArn }));
  if (!res.endpoint) throw new Error("DiscoverPollEndpoint answered without an endpoint");
  return res.endpoint;
}

const date = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms));

function bindings(c: ContainerReport) {
  return c.networkBindings?.map((b) => ({ bindIP: b.bindIP, containerPort: b.containerPort, hostPort: b.hostPort, protocol: b.protocol }));
}

/** Sends one report; a 4xx other than throttling becomes PermanentReportError (never retried). */
export async function submitReport(ecs: ECSClient, cluster: string, taskArn: string, report: Report): Promise<void> {
  try {
    if (report.kind === "task") {
      await ecs.send(
        new SubmitTaskStateChangeCommand({
          cluster,
          task: taskArn,
          status: report.status,
          reason: report.reason,
          containers: report.containers.map((c) => ({
            containerName: c.containerName,
            status: c.status,
            runtimeId: c.runtimeId,
            imageDigest: c.imageDigest,
            exitCode: c.exitCode,
            reason: c.reason,
            networkBindings: bindings(c),
          })),
          pullStartedAt: date(report.pullStartedAt),
          pullStoppedAt: date(report.pullStoppedAt),
          executionStoppedAt: date(report.executionStoppedAt),
        }),
      );
    } else {
      const c = report.container;
      await ecs.send(
        new SubmitContainerStateChangeCommand({
          cluster,
          task: taskArn,
          containerName: c.containerName,
          status: c.status,
          runtimeId: c.runtimeId,
          exitCode: c.exitCode,
          reason: c.reason,
          networkBindings: bindings(c),
        }),
      );
    }
  } catch (err) {
    const e = err as Error & { $metadata?: { httpStatusCode?: number } };
    const status = e.$metadata?.httpStatusCode;
    if (status !== undefined && status >= 400 && status < 500 && status !== 429 && !/Throttl/.test(e.name)) {
      throw new PermanentReportError(`${e.name}: ${e.message}`, { cause: err });
    }
    throw err;
  }
}
