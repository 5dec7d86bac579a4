// The store's export format and how an import replays it, pure (store-commands.ts does the I/O).
//
// JSON lines: a header, then one line per key in the order the keys were last written
// (modRevision, then key):
//   {"format":"berth-store","version":1,"revision":42,"keys":2}
//   {"key":"berth/…","value":"{…}","createRevision":3,"modRevision":7,"version":2}
// An import cannot give the target the source's revisions (the target counts its own), but it
// writes the keys in this order, the keys one source transaction left together in one target
// transaction where etcd's limits allow, so "written before" still holds between any two keys.
import { compareKeys } from "../store/index.js";
import type { KeyValue, Op } from "../store/index.js";

export const EXPORT_FORMAT = "berth-store";
export const EXPORT_VERSION = 1;

export interface ExportHeader {
  format: typeof EXPORT_FORMAT;
  version: typeof EXPORT_VERSION;
  /** The source store's revision the snapshot was read at. */
  revision: number;
  keys: number;
}

/** The export's lines (each without its newline), header first. */
export function exportLines(kvs: readonly KeyValue[], revision: number): string[] {
  const header: ExportHeader = { format: EXPORT_FORMAT, version: EXPORT_VERSION, revision, keys: kvs.length };
  const ordered = [...kvs].sort((a, b) => a.modRevision - b.modRevision || compareKeys(a.key, b.key));
  return [
    JSON.stringify(header),
    ...ordered.map((kv) => JSON.stringify({ key: kv.key, value: kv.value, createRevision: kv.createRevision, modRevision: kv.modRevision, version: kv.version })),
  ];
}

/** Reads an export; an Error names the first bad line. */
export function parseExport(text: string): { header: ExportHeader; kvs: KeyValue[] } {
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  const parse = (i: number): Record<string, unknown> => {
    try {
      const value: unknown = JSON.parse(lines[i]!);
      if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
    } catch {
      // reported below
    }
    throw new Error(`line ${i + 1}: not a JSON object`);
  };
  if (lines.length === 0) throw new Error("the input is empty: expected a berth store export (berth store export)");
  const h = parse(0);
  if (h.format !== EXPORT_FORMAT) throw new Error(`line 1: not a berth store export (format is ${JSON.stringify(h.format)}, expected "${EXPORT_FORMAT}")`);
  if (h.version !== EXPORT_VERSION) throw new Error(`line 1: export version ${JSON.stringify(h.version)} is not supported (this berth reads ${EXPORT_VERSION})`);
  const count = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;
  if (!count(h.revision) || !count(h.keys)) throw new Error("line 1: revision and keys must be integers >= 0");
  const kvs: KeyValue[] = [];
  const seen = new Set<string>();
  let lastRevision = 0;
  for (let i = 1; i < lines.length; i++) {
    const o = parse(i);
    const { key, value, createRevision, modRevision, version } = o;
    if (typeof key !== "string" || key === "") throw new Error(`line ${i + 1}: key must be a non-empty string`);
    if (typeof value !== "string") throw new Error(`line ${i + 1}: value of ${key} must be a string`);
    for (const [name, n] of [["createRevision", createRevision], ["modRevision", modRevision], ["version", version]] as const) {
      if (!Number.isSafeInteger(n) || (n as number) < 1) throw new Error(`line ${i + 1}: ${name} of ${key} must be an integer >= 1`);
    }
    if ((modRevision as number) < lastRevision) throw new Error(`line ${i + 1}: ${key} is out of modRevision order`);
    if (seen.has(key)) throw new Error(`line ${i + 1}: ${key} appears twice`);
    seen.add(key);
    lastRevision = modRevision as number;
    kvs.push({ key, value, createRevision: createRevision as number, modRevision: modRevision as number, version: version as number });
  }
  if (kvs.length !== h.keys) throw new Error(`the export is cut short: the header announces ${h.keys} keys, ${kvs.length} follow`);
  return { header: h as unknown as ExportHeader, kvs };
}

export interface BatchLimits {
  /** Ops per transaction (etcd's --max-txn-ops is 128 by default). */
  maxOps: number;
  /** Bytes of keys and values per transaction (etcd's --max-request-bytes is 1.5 MiB). */
  maxBytes: number;
}

export const DEFAULT_LIMITS: BatchLimits = { maxOps: 100, maxBytes: 1024 * 1024 };

/**
 * The import's transactions, in order: each source revision's keys together, split where a
 * transaction would pass a limit. Never two source revisions in one transaction, so the order
 * of modRevisions carries over exactly.
 */
export function importBatches(kvs: readonly KeyValue[], limits: BatchLimits = DEFAULT_LIMITS): Op[][] {
  const batches: Op[][] = [];
  let current: Op[] = [];
  let bytes = 0;
  let revision: number | undefined;
  for (const kv of kvs) {
    const size = Buffer.byteLength(kv.key) + Buffer.byteLength(kv.value);
    if (current.length > 0 && (kv.modRevision !== revision || current.length >= limits.maxOps || bytes + size > limits.maxBytes)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push({ kind: "put", key: kv.key, value: kv.value });
    bytes += size;
    revision = kv.modRevision;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
