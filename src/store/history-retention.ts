// How much history a store keeps: by revision count, by age and by size, whichever forgets
// most — etcd's auto-compaction has the first two ("revision" and "periodic" modes); size is
// what bounds the disk under churn, where a few revisions a second can each write kilobytes.
//
// The store does not know when a revision was written or how big it was once it is on disk, so
// a ledger in memory notes, per span of revisions, when the span ended and how many bytes of
// keys and values its transactions wrote. Compacting forgets whole spans. After a restart the
// history already on disk is one span, dated at the restart: age counts from then.

export interface RetentionPolicy {
  /** Keep at most this many revisions of history. */
  keepRevisions?: number;
  /** Forget history written longer ago than this (milliseconds). */
  maxAgeMs?: number;
  /** Forget the oldest history once the bytes written since the compaction point pass this. */
  maxBytes?: number;
}

/** Writes of consecutive revisions: compacting through `through` forgets them (and older). */
export interface HistorySpan {
  through: number;
  /** When its last write committed (epoch milliseconds). */
  endedAt: number;
  bytes: number;
}

/**
 * The revision to compact through under `policy` (never below `compacted`, never above `head`):
 * the furthest any one rule asks for.
 *
 * Worked example, head 1,000, spans (oldest first) through 400 (300 KB, ended 10:00), through
 * 700 (500 KB, 10:05), through 1,000 (400 KB, 10:10); now 10:12:
 * - keepRevisions 800 → 200;
 * - maxAgeMs 10 min → 400 (the first span ended 12 min ago; the second only 7);
 * - maxBytes 1 MB → 400: from the newest, 400 KB + 500 KB fit, adding 300 KB would not;
 * so the store compacts through 400 and keeps revisions 401..1,000 (900 KB, 7 minutes).
 */
export function compactionPoint(spans: readonly HistorySpan[], head: number, compacted: number, policy: RetentionPolicy, now: number): number {
  let point = compacted;
  if (policy.keepRevisions !== undefined) point = Math.max(point, head - policy.keepRevisions);
  if (policy.maxAgeMs !== undefined) {
    for (const span of spans) if (span.endedAt <= now - policy.maxAgeMs) point = Math.max(point, span.through);
  }
  if (policy.maxBytes !== undefined) {
    let kept = 0;
    for (let i = spans.length - 1; i >= 0; i--) {
      kept += spans[i]!.bytes;
      if (kept > policy.maxBytes) {
        point = Math.max(point, spans[i]!.through);
        break;
      }
    }
  }
  return Math.min(point, head);
}

export function checkPolicy(policy: RetentionPolicy): void {
  for (const name of ["keepRevisions", "maxAgeMs", "maxBytes"] as const) {
    const value = policy[name];
    if (value !== undefined && !(Number.isSafeInteger(value) && value >= 0)) {
      throw new RangeError(`retention ${name} must be an integer >= 0, got ${value}`);
    }
  }
}

/** The spans of history not yet compacted, oldest first; the newest is open for more writes. */
export class HistoryLedger {
  private spans: HistorySpan[] = [];
  private open = false;
  private total = 0;

  /** A span closes once it holds this many bytes, so size compaction forgets a little at a time. */
  constructor(private readonly spanBytes = Infinity) {}

  record(revision: number, bytes: number, now: number): void {
    let span = this.spans[this.spans.length - 1];
    if (!span || !this.open || span.bytes >= this.spanBytes) {
      span = { through: revision, endedAt: now, bytes: 0 };
      this.spans.push(span);
      this.open = true;
    }
    span.through = revision;
    span.endedAt = now;
    span.bytes += bytes;
    this.total += bytes;
  }

  /** Closes the open span: later writes start a new one (the age rule's granularity). */
  seal(): void {
    this.open = false;
  }

  /** Drops the spans a compaction through `revision` forgot. */
  forget(revision: number): void {
    let i = 0;
    while (i < this.spans.length && this.spans[i]!.through <= revision) this.total -= this.spans[i++]!.bytes;
    if (i > 0) this.spans = this.spans.slice(i);
  }

  list(): readonly HistorySpan[] {
    return this.spans;
  }

  /** Bytes written since the compaction point. */
  bytes(): number {
    return this.total;
  }
}
