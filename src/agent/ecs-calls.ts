// The ECS API as the agent uses it: signed JSON calls for the few it makes at start-up
// (RegisterContainerInstance, CreateCluster, DiscoverPollEndpoint), and the state changes
// report-plan.ts decides on, sent over the channel as the API inputs they stand for.
import { ECS_TARGET_PREFIX, jsonCall, JsonCallError, type JsonCallTarget } from "../client/index.js";
import type { StateChangeOperation } from "../model/index.js";
import type { ContainerReport, Report } from "./report-plan.js";
import { PermanentReportError } from "./task-reporter.js";

/** One ECS API call: the operation's JSON input in, its JSON output back. */
export type EcsCall = <T>(operation: string, input: object) => Promise<T>;

export function ecsCaller(target: JsonCallTarget): EcsCall {
  return (operation, input) => jsonCall(target, ECS_TARGET_PREFIX, operation, input);
}

export async function discoverEndpoint(call: EcsCall, cluster: string, containerInstanceArn: string): Promise<string> {
  const res = await call<{ endpoint?: string }>("DiscoverPollEndpoint", { cluster, containerInstance: containerInstanceArn });
  if (!res.endpoint) throw new Error("DiscoverPollEndpoint answered without an endpoint");
  return res.endpoint;
}

/** Epoch milliseconds → the wire's epoch seconds. */
const seconds = (ms: number | undefined) => (ms === undefined ? undefined : ms / 1000);

function bindings(c: ContainerReport) {
  return c.networkBindings?.map((b) => ({ bindIP: b.bindIP, containerPort: b.containerPort, hostPort: b.hostPort, protocol: b.protocol }));
}

/** Drops undefined members, as JSON.stringify would: the channel's input is compared as sent. */
function defined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/**
 * ECS's attachment ARN for the id the control plane assigned, in the task's partition, region
 * and account: `arn:aws:ecs:us-east-1:123456789012:attachment/<id>` (the control plane reads the
 * id back from the last segment).
 */
export function attachmentArn(taskArn: string, attachmentId: string): string {
  const prefix = taskArn.split(":").slice(0, 5).join(":");
  return `${prefix}:attachment/${attachmentId}`;
}

/** The API call a report stands for, with its JSON input. */
export function stateChangeOf(cluster: string, taskArn: string, report: Report): { operation: StateChangeOperation; input: Record<string, unknown> } {
  if (report.kind === "task") {
    return {
      operation: "SubmitTaskStateChange",
      input: defined({
        cluster,
        task: taskArn,
        status: report.status,
        reason: report.reason,
        containers: report.containers.map((c) =>
          defined({
            containerName: c.containerName,
            status: c.status,
            runtimeId: c.runtimeId,
            imageDigest: c.imageDigest,
            exitCode: c.exitCode,
            reason: c.reason,
            networkBindings: bindings(c),
          }),
        ),
        attachments: report.attachments?.map((a) => ({ attachmentArn: attachmentArn(taskArn, a.attachmentId), status: a.status })),
        pullStartedAt: seconds(report.pullStartedAt),
        pullStoppedAt: seconds(report.pullStoppedAt),
        executionStoppedAt: seconds(report.executionStoppedAt),
      }),
    };
  }
  const c = report.container;
  return {
    operation: "SubmitContainerStateChange",
    input: defined({
      cluster,
      task: taskArn,
      containerName: c.containerName,
      status: c.status,
      runtimeId: c.runtimeId,
      exitCode: c.exitCode,
      reason: c.reason,
      networkBindings: bindings(c),
    }),
  };
}

export interface StateChangeSender {
  stateChange(operation: StateChangeOperation, input: Record<string, unknown>): Promise<void>;
}

/** Sends one report; a refusal retrying cannot fix becomes PermanentReportError (never retried). */
export async function submitReport(channel: StateChangeSender, cluster: string, taskArn: string, report: Report): Promise<void> {
  const { operation, input } = stateChangeOf(cluster, taskArn, report);
  try {
    await channel.stateChange(operation, input);
  } catch (err) {
    if (err instanceof JsonCallError && err.permanent) throw new PermanentReportError(`${err.name}: ${err.message}`, { cause: err });
    throw err;
  }
}
