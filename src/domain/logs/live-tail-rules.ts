// StartLiveTail's rules, decided purely (AWS's StartLiveTail reference and the Live Tail guide):
//  - 1 to 10 log groups (the model checks the count), each a name or an ARN; an ARN may not
//    end with `*` (the `:*` form IAM policies use);
//  - logStreamNames and logStreamNamePrefixes are mutually exclusive, and either is allowed
//    only with exactly one log group;
//  - the filter pattern is FilterLogEvents' (filter-pattern.ts);
//  - at most 500 events per second reach a session; beyond that they are sampled and the
//    update says so (sessionMetadata.sampled). A token bucket of 500 tokens refilled at 500
//    per second admits them; a batch larger than the tokens left is thinned evenly rather
//    than cut off, so the sample spans the burst;
//  - a client slower than the stream gets at most 10 updates or 5,000 events buffered; past
//    that the oldest are dropped.
import type { Scope } from "../../model/index.js";
import { compileFilterPattern, FilterPatternError, type FilterPattern } from "./filter-pattern.js";
import { groupNameOf, logsErrors } from "./records.js";

export const MAX_EVENTS_PER_SECOND = 500;
export const MAX_EVENTS_PER_UPDATE = 500;
export const MAX_BUFFERED_UPDATES = 10;
export const SESSION_LIMIT_MS = 3 * 3_600_000;
export const UPDATE_INTERVAL_MS = 1_000;

export interface LiveTailInput {
  logGroupIdentifiers: string[];
  logStreamNames?: string[];
  logStreamNamePrefixes?: string[];
  logEventFilterPattern?: string;
}

export interface TailedGroup {
  /** As the caller wrote it: events name their group this way. */
  identifier: string;
  name: string;
}

export interface LiveTailPlan {
  groups: TailedGroup[];
  /** Which of a group's streams the session shows. */
  wantsStream: (streamName: string) => boolean;
  pattern: FilterPattern;
}

export function decideLiveTail(input: LiveTailInput, scope: Scope): LiveTailPlan {
  const { logStreamNames: names, logStreamNamePrefixes: prefixes } = input;
  if (names !== undefined && prefixes !== undefined) {
    throw logsErrors.invalidParameter("logStreamNames and logStreamNamePrefixes are mutually exclusive parameters.");
  }
  if ((names !== undefined || prefixes !== undefined) && input.logGroupIdentifiers.length !== 1) {
    const field = names !== undefined ? "logStreamNames" : "logStreamNamePrefixes";
    throw logsErrors.invalidParameter(`${field} may be given only with exactly one log group in logGroupIdentifiers; found ${input.logGroupIdentifiers.length}.`);
  }
  const groups: TailedGroup[] = [];
  for (const identifier of input.logGroupIdentifiers) {
    if (identifier.startsWith("arn:") && identifier.endsWith("*")) {
      throw logsErrors.invalidParameter(`Invalid logGroupIdentifier '${identifier}': an ARN in logGroupIdentifiers can't end with '*'.`);
    }
    const name = groupNameOf(identifier);
    if (name === undefined) throw logsErrors.invalidParameter(`Invalid logGroupIdentifier '${identifier}': not a log group name or ARN.`);
    // A group of another account or region is not one this caller can see here.
    if (identifier.startsWith("arn:") && !inScope(identifier, scope)) throw logsErrors.groupNotFound();
    if (!groups.some((g) => g.name === name)) groups.push({ identifier, name });
  }
  let pattern: FilterPattern;
  try {
    pattern = compileFilterPattern(input.logEventFilterPattern);
  } catch (err) {
    if (err instanceof FilterPatternError) throw logsErrors.invalidParameter(err.message);
    throw err;
  }
  const wantsStream = names !== undefined ? (s: string) => names.includes(s) : prefixes !== undefined ? (s: string) => prefixes.some((p) => s.startsWith(p)) : () => true;
  return { groups, wantsStream, pattern };
}

function inScope(arn: string, scope: Scope): boolean {
  const [, partition, , region, account] = arn.split(":");
  return partition === (scope.partition ?? "aws") && region === scope.region && account === scope.accountId;
}

/** Tokens left and when they were last counted. */
export interface TokenBucket {
  tokens: number;
  at: number;
}

export const fullBucket = (now: number): TokenBucket => ({ tokens: MAX_EVENTS_PER_SECOND, at: now });

/**
 * Takes up to `wanted` tokens at `now`: refilled by the time passed (500 per second, capped at
 * 500), then whole tokens handed out. E.g. a bucket emptied at t=0 holds 250 at t=500 ms: a
 * batch of 1,000 then gets 250 and the bucket is 0 again.
 */
export function takeTokens(bucket: TokenBucket, now: number, wanted: number): { bucket: TokenBucket; granted: number } {
  const refilled = Math.min(MAX_EVENTS_PER_SECOND, bucket.tokens + (Math.max(0, now - bucket.at) * MAX_EVENTS_PER_SECOND) / 1000);
  const granted = Math.min(wanted, Math.floor(refilled));
  return { bucket: { tokens: refilled - granted, at: Math.max(now, bucket.at) }, granted };
}

/** `k` of `items`, evenly spaced and in order (all of them when k ≥ length): 2 of [a,b,c,d] are a, c. */
export function spread<T>(items: readonly T[], k: number): T[] {
  if (k >= items.length) return [...items];
  if (k <= 0) return [];
  const out: T[] = [];
  for (let i = 0; i < k; i++) out.push(items[Math.floor((i * items.length) / k)]!);
  return out;
}

export interface TailEvent {
  logStreamName: string;
  logGroupIdentifier: string;
  message: string;
  timestamp: number;
  ingestionTime: number;
}

export interface SessionUpdate {
  sessionMetadata: { sampled: boolean };
  sessionResults: TailEvent[];
}

/** One update from the events admitted since the last: at most 500, sampled when there were more or some were not admitted. */
export function updateOf(events: readonly TailEvent[], dropped: boolean): SessionUpdate {
  const sampled = dropped || events.length > MAX_EVENTS_PER_UPDATE;
  return { sessionMetadata: { sampled }, sessionResults: spread(events, MAX_EVENTS_PER_UPDATE) };
}

/**
 * Updates not yet sent to a slow client, with a new one added: at most 10, the oldest dropped
 * first. AWS's other bound, 5,000 events, follows: an update holds at most 500.
 */
export function bufferUpdate(queue: readonly SessionUpdate[], next: SessionUpdate): SessionUpdate[] {
  const out = [...queue, next];
  return out.length > MAX_BUFFERED_UPDATES ? out.slice(out.length - MAX_BUFFERED_UPDATES) : out;
}
