// StartLiveTail: a session over 1–10 log groups that reports the events stored from now on,
// about once a second. Everything that can refuse the request (the rules, unknown groups) is
// checked in startLiveTail, before the caller has written a byte of the stream; `run` then
// subscribes to the groups' new events (live-tail-hub.ts) and owns the session's timers and
// subscription until `stop` — called when the client goes away, the server closes, or the
// session's time is up.
import { randomUUID } from "node:crypto";
import type { Scope } from "../../model/index.js";
import { liveTailHub, type AppendedBatch } from "./live-tail-hub.js";
import { bufferUpdate, decideLiveTail, fullBucket, spread, takeTokens, updateOf, type LiveTailInput, type SessionUpdate, type TailEvent } from "./live-tail-rules.js";
import { groupOf, type LogsDeps } from "./records.js";

/** A slow client: past this many bytes unread, updates wait (at most 10 of them) rather than pile up in memory. */
const BACKLOG_BYTES = 256 * 1024;

export interface SessionStartView {
  requestId: string;
  sessionId: string;
  logGroupIdentifiers: string[];
  logStreamNames?: string[];
  logStreamNamePrefixes?: string[];
  logEventFilterPattern?: string;
}

/** Where a running session's output goes (the API layer's event stream). */
export interface LiveTailOutput {
  update(update: SessionUpdate): void;
  /** The session reached its time limit; nothing follows. */
  timedOut(message: string): void;
  /** The session failed on berth's side (SessionStreamingException); nothing follows. */
  failed(message: string): void;
  /** Bytes written that the client has not taken yet. */
  backlog(): number;
}

export interface LiveTailSession {
  start: SessionStartView;
  /** Starts the session; the function returned ends it (idempotent). */
  run(out: LiveTailOutput, onEnd: () => void): () => void;
}

export function startLiveTail(deps: LogsDeps, scope: Scope, input: LiveTailInput, requestId: string): LiveTailSession {
  const plan = decideLiveTail(input, scope);
  const groups = plan.groups.map((g) => ({ ...g, uid: groupOf(deps, scope, g.name).uid }));
  const identifierOf = new Map(groups.map((g) => [g.uid, g.identifier]));
  const start: SessionStartView = {
    requestId,
    sessionId: randomUUID(),
    logGroupIdentifiers: input.logGroupIdentifiers,
    ...(input.logStreamNames !== undefined ? { logStreamNames: input.logStreamNames } : {}),
    ...(input.logStreamNamePrefixes !== undefined ? { logStreamNamePrefixes: input.logStreamNamePrefixes } : {}),
    ...(input.logEventFilterPattern !== undefined ? { logEventFilterPattern: input.logEventFilterPattern } : {}),
  };

  const run = (out: LiveTailOutput, onEnd: () => void) => {
    const hub = liveTailHub(deps);
    const { updateIntervalMs, sessionLimitMs } = hub.options;
    let bucket = fullBucket(deps.clock.now());
    let pending: TailEvent[] = [];
    let dropped = false;
    let queue: SessionUpdate[] = [];

    // A fault in a session ends that session (SessionStreamingException), never the PutLogEvents
    // that told it of a batch, nor the process from a timer.
    const guarded =
      <A extends unknown[]>(fn: (...args: A) => void) =>
      (...args: A) => {
        try {
          fn(...args);
        } catch (err) {
          out.failed(`The Live Tail session failed: ${(err as Error).message}`);
          stop();
        }
      };

    const onBatch = (batch: AppendedBatch) => {
      if (!plan.wantsStream(batch.logStreamName)) return;
      const identifier = identifierOf.get(batch.groupUid)!;
      const matched = batch.events.filter((e) => plan.pattern.matches(e.message));
      if (matched.length === 0) return;
      const taken = takeTokens(bucket, deps.clock.now(), matched.length);
      bucket = taken.bucket;
      if (taken.granted < matched.length) dropped = true;
      for (const e of spread(matched, taken.granted)) {
        pending.push({ logStreamName: batch.logStreamName, logGroupIdentifier: identifier, message: e.message, timestamp: e.timestamp, ingestionTime: batch.ingestionTime });
      }
    };

    const flush = () => {
      queue = bufferUpdate(queue, updateOf(pending, dropped));
      pending = [];
      dropped = false;
      while (queue.length > 0 && out.backlog() < BACKLOG_BYTES) out.update(queue.shift()!);
    };

    const unsubscribe = hub.subscribe(
      groups.map((g) => g.uid),
      guarded(onBatch),
    );
    const ticker = setInterval(guarded(flush), updateIntervalMs);
    const limit = setTimeout(
      guarded(() => {
        flush();
        const hours = sessionLimitMs / 3_600_000;
        out.timedOut(`The Live Tail session ended after its maximum duration of ${Number.isInteger(hours) ? `${hours} hours` : `${sessionLimitMs} ms`}.`);
        stop();
      }),
      sessionLimitMs,
    );
    // Sessions never keep the process alive: the server's sockets do, and they end sessions when they close.
    ticker.unref();
    limit.unref();
    let stopped = false;
    const stop = () => {
      if (stopped) return;
      stopped = true;
      clearInterval(ticker);
      clearTimeout(limit);
      unsubscribe();
      onEnd();
    };
    return stop;
  };

  return { start, run };
}

/** How many Live Tail sessions the deps' control plane has open (each holds one subscription). */
export const liveTailSubscriptions = (deps: Pick<LogsDeps, "logEvents">) => liveTailHub(deps).subscriptions;
