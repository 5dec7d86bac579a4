// The console's live updates: Server-Sent Events fed by the cache's watch. A page is told the
// names of what changed (change-filter.ts), batched over a short window so that a rollout's
// burst of writes becomes one message, and reads the records again through the API.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Cache } from "../store/index.js";
import { consoleChangeOf, type ConsoleChange } from "./change-filter.js";

/** How long changes are gathered before one message carries them. */
const BATCH_MS = 150;
/** A comment line this often keeps proxies and the browser from closing an idle stream. */
const KEEPALIVE_MS = 15_000;

export function streamChanges(cache: Cache, scopePrefix: string, cluster: string | undefined, req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, {
    "Content-Type": "text/event-stream; charset=utf-8",
    "Cache-Control": "no-store",
    Connection: "keep-alive",
    "X-Accel-Buffering": "no",
  });
  // The revision lets a page tell that nothing was missed between its first read and the stream.
  res.write(`retry: 2000\nevent: ready\ndata: ${JSON.stringify({ revision: cache.revision })}\n\n`);
  const pending = new Map<string, ConsoleChange>();
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    timer = undefined;
    const changes = [...pending.values()];
    pending.clear();
    res.write(`data: ${JSON.stringify({ revision: cache.revision, changes })}\n\n`);
  };
  const subscription = cache.subscribe((change) => {
    const c = consoleChangeOf(change.key, scopePrefix, cluster);
    if (!c) return;
    pending.set(`${c.kind}/${c.name}`, c);
    timer ??= setTimeout(flush, BATCH_MS);
  });
  const keepalive = setInterval(() => res.write(": keepalive\n\n"), KEEPALIVE_MS);
  const end = () => {
    subscription.dispose();
    clearInterval(keepalive);
    if (timer) clearTimeout(timer);
  };
  req.on("close", end);
  res.on("error", end);
}
