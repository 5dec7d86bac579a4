// The wire between a node agent and the control plane, shared by both sides (the agent never
// imports the control plane; this file is all they agree on besides the ECS API itself).
//
// Like ECS's ACS, the agent asks DiscoverPollEndpoint where to connect, then opens a websocket:
//   GET <endpoint>ws?clusterArn=<arn>&containerInstanceArn=<arn>
// The control plane pushes the tasks assigned to that instance; the agent acknowledges every
// message and reports transitions through the ECS API (SubmitTaskStateChange,
// SubmitContainerStateChange). Container health goes over the socket, as the ECS agent sends it
// over its telemetry channel (the ECS API's state-change calls have no health field).
//
// All timestamps in these messages are epoch milliseconds.

/** The path under the API's base URL that DiscoverPollEndpoint answers with. */
export const AGENT_CHANNEL_PATH = "/_berth/acs/";

/** How often the control plane sends a heartbeat; the agent reconnects after missing three. */
export const DEFAULT_HEARTBEAT_MS = 10_000;

/** A container as the agent must run it: the definition after the task's overrides. */
export interface AssignedContainer {
  name: string;
  containerArn: string;
  /** The container definition from the task definition, with overrides applied. */
  definition: Record<string, unknown>;
}

export interface AssignedTask {
  taskArn: string;
  clusterArn: string;
  taskDefinitionArn: string;
  family: string;
  revision: number;
  /** RUNNING or STOPPED: what the control plane wants. */
  desiredStatus: string;
  /** The control plane's view of the task's status, for the agent's reconciliation. */
  lastStatus: string;
  /** Present once desiredStatus is STOPPED: why, for the agent's logs. */
  stoppedReason?: string;
  networkMode: string;
  /** Task-level cpu units and memory MiB (strings as in ECS), when set. */
  cpu?: string;
  memory?: string;
  taskRoleArn?: string;
  executionRoleArn?: string;
  containers: AssignedContainer[];
  /** The task definition's volumes. */
  volumes: Record<string, unknown>[];
  /** Increases with every change the control plane makes to the task. */
  version: number;
}

export type ServerMessage =
  /** `full` lists every task assigned to the instance: tasks it omits are not the agent's anymore. */
  | { type: "TaskManifest"; messageId: string; full: boolean; tasks: AssignedTask[] }
  | { type: "Heartbeat"; messageId: string };

export interface ContainerHealthReport {
  taskArn: string;
  containers: { containerName: string; healthStatus: "HEALTHY" | "UNHEALTHY" | "UNKNOWN" }[];
}

export type AgentMessage =
  | { type: "Ack"; messageId: string }
  | { type: "ContainerHealth"; reports: ContainerHealthReport[] };
