// What berth keeps for CloudWatch Logs, and where. A log group and a log stream are each a
// record in the store; their events are rows in the event store (store/log-events.ts), found by
// the uid each record carries, so a group or stream made again under a deleted one's name
// starts empty. Field names are the Logs wire names where the API hands them out.
import { randomUUID } from "node:crypto";
import { EcsError, type EcsErrorType, type Scope } from "../../model/index.js";
import type { Journal, JournalLedger, LogEventStore } from "../../store/index.js";
import type { Deps } from "../deps.js";
import { scopePrefix } from "../keys.js";

/** The domain's store, cache and clock, plus the table the events live in. */
export interface LogsDeps extends Deps {
  logEvents: LogEventStore;
  /** With several servers on one etcd: the journal writes go through (replication.ts) and this server's ledger of it. */
  replication?: LogsReplication;
}

/** The journal of a control plane on etcd, and this server's ledger of it in log-events.db. */
export interface LogsReplication {
  journal: Journal;
  ledger: JournalLedger;
}

export interface LogGroupRecord {
  logGroupName: string;
  uid: string;
  creationTime: number;
  retentionInDays?: number;
  kmsKeyId?: string;
  logGroupClass: string;
  tags: Record<string, string>;
}

export interface LogStreamRecord {
  logStreamName: string;
  uid: string;
  creationTime: number;
}

const base = (s: Scope) => `${scopePrefix(s)}logs/`;
// Names may hold "/" (and streams almost anything), so they are URI-encoded in keys: one
// group's stream prefix can then never be the prefix of another group's.
const enc = encodeURIComponent;

export const logsKeys = {
  groups: (s: Scope) => `${base(s)}groups/`,
  group: (s: Scope, name: string) => `${base(s)}groups/${enc(name)}`,
  streams: (s: Scope, group: string) => `${base(s)}streams/${enc(group)}/`,
  stream: (s: Scope, group: string, stream: string) => `${base(s)}streams/${enc(group)}/${enc(stream)}`,
};

export const newUid = () => randomUUID();

const partition = (s: Scope) => s.partition ?? "aws";
/** The ARN IAM policies name (with `:*`): DescribeLogGroups' `arn`. */
export const logGroupArnForIam = (s: Scope, name: string) => `${logGroupArn(s, name)}:*`;
/** The ARN without `:*`: `logGroupArn`, `logGroupIdentifier`, tagging. */
export const logGroupArn = (s: Scope, name: string) => `arn:${partition(s)}:logs:${s.region}:${s.accountId}:log-group:${name}`;
export const logStreamArn = (s: Scope, group: string, stream: string) => `${logGroupArn(s, group)}:log-stream:${stream}`;

/** A log group's name from a name or either form of its ARN; undefined for an ARN of something else. */
export function groupNameOf(identifier: string): string | undefined {
  if (!identifier.startsWith("arn:")) return identifier;
  const m = /^arn:[^:]+:logs:[^:]*:[^:]*:log-group:([^:]+)(?::\*)?$/.exec(identifier);
  return m?.[1];
}

/** The retention periods CloudWatch Logs accepts, in days. */
export const RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;
/** A log group carries at most 50 tags. */
export const MAX_TAGS = 50;
export const DAY_MS = 86_400_000;

const logsError = (type: EcsErrorType, message: string, status?: number) => new EcsError(type, message, status);

export const logsErrors = {
  invalidParameter: (message: string) => logsError("InvalidParameterException", message),
  groupNotFound: () => logsError("ResourceNotFoundException", "The specified log group does not exist."),
  streamNotFound: () => logsError("ResourceNotFoundException", "The specified log stream does not exist."),
  groupExists: () => logsError("ResourceAlreadyExistsException", "The specified log group already exists"),
  streamExists: () => logsError("ResourceAlreadyExistsException", "The specified log stream already exists"),
  badToken: () => logsError("InvalidParameterException", "The specified nextToken is invalid."),
  tooManyTags: () => logsError("TooManyTagsException", `A resource can have no more than ${MAX_TAGS} tags.`),
  unavailable: (message: string) => logsError("ServiceUnavailableException", message, 503),
};

/** `logGroupName` or `logGroupIdentifier`, exactly one of them, as a group name. */
export function groupNameFrom(input: { logGroupName?: string; logGroupIdentifier?: string }): string {
  if (input.logGroupName !== undefined && input.logGroupIdentifier !== undefined) {
    throw logsErrors.invalidParameter("LogGroup name and LogGroup ARN are mutually exclusive parameters.");
  }
  const id = input.logGroupName ?? input.logGroupIdentifier;
  if (id === undefined) throw logsErrors.invalidParameter("Either logGroupName or logGroupIdentifier must be specified.");
  const name = groupNameOf(id);
  if (name === undefined) throw logsErrors.invalidParameter(`${id} is not the ARN of a log group.`);
  return name;
}

export function groupOf(deps: Deps, scope: Scope, name: string): LogGroupRecord {
  const rec = deps.cache.get<LogGroupRecord>(logsKeys.group(scope, name));
  if (!rec) throw logsErrors.groupNotFound();
  return rec;
}

export function streamOf(deps: Deps, scope: Scope, group: string, stream: string): LogStreamRecord {
  const rec = deps.cache.get<LogStreamRecord>(logsKeys.stream(scope, group, stream));
  if (!rec) throw logsErrors.streamNotFound();
  return rec;
}

/** The oldest timestamp a group's reads return: events past the retention are gone, swept or not. */
export const retentionCutoff = (group: LogGroupRecord, now: number) => (group.retentionInDays !== undefined ? now - group.retentionInDays * DAY_MS : 0);
