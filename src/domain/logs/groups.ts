// CloudWatch Logs' operations on log groups: CreateLogGroup, DeleteLogGroup, DescribeLogGroups,
// PutRetentionPolicy, DeleteRetentionPolicy and the tagging calls (TagLogGroup and friends, and
// TagResource and friends by ARN). Each write is one guarded store commit; deleting a group also
// drops its streams' records in that commit, and its events from the event store right after.
import type { Scope } from "../../model/index.js";
import { commit, guardOf, put } from "../deps.js";
import { pageAfter } from "../secrets/paging.js";
import { writeLogs } from "./replication.js";
import {
  groupNameOf,
  groupOf,
  logGroupArn,
  logGroupArnForIam,
  logsErrors,
  logsKeys,
  MAX_TAGS,
  newUid,
  RETENTION_DAYS,
  type LogGroupRecord,
  type LogsDeps,
} from "./records.js";

interface CreateGroupInput {
  logGroupName: string;
  kmsKeyId?: string;
  tags?: Record<string, string>;
  logGroupClass?: string;
}

export async function createLogGroup(deps: LogsDeps, scope: Scope, input: CreateGroupInput): Promise<Record<string, never>> {
  if (input.logGroupName.startsWith("aws/")) throw logsErrors.invalidParameter("Log group names starting with 'aws/' are reserved for AWS services.");
  const tags = checkTags({}, input.tags ?? {});
  const key = logsKeys.group(scope, input.logGroupName);
  return commit(deps, () => {
    if (deps.cache.get(key)) throw logsErrors.groupExists();
    const rec: LogGroupRecord = {
      logGroupName: input.logGroupName,
      uid: newUid(),
      creationTime: deps.clock.now(),
      ...(input.kmsKeyId !== undefined ? { kmsKeyId: input.kmsKeyId } : {}),
      logGroupClass: input.logGroupClass ?? "STANDARD",
      tags,
    };
    return { guards: [guardOf(deps, key)], ops: [put(key, rec)], result: {} };
  });
}

export async function deleteLogGroup(deps: LogsDeps, scope: Scope, input: { logGroupName: string }): Promise<Record<string, never>> {
  const key = logsKeys.group(scope, input.logGroupName);
  const gone = await commit(deps, () => {
    const rec = groupOf(deps, scope, input.logGroupName);
    return {
      guards: [guardOf(deps, key)],
      ops: [
        { kind: "delete" as const, key },
        { kind: "deletePrefix" as const, prefix: logsKeys.streams(scope, input.logGroupName) },
      ],
      result: rec,
    };
  });
  // The records are gone, so nothing finds these events any more; a crash before this line
  // leaves rows no record names, which the retention sweep's orphan pass removes.
  await writeLogs(deps, { kind: "deleteGroup", groupUid: gone.uid });
  return {};
}

interface DescribeGroupsInput {
  logGroupNamePrefix?: string;
  logGroupNamePattern?: string;
  logGroupIdentifiers?: string[];
  nextToken?: string;
  limit?: number;
  logGroupClass?: string;
}

export function describeLogGroups(deps: LogsDeps, scope: Scope, input: DescribeGroupsInput) {
  if (input.logGroupNamePrefix !== undefined && input.logGroupNamePattern !== undefined) {
    throw logsErrors.invalidParameter("LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.");
  }
  const wanted = input.logGroupIdentifiers?.map((id) => groupNameOf(id) ?? id);
  const groups = deps.cache
    .list<LogGroupRecord>(logsKeys.groups(scope))
    .filter((g) => input.logGroupNamePrefix === undefined || g.logGroupName.startsWith(input.logGroupNamePrefix))
    .filter((g) => input.logGroupNamePattern === undefined || g.logGroupName.includes(input.logGroupNamePattern))
    .filter((g) => wanted === undefined || wanted.includes(g.logGroupName))
    .filter((g) => input.logGroupClass === undefined || g.logGroupClass === input.logGroupClass)
    .sort((a, b) => (a.logGroupName < b.logGroupName ? -1 : a.logGroupName > b.logGroupName ? 1 : 0));
  const page = pageAfter(groups, (g) => g.logGroupName, { token: input.nextToken, size: input.limit ?? 50 }, logsErrors.badToken);
  return { logGroups: page.items.map((g) => groupView(deps, scope, g)), ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
}

export function groupView(deps: LogsDeps, scope: Scope, g: LogGroupRecord) {
  return {
    logGroupName: g.logGroupName,
    creationTime: g.creationTime,
    ...(g.retentionInDays !== undefined ? { retentionInDays: g.retentionInDays } : {}),
    metricFilterCount: 0,
    arn: logGroupArnForIam(scope, g.logGroupName),
    storedBytes: deps.logEvents.groupBytes(g.uid),
    ...(g.kmsKeyId !== undefined ? { kmsKeyId: g.kmsKeyId } : {}),
    logGroupClass: g.logGroupClass,
    logGroupArn: logGroupArn(scope, g.logGroupName),
  };
}

/** Changes one group's record in one guarded commit. */
async function updateGroup(deps: LogsDeps, scope: Scope, name: string, change: (g: LogGroupRecord) => LogGroupRecord): Promise<Record<string, never>> {
  const key = logsKeys.group(scope, name);
  return commit(deps, () => {
    const next = change(groupOf(deps, scope, name));
    return { guards: [guardOf(deps, key)], ops: [put(key, next)], result: {} };
  });
}

export async function putRetentionPolicy(deps: LogsDeps, scope: Scope, input: { logGroupName: string; retentionInDays: number }) {
  if (!(RETENTION_DAYS as readonly number[]).includes(input.retentionInDays)) {
    throw logsErrors.invalidParameter(
      `1 validation error detected: Value '${input.retentionInDays}' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [${RETENTION_DAYS.join(", ")}]`,
    );
  }
  return updateGroup(deps, scope, input.logGroupName, (g) => ({ ...g, retentionInDays: input.retentionInDays }));
}

export async function deleteRetentionPolicy(deps: LogsDeps, scope: Scope, input: { logGroupName: string }) {
  return updateGroup(deps, scope, input.logGroupName, ({ retentionInDays: _, ...g }) => g);
}

function checkTags(current: Record<string, string>, added: Record<string, string>): Record<string, string> {
  const next = { ...current, ...added };
  if (Object.keys(next).length > MAX_TAGS) throw logsErrors.tooManyTags();
  for (const k of Object.keys(added)) {
    if (k.startsWith("aws:")) throw logsErrors.invalidParameter("Tag keys starting with 'aws:' are reserved.");
  }
  return next;
}

export const tagLogGroup = (deps: LogsDeps, scope: Scope, input: { logGroupName: string; tags: Record<string, string> }) =>
  updateGroup(deps, scope, input.logGroupName, (g) => ({ ...g, tags: checkTags(g.tags, input.tags) }));

export const untagLogGroup = (deps: LogsDeps, scope: Scope, input: { logGroupName: string; tags: string[] }) =>
  updateGroup(deps, scope, input.logGroupName, (g) => ({ ...g, tags: withoutKeys(g.tags, input.tags) }));

export const listTagsLogGroup = (deps: LogsDeps, scope: Scope, input: { logGroupName: string }) => ({ tags: groupOf(deps, scope, input.logGroupName).tags });

/** TagResource and friends name the group by ARN (with or without `:*`); only log groups carry tags here. */
function groupOfArn(arn: string): string {
  const name = arn.startsWith("arn:") ? groupNameOf(arn) : undefined;
  if (name === undefined) throw logsErrors.invalidParameter(`1 validation error detected: Value '${arn}' at 'resourceArn' failed to satisfy constraint: Member must be the ARN of a log group`);
  return name;
}

export const tagResource = (deps: LogsDeps, scope: Scope, input: { resourceArn: string; tags: Record<string, string> }) =>
  tagLogGroup(deps, scope, { logGroupName: groupOfArn(input.resourceArn), tags: input.tags });

export const untagResource = (deps: LogsDeps, scope: Scope, input: { resourceArn: string; tagKeys: string[] }) =>
  untagLogGroup(deps, scope, { logGroupName: groupOfArn(input.resourceArn), tags: input.tagKeys });

export const listTagsForResource = (deps: LogsDeps, scope: Scope, input: { resourceArn: string }) => listTagsLogGroup(deps, scope, { logGroupName: groupOfArn(input.resourceArn) });

function withoutKeys(tags: Record<string, string>, keys: string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(tags).filter(([k]) => !keys.includes(k)));
}
