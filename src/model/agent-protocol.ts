// The wire between a node agent and the control plane, shared by both sides (the agent never
// imports the control plane; this file is all they agree on besides the ECS API itself).
//
// Like ECS's ACS, the agent asks DiscoverPollEndpoint where to connect, then opens a websocket:
//   GET <endpoint>ws?clusterArn=<arn>&containerInstanceArn=<arn>
// The control plane pushes the tasks assigned to that instance; the agent acknowledges every
// message. The agent reports transitions over the same socket as StateChange messages, each
// carrying the JSON input of the ECS API call it stands for (SubmitTaskStateChange,
// SubmitContainerStateChange): the control plane validates and applies it exactly as that call
// and answers StateChangeAck once it is committed. (The ECS agent makes those calls over HTTPS;
// on one open socket they cost a fraction of a signed HTTP request on both ends.) Container
// health goes over the socket too, as the ECS agent sends it over its telemetry channel.
//
// Timestamps in these messages are epoch milliseconds, except inside a StateChange's API input.

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
  /**
   * The volumes whose backing the control plane resolved at launch (issue 16): EFS file systems
   * and per-task EBS-style volumes, one entry per such volume name. Bind mounts, task-scoped
   * empty directories and Docker volumes need nothing resolved: the agent reads them from
   * `volumes`. Absent when the task has none.
   */
  volumeSources?: AssignedVolumeSource[];
  /**
   * Fargate tasks whose definition or RunTask overrides set `ephemeralStorage`: the size of the
   * task's writable scratch space, enforced by the agent (docs/volumes.md). Absent otherwise.
   */
  ephemeralStorage?: { sizeInGiB: number };
  /** awsvpc: the interface the control plane allocated for the task (absent in other modes). */
  eni?: AssignedEni;
  /** Increases with every change the control plane makes to the task. */
  version: number;
}

/**
 * An awsvpc task's network interface, as the control plane allocated it (issue 11): the agent
 * makes a network namespace for the task with this address on a veth into the bridge of its
 * subnet, and reports the attachment ATTACHED (SubmitTaskStateChange `attachments`) once it is.
 */
export interface AssignedEni {
  /** The ECS attachment id (the task's `attachments[].id`), reported back with its status. */
  attachmentId: string;
  /** `eni-…`. */
  networkInterfaceId: string;
  /** `0a:…`, locally administered, unique per interface. */
  macAddress: string;
  privateIpv4Address: string;
  /** e.g. `ip-172-31-3-7.ec2.internal`. */
  privateDnsName: string;
  subnetId: string;
  /** The subnet's CIDR, e.g. `172.31.0.0/20`: the namespace's address prefix. */
  subnetCidr: string;
  /** The subnet's router (its first address, +1): the bridge's address and the default route. */
  gatewayIpv4Address: string;
  vpcId: string;
  /** The VPC's CIDR: the host drops packets for any address of it that no local task holds. */
  vpcCidr: string;
  /** Resolvers for the namespace's resolv.conf. */
  dnsServers: string[];
  /** Ingress allowed into the task (its security groups' rules, sources resolved to CIDRs). */
  ingress: AssignedIngressRule[];
}

/** A resolved volume (see AssignedTask.volumeSources), named as in the task definition's `volumes`. */
export type AssignedVolumeSource = AssignedEfsVolume | AssignedEbsVolume;

/**
 * An EFS-style file system: a directory tree on a path every agent shares (on one host, under the
 * control plane's data directory). The agent bind-mounts `hostPath` (the directory to expose,
 * already joined from the file system's root, the access point's root directory and the volume's
 * rootDirectory) at each mount point of the volume.
 */
export interface AssignedEfsVolume {
  kind: "efs";
  name: string;
  fileSystemId: string;
  accessPointId?: string;
  /** Absolute host path of the directory to mount. */
  hostPath: string;
  /** The access point's POSIX user: every file operation through this mount acts as it. */
  posixUser?: { uid: number; gid: number; secondaryGids?: number[] };
  /** The access point's creationInfo: create `hostPath` with this owner and octal mode when it is missing. */
  creationInfo?: { ownerUid: number; ownerGid: number; permissions: string };
}

/**
 * A service-managed, EBS-style volume for this one task (`configuredAtLaunch`): the agent creates
 * a file system of `sizeInGiB` (its size enforced), mounts it at the volume's mount points, and
 * on the task's end deletes it when `deleteOnTermination`, or keeps it under the agent's data
 * directory by its volumeId.
 */
export interface AssignedEbsVolume {
  kind: "ebs";
  name: string;
  /** `vol-…`, berth's id for the volume (shown in the task's attachment). */
  volumeId: string;
  /** The task's `attachments[].id` of type AmazonElasticBlockStorage, reported back with its status. */
  attachmentId: string;
  sizeInGiB: number;
  /** ext3, ext4 or xfs, as ECS accepts. */
  filesystemType: string;
  deleteOnTermination: boolean;
}

export interface AssignedIngressRule {
  /** "tcp", "udp", "icmp" or "-1" (all), as EC2 names them. */
  protocol: string;
  /** Inclusive port range; absent for all ports (or for icmp / all protocols). */
  fromPort?: number;
  toPort?: number;
  /** Source prefixes, e.g. ["10.0.0.0/8"]; a rule naming a security group lists its members' /32s. */
  cidrs: string[];
}

/**
 * Which of a task's roles a set of credentials is for (ECS ACS's roleType): the task role's go to
 * the application through the credentials endpoint, the execution role's stay with the agent
 * (secrets).
 */
export type RoleType = "TaskApplication" | "TaskExecution";

/** A role session's keys as the control plane hands them to the agent (ECS's IAMRoleCredentials). */
export interface RoleCredentials {
  /** Names this task's credentials of this role type; the agent answers it at /v2/credentials/<id>. */
  credentialsId: string;
  roleArn: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** ISO 8601, whole seconds (STS's form); the endpoint echoes it as received. */
  expiration: string;
}

export type ServerMessage =
  /** `full` lists every task assigned to the instance: tasks it omits are not the agent's anymore. */
  | { type: "TaskManifest"; messageId: string; full: boolean; tasks: AssignedTask[] }
  /**
   * A task's role credentials (ECS's IAMRoleCredentialsMessage): sent before the manifest that
   * needs them, again well before they expire and after every reconnect. Never stored anywhere
   * by either side; the agent answers CredentialsAck.
   */
  | { type: "TaskCredentials"; messageId: string; taskArn: string; roleType: RoleType; credentials: RoleCredentials }
  | { type: "Heartbeat"; messageId: string }
  /** The answer to a StateChange: committed when error is absent; otherwise the API's error. */
  | { type: "StateChangeAck"; messageId: string; error?: StateChangeError }
  /** A page of a task's container logs, for `berth logs` (answered by a LogsResponse). */
  | { type: "LogsRequest"; messageId: string; request: LogsRequest };

/**
 * Where a reader stopped in one container's log: the timestamp (epoch ms) of the last line it
 * consumed and how many lines with that timestamp it consumed. Lines are recorded in time order,
 * so this names a position without the agent keeping any state per reader.
 */
export interface LogCursor {
  t: number;
  n: number;
}

export interface LogsRequest {
  taskArn: string;
  /** The containers to read; every container of the task when absent. */
  containers?: string[];
  /** Epoch ms: only lines recorded at or after. */
  since?: number;
  /** Only the last N lines of each container (applied when a container has no cursor yet). */
  tail?: number;
  /** Per container: where the previous page stopped. */
  cursors?: Record<string, LogCursor>;
  /** At most this many lines in the page. */
  limit: number;
  /** When no line is past the cursors, wait up to this long for one (following). */
  waitMs?: number;
}

export interface LogsPageLine {
  container: string;
  stream: "stdout" | "stderr";
  /** Epoch ms. */
  timestamp: number;
  line: string;
}

export interface LogsPage {
  lines: LogsPageLine[];
  /** Per container: where this page stopped; send them back for the next page. */
  cursors: Record<string, LogCursor>;
  /** Lines past the cursors were left out by the page's bounds: ask again at once. */
  more: boolean;
  /** Every selected container has exited and its last line is recorded: nothing more will come. */
  ended: boolean;
  /** Selected containers that have no log on the agent, and why. */
  missing: { container: string; reason: string }[];
}

/** The agent's answer: a page, or an API error for the control plane to pass on. */
export type LogsReply = { page: LogsPage; error?: undefined } | { page?: undefined; error: StateChangeError };

/** The ECS API calls a StateChange message may stand for. */
export const STATE_CHANGE_OPERATIONS = ["SubmitTaskStateChange", "SubmitContainerStateChange"] as const;
export type StateChangeOperation = (typeof STATE_CHANGE_OPERATIONS)[number];

/** An API error as the HTTP API would have answered it. */
export interface StateChangeError {
  /** The exception type, e.g. InvalidParameterException. */
  type: string;
  message: string;
  /** The HTTP status the API would have sent (4xx: retrying will not help, except throttling). */
  status: number;
}

export interface ContainerHealthReport {
  taskArn: string;
  containers: { containerName: string; healthStatus: "HEALTHY" | "UNHEALTHY" | "UNKNOWN" }[];
}

/**
 * One task's resource use over the last sampling interval (issue 14), as the ECS agent samples it
 * every ~20 s for the AWS/ECS metrics: CPU in CPU units (1024 = one core) and memory in MiB, next
 * to what the task reserves, so the control plane computes utilization as ECS does (used /
 * reserved). Zero reserved: the task reserved none (no utilization of it can be computed).
 */
export interface TaskMetricsSample {
  taskArn: string;
  /** Epoch ms at the end of the interval. */
  timestamp: number;
  cpuUnitsUsed: number;
  cpuUnitsReserved: number;
  memoryMiBUsed: number;
  memoryMiBReserved: number;
}

export type AgentMessage =
  | { type: "Ack"; messageId: string }
  /** Samples of the instance's running tasks, batched per sampling round; not acknowledged. */
  | { type: "TaskMetrics"; samples: TaskMetricsSample[] }
  /** TaskCredentials received (ECS's IAMRoleCredentialsAckRequest). */
  | { type: "CredentialsAck"; messageId: string; credentialsId: string; expiration: string }
  | { type: "ContainerHealth"; reports: ContainerHealthReport[] }
  /** `input` is the API call's JSON input (timestamps as epoch seconds, as on the wire). */
  | { type: "StateChange"; messageId: string; operation: StateChangeOperation; input: Record<string, unknown> }
  /** The answer to a LogsRequest, with its messageId. */
  | ({ type: "LogsResponse"; messageId: string } & LogsReply);
