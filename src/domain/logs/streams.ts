// CloudWatch Logs' operations on log streams: CreateLogStream, DeleteLogStream and
// DescribeLogStreams. A stream's record holds its name and creation time; its event times and
// size come from the event store, where PutLogEvents keeps them in the same transaction as
// the events themselves.
import type { Scope } from "../../model/index.js";
import { commit, guardOf, put } from "../deps.js";
import { pageAfter } from "../secrets/paging.js";
import { writeLogs } from "./replication.js";
import { groupNameFrom, groupOf, logStreamArn, logsErrors, logsKeys, newUid, streamOf, type LogGroupRecord, type LogsDeps, type LogStreamRecord } from "./records.js";

export async function createLogStream(deps: LogsDeps, scope: Scope, input: { logGroupName: string; logStreamName: string }): Promise<Record<string, never>> {
  const key = logsKeys.stream(scope, input.logGroupName, input.logStreamName);
  const groupKey = logsKeys.group(scope, input.logGroupName);
  return commit(deps, () => {
    groupOf(deps, scope, input.logGroupName);
    if (deps.cache.get(key)) throw logsErrors.streamExists();
    const rec: LogStreamRecord = { logStreamName: input.logStreamName, uid: newUid(), creationTime: deps.clock.now() };
    // Guarded on the group too: a stream is never created into a group deleted meanwhile.
    return { guards: [guardOf(deps, key), guardOf(deps, groupKey)], ops: [put(key, rec)], result: {} };
  });
}

export async function deleteLogStream(deps: LogsDeps, scope: Scope, input: { logGroupName: string; logStreamName: string }): Promise<Record<string, never>> {
  const key = logsKeys.stream(scope, input.logGroupName, input.logStreamName);
  const gone = await commit(deps, () => {
    groupOf(deps, scope, input.logGroupName);
    const rec = streamOf(deps, scope, input.logGroupName, input.logStreamName);
    return { guards: [guardOf(deps, key)], ops: [{ kind: "delete" as const, key }], result: rec };
  });
  await writeLogs(deps, { kind: "deleteStream", groupUid: groupOf(deps, scope, input.logGroupName).uid, streamUid: gone.uid });
  return {};
}

interface DescribeStreamsInput {
  logGroupName?: string;
  logGroupIdentifier?: string;
  logStreamNamePrefix?: string;
  orderBy?: "LogStreamName" | "LastEventTime";
  descending?: boolean;
  nextToken?: string;
  limit?: number;
}

export function describeLogStreams(deps: LogsDeps, scope: Scope, input: DescribeStreamsInput) {
  const name = groupNameFrom(input);
  const byTime = input.orderBy === "LastEventTime";
  if (byTime && input.logStreamNamePrefix !== undefined) throw logsErrors.invalidParameter("Cannot order by LastEventTime with a logStreamNamePrefix.");
  const group = groupOf(deps, scope, name);
  const views = streamsOf(deps, scope, group).filter((s) => input.logStreamNamePrefix === undefined || s.logStreamName.startsWith(input.logStreamNamePrefix));
  // Streams without events sort first by time, as if their last event were at 0.
  const sortKey = (s: StreamView) => (byTime ? `${String(s.lastEventTimestamp ?? 0).padStart(16, "0")}/${s.logStreamName}` : s.logStreamName);
  views.sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
  const page = pageAfter(views, sortKey, { token: input.nextToken, size: input.limit ?? 50, descending: !!input.descending }, logsErrors.badToken);
  return { logStreams: page.items, ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
}

export interface StreamView {
  logStreamName: string;
  creationTime: number;
  firstEventTimestamp?: number;
  lastEventTimestamp?: number;
  lastIngestionTime?: number;
  arn: string;
  storedBytes: number;
}

/** Every stream of a group as DescribeLogStreams shows it (storedBytes: what berth holds). */
export function streamsOf(deps: LogsDeps, scope: Scope, group: LogGroupRecord): StreamView[] {
  return deps.cache.list<LogStreamRecord>(logsKeys.streams(scope, group.logGroupName)).map((s) => {
    const stats = deps.logEvents.streamStats(group.uid, s.uid);
    return {
      logStreamName: s.logStreamName,
      creationTime: s.creationTime,
      ...(stats
        ? { firstEventTimestamp: stats.firstEventTimestamp, lastEventTimestamp: stats.lastEventTimestamp, lastIngestionTime: stats.lastIngestionTime }
        : {}),
      arn: logStreamArn(scope, group.logGroupName, s.logStreamName),
      storedBytes: stats?.storedBytes ?? 0,
    };
  });
}
