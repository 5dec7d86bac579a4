// StartLiveTail on the wire: the domain's session (domain/logs/live-tail.ts) written as an AWS
// event stream. The request is checked and the session set up before the stream opens, so a
// refusal is an ordinary JSON error; after it, the stream carries the initial response (an
// empty output: its one member is the stream), sessionStart, a sessionUpdate about once a
// second, and SessionTimeoutException when the session's time is up (SessionStreamingException
// if it fails on berth's side). The session ends, and its
// subscription with it, when the client closes the connection.
import { logs } from "../../domain/index.js";
import type { RequestContext } from "../context.js";
import { EventStreamReply } from "../protocol/event-stream.js";
import { serializeOutput } from "../protocol/serialize.js";
import { logsModel } from "./model.generated.js";

interface StartLiveTailInput {
  logGroupIdentifiers: string[];
  logStreamNames?: string[];
  logStreamNamePrefixes?: string[];
  logEventFilterPattern?: string;
}

export function startLiveTail(deps: logs.LogsDeps, ctx: RequestContext, input: StartLiveTailInput): EventStreamReply {
  const session = logs.startLiveTail(deps, ctx.scope, input, ctx.requestId);
  return new EventStreamReply((sink) => {
    sink.event("initial-response", {});
    sink.event("sessionStart", serializeOutput(logsModel, "LiveTailSessionStart", session.start));
    const stop = session.run(
      {
        update: (u) => sink.event("sessionUpdate", serializeOutput(logsModel, "LiveTailSessionUpdate", u)),
        timedOut: (message) => sink.exception("SessionTimeoutException", message),
        failed: (message) => sink.exception("SessionStreamingException", message),
        backlog: () => sink.backlog,
      },
      () => sink.end(),
    );
    sink.onClose(stop);
  });
}
