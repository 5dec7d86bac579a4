// Asking an agent connected to another server (several servers on one store, docs/distributed.md).
// An agent holds one channel, to one server; a request that needs an answer from it (GetTaskLogs,
// `berth logs`, the console's log view) may arrive at any server. The store carries it: the
// server that has no channel to the instance writes the request as a record, the one that holds
// the channel sees it through its cache, asks its agent, and writes the answer; the first server
// sees that, answers its caller, and deletes both records.
//
// Why the store and not server-to-server HTTP (as Kubernetes' API server reaches a kubelet):
// servers need no addresses of each other, no credentials for each other and no extra port;
// the store already reaches every server, and its guarded writes settle the races — the answer
// is written only while the request still exists, and only once. The price is a few writes per
// request, which is small against a log page and a human reading it.
import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import { agentRelayRecords as records, type Deps } from "../domain/index.js";
import { parseArn, type LogsReply, type LogsRequest } from "../model/index.js";
import type { Disposable } from "../store/index.js";

/** What asking an agent for logs came to: its reply, or why there is none. */
export type LogsOutcome = { kind: "reply"; reply: LogsReply } | { kind: "notConnected" } | { kind: "noAnswer" };

interface RelayRequest {
  instanceArn: string;
  request: LogsRequest;
  /** How long the holder may wait for its agent (ms). */
  timeoutMs: number;
  /** epoch ms after which nobody waits for the answer any more. */
  deadline: number;
}

/** How long past its deadline a left-over record (its asker died) is kept before any server deletes it. */
const STALE_MS = 60_000;
const SWEEP_MS = 30_000;

export interface AgentRelay {
  /** Asks, through the store, the server that holds the instance's channel; noAnswer at the timeout. */
  requestLogs(instanceArn: string, request: LogsRequest, timeoutMs: number): Promise<LogsOutcome>;
  close(): void;
}

export interface RelayHolder {
  /** Whether this server holds the instance's channel now. */
  holds(instanceArn: string): boolean;
  /** Asks the agent over this server's channel. */
  requestLogs(instanceArn: string, request: LogsRequest, timeoutMs: number): Promise<LogsOutcome>;
}

export function createAgentRelay(deps: Deps, logger: Logger, holder: RelayHolder): AgentRelay {
  /** Askers of this server waiting for their reply, by request id. */
  const waiting = new Map<string, (outcome: LogsOutcome) => void>();

  /** Every relay record this server's cache holds, with when it stops mattering (for the sweep). */
  const seen = new Map<string, number>();

  const subscription: Disposable = deps.cache.subscribe((change) => {
    const k = records.relayKeyOf(change.key);
    if (!k) return;
    if (change.type !== "put") {
      seen.delete(change.key);
      return;
    }
    const now = deps.clock.now();
    seen.set(change.key, k.kind === "requests" ? (change.value as RelayRequest).deadline : now);
    if (k.kind === "replies") {
      waiting.get(k.id)?.(change.value as LogsOutcome);
      return;
    }
    const req = change.value as RelayRequest;
    if (!holder.holds(req.instanceArn)) return;
    void answer(change.key, k.replyKey, req).catch((err: unknown) => logger.warn({ err, instance: req.instanceArn }, "could not relay an agent's answer"));
  });

  async function answer(reqKey: string, replyKey: string, req: RelayRequest): Promise<void> {
    const outcome = await holder.requestLogs(req.instanceArn, req.request, Math.max(0, Math.min(req.timeoutMs, req.deadline - deps.clock.now())));
    await records.putReply(deps, reqKey, replyKey, outcome);
  }

  // Records whose asker died are deleted by whichever server sweeps first.
  const sweeper = setInterval(() => {
    const now = deps.clock.now();
    const stale = [...seen].filter(([, until]) => until + STALE_MS < now).map(([key]) => key);
    if (stale.length) void records.deleteRecords(deps, stale).catch(() => undefined);
  }, SWEEP_MS);
  sweeper.unref();

  return {
    async requestLogs(instanceArn, request, timeoutMs) {
      const parsed = parseArn(instanceArn);
      if (!parsed) return { kind: "notConnected" };
      const scope = { accountId: parsed.accountId, region: parsed.region };
      const id = randomUUID();
      const reqKey = records.requestKey(scope, id);
      const key = records.replyKey(scope, id);
      let timer: NodeJS.Timeout | undefined;
      const replied = new Promise<LogsOutcome>((resolve) => {
        timer = setTimeout(() => resolve({ kind: "noAnswer" }), timeoutMs);
        waiting.set(id, (outcome) => {
          clearTimeout(timer);
          resolve(outcome);
        });
      });
      try {
        const value: RelayRequest = { instanceArn, request, timeoutMs: Math.max(0, timeoutMs - 1_000), deadline: deps.clock.now() + timeoutMs };
        await records.putRequest(deps, reqKey, value);
        return await replied;
      } finally {
        // Also when the request could not be written: nothing waits for the timer then.
        clearTimeout(timer);
        waiting.delete(id);
        await records.deleteRecords(deps, [reqKey, key]).catch((err: unknown) => logger.warn({ err }, "could not delete a relayed request"));
      }
    },
    close() {
      clearInterval(sweeper);
      subscription.dispose();
      for (const settle of waiting.values()) settle({ kind: "noAnswer" });
    },
  };
}
