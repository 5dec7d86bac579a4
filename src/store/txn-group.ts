// Group commit for the etcd store: transactions that arrive while others are on their way to
// etcd are sent together, as one etcd transaction, when they touch disjoint keys. Each etcd
// transaction is a round trip and a raft entry; under load (many agents reporting, the scheduler
// launching) most of berth's are small writes to different keys, and one transaction carrying
// twenty of them costs little more than one.
//
// Why merging keeps each transaction's meaning: a group is formed only of transactions whose
// written keys no other member compares or writes. The merged transaction succeeds exactly when
// every member's compares hold at one point of etcd's history; then applying the members one
// after the other at that point would have succeeded too and left the same keys, so each
// succeeds, at the merged revision. When the merged one fails, some compare did not hold: each
// member is sent again on its own, as it would have been without grouping, and gets its own
// answer. Transactions with a failure branch or a range delete are never grouped.
//
// At most `maxInFlight` etcd requests are outstanding; with fewer concurrent callers than that,
// every transaction goes out at once, alone, as before.

export interface GroupableTxn<C, O> {
  /** Keys the transaction compares. */
  reads: readonly string[];
  /** Keys it writes (puts or deletes). */
  writes: readonly string[];
  compare: C[];
  success: O[];
  /** Bytes its writes carry (values and keys), to keep a group under etcd's request limit. */
  bytes: number;
}

export interface TxnOutcome {
  succeeded: boolean;
  revision: number;
}

export interface TxnGroupOptions {
  maxInFlight?: number;
  /** etcd's --max-txn-ops (128 by default) bounds compares and ops of one transaction. */
  maxOps?: number;
  /** etcd's --max-request-bytes is 1.5 MiB by default; a group stays well under it. */
  maxBytes?: number;
}

interface Pending<C, O> {
  txn: GroupableTxn<C, O>;
  resolve(outcome: TxnOutcome): void;
  reject(err: unknown): void;
}

/** Which of `queue` (in order) join the first in one group, pure. Returns their indexes. */
export function formGroup<C, O>(queue: readonly GroupableTxn<C, O>[], limits: { maxOps: number; maxBytes: number }): number[] {
  if (queue.length === 0) return [];
  const chosen = [0];
  const first = queue[0]!;
  const written = new Set(first.writes);
  const read = new Set(first.reads);
  let compares = first.compare.length;
  let ops = first.success.length;
  let bytes = first.bytes;
  for (let i = 1; i < queue.length; i++) {
    const t = queue[i]!;
    if (compares + t.compare.length > limits.maxOps || ops + t.success.length > limits.maxOps || bytes + t.bytes > limits.maxBytes) continue;
    if (t.writes.some((k) => written.has(k) || read.has(k)) || t.reads.some((k) => written.has(k))) continue;
    chosen.push(i);
    for (const k of t.writes) written.add(k);
    for (const k of t.reads) read.add(k);
    compares += t.compare.length;
    ops += t.success.length;
    bytes += t.bytes;
  }
  return chosen;
}

export class TxnGroup<C, O> {
  readonly #send: (compare: C[], success: O[]) => Promise<TxnOutcome>;
  readonly #maxInFlight: number;
  readonly #limits: { maxOps: number; maxBytes: number };
  readonly #queue: Pending<C, O>[] = [];
  #inFlight = 0;

  constructor(send: (compare: C[], success: O[]) => Promise<TxnOutcome>, options: TxnGroupOptions = {}) {
    this.#send = send;
    this.#maxInFlight = options.maxInFlight ?? 4;
    this.#limits = { maxOps: options.maxOps ?? 128, maxBytes: options.maxBytes ?? 1024 * 1024 };
  }

  submit(txn: GroupableTxn<C, O>): Promise<TxnOutcome> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ txn, resolve, reject });
      this.#pump();
    });
  }

  /** Resolves once nothing is queued or on its way (or after `timeoutMs`), for a clean close. */
  async drain(timeoutMs = 5_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while ((this.#queue.length > 0 || this.#inFlight > 0) && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
  }

  #pump(): void {
    while (this.#inFlight < this.#maxInFlight && this.#queue.length > 0) {
      const indexes = formGroup(
        this.#queue.map((p) => p.txn),
        this.#limits,
      );
      const group = indexes.map((i) => this.#queue[i]!);
      for (const i of [...indexes].reverse()) this.#queue.splice(i, 1);
      this.#inFlight++;
      void this.#run(group).finally(() => {
        this.#inFlight--;
        this.#pump();
      });
    }
  }

  async #run(group: Pending<C, O>[]): Promise<void> {
    if (group.length === 1) {
      const [only] = group as [Pending<C, O>];
      await this.#send(only.txn.compare, only.txn.success).then(only.resolve, only.reject);
      return;
    }
    let merged: TxnOutcome;
    try {
      merged = await this.#send(
        group.flatMap((p) => p.txn.compare),
        group.flatMap((p) => p.txn.success),
      );
    } catch (err) {
      for (const p of group) p.reject(err);
      return;
    }
    if (merged.succeeded) {
      for (const p of group) p.resolve(merged);
      return;
    }
    // Some member's compare failed: each on its own, for its own answer.
    await Promise.all(group.map((p) => this.#send(p.txn.compare, p.txn.success).then(p.resolve, p.reject)));
  }
}
