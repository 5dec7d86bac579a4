// CloudWatch Logs' operations as IAM sees them (Service Authorization Reference, "Amazon
// CloudWatch Logs"): group operations act on the log group, whose ARN IAM evaluates in its
// `:*` form (`arn:aws:logs:r:a:log-group:NAME:*` — why a policy naming the group without `:*`
// does not allow CreateLogStream), and PutLogEvents/GetLogEvents/DeleteLogStream on the stream.
import { isArn, result, str, type Input, type Resolver, type Scoped } from "./request-parts.js";

/** The group's name from logGroupName, logGroupIdentifier or resourceArn (either ARN form). */
function groupName(i: Input): string | undefined {
  const id = str(i.logGroupName) ?? str(i.logGroupIdentifier) ?? str(i.resourceArn);
  if (!id || !isArn(id)) return id;
  return /:log-group:([^:]+)/.exec(id)?.[1];
}

const groupArn = (s: Scoped, name: string | undefined) => s.arn("logs", `log-group:${name ?? "*"}:*`);

const onGroup: Resolver = (i, s) => result([groupArn(s, groupName(i))]);
const onStream: Resolver = (i, s) => {
  const name = groupName(i);
  const stream = str(i.logStreamName);
  return result([stream && name ? s.arn("logs", `log-group:${name}:log-stream:${stream}`) : groupArn(s, name)]);
};
const onAll: Resolver = () => result([]);
/** StartLiveTail: every group of logGroupIdentifiers (names or ARNs), each in its `:*` form. */
const onGroups: Resolver = (i, s) => {
  const ids = Array.isArray(i.logGroupIdentifiers) ? i.logGroupIdentifiers.filter((x): x is string => typeof x === "string") : [];
  // An ARN is taken as written (its account and region may differ from the caller's).
  const arnOf = (id: string) => (isArn(id) ? `${id.replace(/:\*$/, "")}:*` : groupArn(s, id));
  return result(ids.length > 0 ? ids.map(arnOf) : [groupArn(s, undefined)]);
};

export const LOGS_OPERATIONS: Record<string, Resolver> = {
  CreateLogGroup: onGroup,
  DeleteLogGroup: onGroup,
  DescribeLogGroups: onAll,
  CreateLogStream: onGroup,
  DeleteLogStream: onStream,
  DescribeLogStreams: onGroup,
  PutLogEvents: onStream,
  GetLogEvents: onStream,
  FilterLogEvents: onGroup,
  PutRetentionPolicy: onGroup,
  DeleteRetentionPolicy: onGroup,
  TagLogGroup: onGroup,
  UntagLogGroup: onGroup,
  ListTagsLogGroup: onGroup,
  TagResource: onGroup,
  UntagResource: onGroup,
  ListTagsForResource: onGroup,
  StartLiveTail: onGroups,
};
