// The store layer's public surface: the etcd-shaped Store contract, its SQLite backend, and
// the informer cache that the API and controllers read from.
export type {
  Compare,
  Disposable,
  KeyValue,
  Op,
  RangeOptions,
  RangeResponse,
  Store,
  TxnRequest,
  TxnResponse,
  WatchBatch,
  WatchEvent,
  WatchOptions,
} from "./types.js";
export { CompactedError } from "./types.js";
export { openSqliteStore, type SqliteStore, type SqliteStoreOptions } from "./sqlite-store.js";
export { createCache, type Cache, type CacheChange, type CacheEntry, type CacheOptions, type IndexFunction } from "./cache.js";
export { compareKeys, prefixEnd } from "./key-order.js";
export { openLogEventStore, EVENT_OVERHEAD, type LogEventStore, type LogEventInput, type LogPosition, type StoredLogEvent, type StreamStats } from "./log-events.js";
export { openEtcdStore, type EtcdStore, type EtcdStoreOptions } from "./etcd-store.js";
export { DEFAULT_ETCD_PREFIX, isEtcdUrl, parseEtcdUrl, type EtcdConnection } from "./etcd-url.js";
export { openLocalLogDatabase } from "./etcd-log-events.js";
export { openEtcdJournal, DEFAULT_JOURNAL_TTL_SECONDS, type Journal, type JournalOptions, type FollowHandlers } from "./etcd-journal.js";
export { openJournalLedger, type JournalLedger } from "./journal-ledger.js";
export { catchUpGap, firstSeqOf, type JournalRecord } from "./journal-rules.js";
