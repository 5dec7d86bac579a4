// The Store on etcd (v3 API, through the etcd3 library's gRPC clients), for control planes that
// outlive one machine. The contract in types.ts was written after etcd's, so most calls map
// one to one; the differences are explained where they are handled and in docs/etcd.md.
//
// Keys: berth's key K is etcd's "/<prefix>/kv/K"; "/<prefix>/meta" marks the prefix as a berth
// store. Revisions: etcd's revision is shared by everything in the etcd cluster and is already
// past 1 before berth writes anything, while berth's contract counts from 0 ("nothing
// written"). So berth's revision is etcd's minus a fixed base, the revision at which the marker
// was created: berth revision 1 is the first write after it. Every revision berth shows (header,
// createRevision, modRevision, watch batches, compaction points) is shifted by the same base,
// so order and distances are etcd's own.
import { readFileSync } from "node:fs";
import { Etcd3, type IOptions } from "etcd3";
import type * as RPC from "etcd3/lib/rpc.js";
import { planOps, type PlannedOp } from "./etcd-ops.js";
import type { EtcdConnection } from "./etcd-url.js";
import { compareKeys, prefixEnd } from "./key-order.js";
import { checkKey, checkTxn } from "./txn-checks.js";
import { TxnGroup } from "./txn-group.js";
import {
  CompactedError,
  type Compare,
  type Disposable,
  type KeyValue,
  type RangeOptions,
  type RangeResponse,
  type Store,
  type TxnRequest,
  type TxnResponse,
  type WatchBatch,
  type WatchEvent,
  type WatchOptions,
} from "./types.js";

export interface EtcdStore extends Store {
  /** The etcd key under which berth's key "" would be: "/<prefix>/kv/". */
  readonly keyRoot: string;
  /** etcd's revision when berth's was 0 (berth revision = etcd revision - base). */
  readonly base: number;
  /** The etcd client, for what lives beside the store's keys (the write journal, etcd-journal.ts). */
  readonly client: Etcd3;
}

export interface EtcdStoreOptions extends EtcdConnection {
  /** How long to wait for a member to answer a connection attempt (default 5 s). */
  dialTimeoutMs?: number;
}

const RESULTS = { "==": "Equal", "!=": "NotEqual", "<": "Less", ">": "Greater" } as const;

/** Connects, and marks the prefix as berth's on first use (refusing a prefix with other keys). */
export async function openEtcdStore(options: EtcdStoreOptions): Promise<EtcdStore> {
  const clientOptions: IOptions = { hosts: options.endpoints, dialTimeout: options.dialTimeoutMs ?? 5000 };
  if (options.tls) {
    clientOptions.credentials = {
      rootCertificate: readFileSync(options.tls.caFile),
      ...(options.tls.certFile ? { certChain: readFileSync(options.tls.certFile), privateKey: readFileSync(options.tls.keyFile!) } : {}),
    };
  }
  if (options.auth) clientOptions.auth = { username: options.auth.username, password: options.auth.password };
  const client = new Etcd3(clientOptions);
  try {
    const root = `/${options.prefix.replace(/^\/+|\/+$/g, "")}/`;
    const keyRoot = `${root}kv/`;
    const meta = Buffer.from(`${root}meta`);
    const keyEnd = Buffer.from(prefixEnd(keyRoot)!);
    // Create the marker only where no key is yet: a range compare on "every key's modRevision
    // < 1" holds exactly when the range is empty.
    const res = await client.kv.txn({
      compare: [
        { key: meta, target: "Mod", result: "Equal", mod_revision: 0 },
        { key: Buffer.from(keyRoot), range_end: keyEnd, target: "Mod", result: "Less", mod_revision: 1 },
      ],
      success: [{ request_put: { key: meta, value: Buffer.from(JSON.stringify({ berthStore: 1, keyRoot })) } }],
      failure: [{ request_range: { key: meta } }],
    });
    let base: number;
    if (res.succeeded) base = Number(res.header.revision);
    else {
      const marker = res.responses[0]?.response_range?.kvs[0];
      if (!marker) {
        throw new Error(`etcd prefix ${root} holds keys that berth did not write (no ${root}meta): choose another prefix`);
      }
      base = Number(marker.create_revision);
    }
    return new EtcdStoreImpl(client, keyRoot, base);
  } catch (err) {
    client.close();
    throw err;
  }
}

class EtcdStoreImpl implements EtcdStore {
  private readonly rootBytes: Buffer;
  private readonly rootEnd: Buffer;
  private readonly watches = new Set<EtcdWatch>();
  private closed = false;

  /**
   * Group commit of concurrent writes (txn-group.ts). Off unless BERTH_ETCD_GROUP_COMMIT=1: it
   * passes the Store conformance suite on etcd, but has not yet been through the chaos test or
   * measured; it becomes the default once it has.
   */
  private readonly group: TxnGroup<RPC.ICompare, RPC.IRequestOp> | undefined;

  constructor(
    readonly client: Etcd3,
    readonly keyRoot: string,
    readonly base: number,
  ) {
    this.rootBytes = Buffer.from(keyRoot);
    this.rootEnd = Buffer.from(prefixEnd(keyRoot)!);
    this.group = process.env.BERTH_ETCD_GROUP_COMMIT !== "1" ? undefined : new TxnGroup((compare, success) => this.sendTxn(compare, success));
  }

  etcdKey(key: string): Buffer {
    return Buffer.from(this.keyRoot + key);
  }

  /** The etcd range of berth keys starting with `prefix`. */
  etcdRange(prefix: string): { key: Buffer; range_end: Buffer } {
    const end = prefixEnd(prefix);
    return { key: this.etcdKey(prefix), range_end: end === undefined ? this.rootEnd : this.etcdKey(end) };
  }

  toKeyValue(kv: RPC.IKeyValue): KeyValue {
    return {
      key: kv.key.toString("utf8").slice(this.keyRoot.length),
      value: kv.value.toString("utf8"),
      createRevision: Number(kv.create_revision) - this.base,
      modRevision: Number(kv.mod_revision) - this.base,
      version: Number(kv.version),
    };
  }

  async get(key: string): Promise<KeyValue | undefined> {
    this.checkOpen();
    checkKey("get key", key);
    const res = await this.client.kv.range({ key: this.etcdKey(key) });
    const kv = res.kvs[0];
    return kv ? this.toKeyValue(kv) : undefined;
  }

  async range(prefix: string, options: RangeOptions = {}): Promise<RangeResponse> {
    this.checkOpen();
    if (typeof prefix !== "string") throw new TypeError(`range prefix must be a string, got ${typeof prefix}`);
    const limit = options.limit ?? 0;
    if (!Number.isSafeInteger(limit) || limit < 0) throw new RangeError(`range limit must be an integer >= 0, got ${limit}`);
    const range = this.etcdRange(prefix);
    const start = options.startKey !== undefined && compareKeys(options.startKey, prefix) > 0 ? this.etcdKey(options.startKey) : range.key;
    if (Buffer.compare(start, range.range_end) >= 0) return { kvs: [], revision: await this.revision(), more: false };
    const res = await this.client.kv.range({ key: start, range_end: range.range_end, limit });
    return { kvs: res.kvs.map((kv) => this.toKeyValue(kv)), revision: Number(res.header.revision) - this.base, more: res.more };
  }

  async txn(request: TxnRequest): Promise<TxnResponse> {
    this.checkOpen();
    checkTxn(request);
    const compare = (request.compare ?? []).map((c) => this.toCompare(c));
    const success = planOps(request.success);
    const failure = planOps(request.failure ?? []);
    // Plain guarded writes go through the group commit (txn-group.ts); the rest alone.
    if (this.group && failure.length === 0 && success.every((op) => op.kind !== "deleteRange")) {
      const writes = success.map((op) => op.key);
      const bytes = success.reduce((n, op) => n + (op.kind === "put" ? op.key.length + op.value.length : 0) + this.keyRoot.length, 0);
      return this.group.submit({ reads: (request.compare ?? []).map((c) => c.key), writes, compare, success: success.map((op) => this.toRequestOp(op)), bytes });
    }
    return this.sendTxn(
      compare,
      success.map((op) => this.toRequestOp(op)),
      failure.map((op) => this.toRequestOp(op)),
    );
  }

  private async sendTxn(compare: RPC.ICompare[], success: RPC.IRequestOp[], failure: RPC.IRequestOp[] = []): Promise<TxnResponse> {
    const res = await this.client.kv.txn({ compare, success, failure });
    // etcd, like the contract, moves its revision only when an op changed something.
    return { succeeded: res.succeeded, revision: Number(res.header.revision) - this.base };
  }

  private toCompare(c: Compare): RPC.ICompare {
    return {
      key: this.etcdKey(c.key),
      target: "Mod",
      result: RESULTS[c.op ?? "=="],
      // 0 is "absent" in both; any other revision is shifted like every revision.
      mod_revision: c.modRevision === 0 ? 0 : c.modRevision + this.base,
    };
  }

  private toRequestOp(op: PlannedOp): RPC.IRequestOp {
    if (op.kind === "put") return { request_put: { key: this.etcdKey(op.key), value: Buffer.from(op.value) } };
    if (op.kind === "deleteKey") return { request_delete_range: { key: this.etcdKey(op.key) } };
    return { request_delete_range: { key: this.etcdKey(op.from), range_end: op.to === undefined ? this.rootEnd : this.etcdKey(op.to) } };
  }

  watch(prefix: string, options: WatchOptions, onBatch: (batch: WatchBatch) => void): Disposable {
    this.checkOpen();
    if (typeof prefix !== "string") throw new TypeError(`watch prefix must be a string, got ${typeof prefix}`);
    const after = options.afterRevision;
    if (!Number.isSafeInteger(after) || after < 0) throw new RangeError(`watch afterRevision must be an integer >= 0, got ${after}`);
    const watch = new EtcdWatch(this, prefix, options, onBatch, () => this.watches.delete(watch));
    this.watches.add(watch);
    watch.start();
    return watch;
  }

  async revision(): Promise<number> {
    this.checkOpen();
    // A count of berth's own range is the cheapest read that carries the cluster's revision.
    const res = await this.client.kv.range({ key: this.rootBytes, range_end: this.rootEnd, count_only: true });
    return Number(res.header.revision) - this.base;
  }

  async compact(revision: number): Promise<void> {
    this.checkOpen();
    if (!Number.isSafeInteger(revision) || revision < 0) throw new RangeError(`compact revision must be an integer >= 0, got ${revision}`);
    if (revision === 0) return;
    try {
      // etcd's compaction at R keeps revision R readable and refuses watches that start before
      // it; berth watches start one revision before the first they deliver (EtcdWatch), so
      // "from after R" works and "from after R-1" fails, as the contract wants.
      await this.client.kv.compact({ revision: revision + this.base, physical: false });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (/future revision/.test(message)) {
        throw new RangeError(`cannot compact to revision ${revision}: the store is at ${await this.revision()}`);
      }
      if (/has been compacted/.test(message)) return; // already compacted at or past it
      throw err;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const watch of [...this.watches]) watch.dispose();
    // Writes accepted before the close go out before the client closes.
    await this.group?.drain();
    this.client.close();
  }

  checkOpen(): void {
    if (this.closed) throw new Error("etcd store is closed");
  }
}

/**
 * One berth watch on its own etcd watch stream. It remembers the last etcd revision it has
 * passed on (or skipped), and when the stream breaks (a member restarts, a leader changes) it
 * opens a new one from there: nothing is lost, nothing delivered twice.
 */
class EtcdWatch implements Disposable {
  /** The etcd revision up to which every change has been delivered (or was not ours). */
  private position: number;
  /** etcd's head when the stream was opened: quiet revisions up to it are replay, skipped. */
  private replayUntil = Infinity;
  private stream: RPC.IDuplexStream<RPC.IWatchRequest, RPC.IWatchResponse> | undefined;
  private disposed = false;
  private retryMs = 50;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: EtcdStoreImpl,
    private readonly prefix: string,
    private readonly options: WatchOptions,
    private readonly onBatch: (batch: WatchBatch) => void,
    private readonly forget: () => void,
  ) {
    this.position = options.afterRevision + store.base;
  }

  start(): void {
    void this.open();
  }

  private async open(): Promise<void> {
    if (this.disposed) return;
    let stream: RPC.IDuplexStream<RPC.IWatchRequest, RPC.IWatchResponse>;
    try {
      stream = await this.store.client.watchClient.watch();
    } catch (err) {
      this.reconnect(err);
      return;
    }
    if (this.disposed) {
      stream.cancel();
      return;
    }
    this.stream = stream;
    this.replayUntil = Infinity;
    stream.on("data", (res: RPC.IWatchResponse) => {
      if (this.stream === stream) this.receive(res);
    });
    stream.on("error", (err: Error) => {
      if (this.stream === stream) this.reconnect(err);
    });
    stream.on("end", () => {
      if (this.stream === stream) this.reconnect(new Error("etcd watch stream ended"));
    });
    // A progress watch reads every berth key and keeps the prefix's own; the empty batches it
    // owes are the revisions where none of them changed (etcd has no "revision passed" event).
    const range = this.options.progress ? this.store.etcdRange("") : this.store.etcdRange(this.prefix);
    stream.write({
      create_request: {
        ...range,
        // One revision early: etcd refuses a start before its compaction point, and berth must
        // refuse "after the point minus one" too (see compact()). That revision is skipped.
        start_revision: this.position,
        prev_kv: true,
        progress_notify: this.options.progress === true,
      },
    });
  }

  private receive(res: RPC.IWatchResponse): void {
    if (this.disposed) return;
    this.retryMs = 50;
    if (res.canceled || Number(res.compact_revision) > 0) {
      const compacted = Number(res.compact_revision);
      this.end(
        compacted > 0
          ? new CompactedError(this.options.afterRevision, compacted - this.store.base)
          : new Error(`etcd cancelled the watch of ${JSON.stringify(this.prefix)}: ${res.cancel_reason || "no reason given"}`),
      );
      return;
    }
    const head = Number(res.header.revision);
    if (res.created) {
      this.replayUntil = head;
      return;
    }
    if (res.events.length === 0) {
      // A progress notification: every change up to `head` has been sent on this stream.
      if (head > this.position) {
        this.position = head;
        if (this.options.progress) this.deliver({ revision: head - this.store.base, events: [] });
      }
      return;
    }
    // etcd never splits one revision's events across responses (without fragmenting, which
    // berth does not ask for), so each run of one mod_revision is one whole transaction.
    let i = 0;
    while (i < res.events.length && !this.disposed) {
      const revision = Number(res.events[i]!.kv.mod_revision);
      const events: WatchEvent[] = [];
      for (; i < res.events.length && Number(res.events[i]!.kv.mod_revision) === revision; i++) {
        const event = this.toEvent(res.events[i]!);
        if (event) events.push(event);
      }
      if (revision <= this.position) continue;
      this.position = revision;
      if (events.length > 0 || (this.options.progress && revision >= this.replayUntil)) {
        this.deliver({ revision: revision - this.store.base, events });
      }
    }
  }

  private toEvent(event: RPC.IEvent): WatchEvent | undefined {
    const kv = this.store.toKeyValue(event.kv);
    if (!kv.key.startsWith(this.prefix)) return undefined;
    const prev = event.prev_kv ? { prevKv: this.store.toKeyValue(event.prev_kv) } : {};
    return event.type === "Put" ? { type: "put", kv, ...prev } : { type: "delete", key: kv.key, modRevision: kv.modRevision, ...prev };
  }

  private deliver(batch: WatchBatch): void {
    try {
      this.onBatch(batch);
    } catch (err) {
      this.report(err instanceof Error ? err : new Error(String(err)));
    }
  }

  private report(err: Error): void {
    if (this.options.onError) this.options.onError(err);
    else
      queueMicrotask(() => {
        throw err;
      });
  }

  /** The stream broke: open a new one from the position, backing off up to 2 s. */
  private reconnect(_err: unknown): void {
    const stream = this.stream;
    this.stream = undefined;
    stream?.cancel();
    if (this.disposed) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.open(), this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, 2000);
  }

  private end(err: Error): void {
    this.dispose();
    this.report(err);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.timer);
    const stream = this.stream;
    this.stream = undefined;
    stream?.cancel();
    this.forget();
  }
}
