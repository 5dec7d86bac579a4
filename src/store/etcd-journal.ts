// The write journal of several servers on one etcd: how CloudWatch Logs events and metric
// datapoints, which each server keeps in SQLite files of its own (too many to be store keys),
// reach every server. The server that accepts a write publishes it as one etcd key under
// /<prefix>/journal/<topic>/ (beside the store's /<prefix>/kv/, so the cache and its watches
// never see it) and answers only once etcd has committed it; every server follows the journal
// from the revision its ledger (journal-ledger.ts) holds and applies what it has not applied.
// Keys carry an etcd lease, so the journal holds about the last `ttlSeconds` of writes and no
// more: a server away longer than that misses what expired (docs/distributed.md).
import { randomBytes } from "node:crypto";
import type { Etcd3, Watcher } from "etcd3";
import { prefixEnd } from "./key-order.js";
import { decodeEntry, encodeEntry, entryKey, journalPrefix, newEntryId, type JournalRecord } from "./journal-rules.js";

export const DEFAULT_JOURNAL_TTL_SECONDS = 3600;

export interface Journal {
  readonly ttlMs: number;
  /** Writes one entry; resolves once etcd committed it, with its id and revision. */
  publish(topic: string, kind: string, body: unknown): Promise<{ id: string; revision: number }>;
  /**
   * Hands `onEntry` every entry of `topic` after revision `after`, in revision order: first those
   * in etcd now (resolved once they are all handed over), then each new one as it is written.
   * `onCaughtUp` is told the revision each time the follower has everything up to it.
   */
  follow(topic: string, after: number, handlers: FollowHandlers): Promise<{ stop(): void }>;
  close(): void;
}

export interface FollowHandlers {
  onEntry(record: JournalRecord): void;
  onCaughtUp?(revision: number): void;
  onError?(err: unknown): void;
}

export interface JournalOptions {
  /** The etcd client of the store. */
  client: Etcd3;
  /** "/<prefix>/": the journal goes under "/<prefix>/journal/". */
  root: string;
  serverId: string;
  ttlSeconds?: number;
}

/** Entries read per range request while catching up. */
const PAGE = 500;
/** How often a follower with a live watch reports itself caught up. */
const CAUGHT_UP_MS = 30_000;

export function openEtcdJournal(options: JournalOptions): Journal {
  const { client, root } = options;
  const ttlSeconds = options.ttlSeconds ?? DEFAULT_JOURNAL_TTL_SECONDS;
  // One lease serves the entries of a twelfth of the TTL, then a new one is granted: an entry
  // lives between 11/12 of the TTL and the TTL, and etcd holds a dozen leases of this server.
  const leaseSpanMs = Math.max(1000, (ttlSeconds * 1000) / 12);
  let lease: { id: Promise<string>; grantedAt: number } | undefined;
  const leaseId = (now: number, renew: boolean): Promise<string> => {
    if (!lease || renew || now - lease.grantedAt > leaseSpanMs) {
      const id = client.leaseClient.leaseGrant({ TTL: ttlSeconds, ID: 0 }).then((res) => res.ID);
      lease = { id, grantedAt: now };
      // A failed grant is not kept: the next publish asks again.
      id.catch(() => {
        if (lease?.id === id) lease = undefined;
      });
    }
    return lease.id;
  };
  const watchers = new Set<{ stop(): void }>();

  return {
    ttlMs: ttlSeconds * 1000,
    async publish(topic, kind, body) {
      const now = Date.now();
      const id = newEntryId(now, options.serverId, randomBytes(6).toString("hex"));
      const key = Buffer.from(entryKey(root, topic, id));
      const value = Buffer.from(encodeEntry(kind, body));
      // Created only where the key is absent: the etcd3 client retries a call whose answer was
      // lost on another member, and a second put of the same entry would be a second revision,
      // applied a second time. The retry finds the key instead, and its revision.
      const create = async (lease: string) => {
        const res = await client.kv.txn({
          compare: [{ key, target: "Create", result: "Equal", create_revision: 0 }],
          success: [{ request_put: { key, value, lease } }],
          failure: [{ request_range: { key } }],
        });
        if (res.succeeded) return Number(res.header.revision);
        const kv = res.responses[0]?.response_range?.kvs[0];
        if (!kv) throw new Error(`journal entry ${id} is neither new nor there`);
        return Number(kv.mod_revision);
      };
      let revision;
      try {
        revision = await create(await leaseId(now, false));
      } catch (err) {
        // The lease may have gone (etcd restored from a snapshot, or its clock ran on): one more
        // try under a new one.
        if (!/lease not found/i.test(String(err))) throw err;
        revision = await create(await leaseId(now, true));
      }
      return { id, revision };
    },

    async follow(topic, after, handlers) {
      const prefix = journalPrefix(root, topic);
      const range = { key: Buffer.from(prefix), range_end: Buffer.from(prefixEnd(prefix)!) };
      let position = after;
      let watcher: Watcher | undefined;
      let stopped = false;
      let retry: NodeJS.Timeout | undefined;

      const hand = (kv: { key: Buffer; value: Buffer; mod_revision: string }) => {
        const revision = Number(kv.mod_revision);
        if (revision <= position) return;
        const record = decodeEntry(root, kv.key.toString("utf8"), kv.value.toString("utf8"), revision);
        position = revision;
        if (record) handlers.onEntry(record);
      };

      /** Reads every entry after `position` that etcd holds, page by page at one revision. */
      const catchUp = async (): Promise<number> => {
        let head: number | undefined;
        for (;;) {
          const res = await client.kv.range({
            ...range,
            min_mod_revision: position + 1,
            sort_order: "Ascend",
            sort_target: "Mod",
            limit: PAGE,
            ...(head !== undefined ? { revision: head } : {}),
          });
          head ??= Number(res.header.revision);
          for (const kv of res.kvs) hand(kv);
          if (!res.more) break;
        }
        // Nothing of the topic between the last entry and the head: the follower is at the head.
        position = Math.max(position, head);
        return head;
      };

      /** From the head on, a watch; if it fails, catch up again by range (the keys outlive a compaction) and watch anew. */
      const watchFrom = async (head: number) => {
        if (stopped) return;
        const w = await client.watch().prefix(prefix).startRevision(String(head + 1)).create();
        if (stopped) {
          w.cancel().catch(() => {});
          return;
        }
        watcher = w;
        w.on("put", (kv) => {
          try {
            hand(kv);
          } catch (err) {
            handlers.onError?.(err);
          }
        });
        const restart = (err: unknown) => {
          if (watcher !== w || stopped) return;
          watcher = undefined;
          w.cancel().catch(() => {});
          handlers.onError?.(err);
          clearTimeout(retry);
          retry = setTimeout(() => void resume(), 1000);
        };
        w.on("error", restart);
        w.on("disconnected", restart);
      };

      const resume = async () => {
        if (stopped) return;
        try {
          const head = await catchUp();
          handlers.onCaughtUp?.(head);
          await watchFrom(head);
        } catch (err) {
          handlers.onError?.(err);
          clearTimeout(retry);
          retry = setTimeout(() => void resume(), 1000);
        }
      };

      const head = await catchUp();
      handlers.onCaughtUp?.(head);
      await watchFrom(head);
      const ticker = setInterval(() => {
        if (watcher) handlers.onCaughtUp?.(position);
      }, CAUGHT_UP_MS);
      ticker.unref();
      const handle = {
        stop() {
          stopped = true;
          clearInterval(ticker);
          clearTimeout(retry);
          watcher?.cancel().catch(() => {});
          watcher = undefined;
          watchers.delete(handle);
        },
      };
      watchers.add(handle);
      return handle;
    },

    close() {
      for (const w of [...watchers]) w.stop();
    },
  };
}
