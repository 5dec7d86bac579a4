// AWS's event-stream wire (application/vnd.amazon.eventstream) for operations whose output
// member is an event stream (CloudWatch Logs' StartLiveTail). Each message is a binary frame:
// lengths, a prelude CRC32, typed headers, the payload and a message CRC32. The framing and
// CRCs come from @smithy/core's EventStreamCodec, the codec the AWS SDK for JavaScript v3
// decodes with: a frame it encodes is by construction one the SDKs read, which a hand-written
// CRC/header encoder would have to be proven against byte by byte.
//
// Over the awsJson protocols an SDK reads the stream's first message as the operation's own
// response (`:event-type` initial-response, botocore refuses a stream without it); every later
// message is one member of the stream's union, its payload the member's shape as JSON.
import { EventStreamCodec } from "@smithy/core/event-streams";
import { fromUtf8, toUtf8 } from "@smithy/core/serde";
import type { ServerResponse } from "node:http";

const codec = new EventStreamCodec(toUtf8, fromUtf8);

const str = (value: string) => ({ type: "string" as const, value });

/** One event of the stream's union: `:event-type` is the member's name. */
export function encodeEvent(eventType: string, payload: unknown): Uint8Array {
  return codec.encode({
    headers: { ":message-type": str("event"), ":event-type": str(eventType), ":content-type": str("application/json") },
    body: fromUtf8(JSON.stringify(payload)),
  });
}

/** A modelled exception member of the union (SessionTimeoutException …), which SDKs raise by name. */
export function encodeException(exceptionType: string, message: string): Uint8Array {
  return codec.encode({
    headers: { ":message-type": str("exception"), ":exception-type": str(exceptionType), ":content-type": str("application/json") },
    body: fromUtf8(JSON.stringify({ message })),
  });
}

/** Where a streaming handler writes: frames in order, told when the client has gone. */
export interface EventStreamSink {
  event(eventType: string, payload: unknown): void;
  exception(exceptionType: string, message: string): void;
  /** Ends the response (no more frames). */
  end(): void;
  /** Bytes written but not yet taken by the client: a slow reader's backlog. */
  readonly backlog: number;
  /** Called once when the response ends for any reason: ended here, client gone, server closed. */
  onClose(listener: () => void): void;
}

/**
 * What a handler returns instead of a body when its answer is an event stream. The HTTP layer
 * writes the status and headers (after every check has passed, so an error before this point
 * is an ordinary JSON error response) and hands the sink to `start`.
 */
export class EventStreamReply {
  constructor(private readonly start: (sink: EventStreamSink) => void) {}

  open(res: ServerResponse): void {
    // No Content-Length: the body is chunked and lasts as long as the session.
    res.writeHead(200, { "Content-Type": "application/vnd.amazon.eventstream", "Cache-Control": "no-cache" });
    res.flushHeaders();
    let closed = false;
    const listeners: (() => void)[] = [];
    const close = () => {
      if (closed) return;
      closed = true;
      for (const l of listeners.splice(0)) l();
    };
    res.on("close", close);
    const write = (frame: Uint8Array) => {
      if (!closed && !res.writableEnded) res.write(frame);
    };
    this.start({
      event: (type, payload) => write(encodeEvent(type, payload)),
      exception: (type, message) => write(encodeException(type, message)),
      end: () => {
        if (!res.writableEnded) res.end();
      },
      get backlog() {
        return res.writableLength;
      },
      onClose: (l) => {
        if (closed) l();
        else listeners.push(l);
      },
    });
  }
}
