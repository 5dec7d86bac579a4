// The CloudWatch Logs operations berth answers, each a thin call into the domain layer with the
// caller's account and region. Without an event store (a store backend other than SQLite)
// every operation is refused by name rather than half answered.
import { logs } from "../../domain/index.js";
import { EcsError } from "../../model/index.js";
import type { Handler } from "../json-service.js";
import { startLiveTail } from "./live-tail.js";

export function logsHandlers(deps: logs.LogsDeps | undefined): Record<string, Handler> {
  const table: Record<string, (d: logs.LogsDeps) => Handler> = {
    CreateLogGroup: (d) => (ctx, input) => logs.createLogGroup(d, ctx.scope, input),
    DeleteLogGroup: (d) => (ctx, input) => logs.deleteLogGroup(d, ctx.scope, input),
    DescribeLogGroups: (d) => (ctx, input) => logs.describeLogGroups(d, ctx.scope, input),
    CreateLogStream: (d) => (ctx, input) => logs.createLogStream(d, ctx.scope, input),
    DeleteLogStream: (d) => (ctx, input) => logs.deleteLogStream(d, ctx.scope, input),
    DescribeLogStreams: (d) => (ctx, input) => logs.describeLogStreams(d, ctx.scope, input),
    PutLogEvents: (d) => (ctx, input) => logs.putLogEvents(d, ctx.scope, input),
    GetLogEvents: (d) => (ctx, input) => logs.getLogEvents(d, ctx.scope, input),
    FilterLogEvents: (d) => (ctx, input) => logs.filterLogEvents(d, ctx.scope, input),
    PutRetentionPolicy: (d) => (ctx, input) => logs.putRetentionPolicy(d, ctx.scope, input),
    DeleteRetentionPolicy: (d) => (ctx, input) => logs.deleteRetentionPolicy(d, ctx.scope, input),
    TagLogGroup: (d) => (ctx, input) => logs.tagLogGroup(d, ctx.scope, input),
    UntagLogGroup: (d) => (ctx, input) => logs.untagLogGroup(d, ctx.scope, input),
    ListTagsLogGroup: (d) => (ctx, input) => logs.listTagsLogGroup(d, ctx.scope, input),
    TagResource: (d) => (ctx, input) => logs.tagResource(d, ctx.scope, input),
    UntagResource: (d) => (ctx, input) => logs.untagResource(d, ctx.scope, input),
    ListTagsForResource: (d) => (ctx, input) => logs.listTagsForResource(d, ctx.scope, input),
    StartLiveTail: (d) => (ctx, input) => startLiveTail(d, ctx, input),
  };
  const refuse: Handler = () => {
    throw new EcsError("ServiceUnavailableException", "berth keeps CloudWatch Logs events only in its SQLite store; this control plane's store has no place for them.", 503);
  };
  return Object.fromEntries(Object.entries(table).map(([op, make]) => [op, deps ? make(deps) : refuse]));
}
