// The SQLite rows as the Store's types: a current row as a KeyValue, history rows as watch
// batches (one per revision, in order), each event with the value it replaced.
import type { CurrentRow, HistoryRow } from "./sqlite-schema.js";
import type { KeyValue, WatchBatch, WatchEvent } from "./types.js";

export function toKeyValue(row: CurrentRow): KeyValue {
  return {
    key: row.key,
    value: row.value,
    createRevision: row.createRevision,
    modRevision: row.modRevision,
    version: row.version,
  };
}

export function toBatches(rows: HistoryRow[]): WatchBatch[] {
  const batches: WatchBatch[] = [];
  let batch: WatchBatch | undefined;
  for (const row of rows) {
    if (!batch || batch.revision !== row.revision) {
      batch = { revision: row.revision, events: [] };
      batches.push(batch);
    }
    batch.events.push(toEvent(row));
  }
  return batches;
}

function toEvent(row: HistoryRow): WatchEvent {
  const prevKv: KeyValue | undefined =
    row.prevId !== null && row.prevValue !== null
      ? {
          key: row.key,
          value: row.prevValue,
          createRevision: row.prevCreateRevision as number,
          modRevision: row.prevModRevision as number,
          version: row.prevVersion as number,
        }
      : undefined;
  const event: WatchEvent =
    row.deleted === 1
      ? { type: "delete", key: row.key, modRevision: row.revision }
      : {
          type: "put",
          kv: {
            key: row.key,
            value: row.value as string,
            createRevision: row.createRevision,
            modRevision: row.revision,
            version: row.version,
          },
        };
  if (prevKv) event.prevKv = prevKv;
  return event;
}
