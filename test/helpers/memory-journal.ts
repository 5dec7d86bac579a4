// The shared journal (src/store/etcd-journal.ts) played in memory for unit tests of what is
// applied from it: publish hands out increasing revisions as etcd would, `follow` hands over
// what is there past the position, and the test hands over entries again with `deliver` (a
// follower catching up after the server's own apply) or adds other servers' with `other`.
import type { FollowHandlers, Journal, JournalRecord } from "../../src/store/index.js";

export interface MemoryJournal {
  journal: Journal;
  entries: JournalRecord[];
  /** An entry another server published: the next revision. */
  other(topic: string, id: string, kind: string, body: unknown): JournalRecord;
  /** Hands an entry to every follower of its topic. */
  deliver(entry: JournalRecord): void;
}

export function memoryJournal(): MemoryJournal {
  const entries: JournalRecord[] = [];
  let revision = 100;
  const followers: { topic: string; handlers: FollowHandlers }[] = [];
  const add = (topic: string, id: string, kind: string, body: unknown) => {
    // A copy through JSON, as the body crosses etcd.
    entries.push({ id, topic, kind, body: JSON.parse(JSON.stringify(body)), revision: ++revision });
    return entries.at(-1)!;
  };
  const deliver = (e: JournalRecord) => {
    for (const f of followers) if (f.topic === e.topic) f.handlers.onEntry(e);
  };
  const journal: Journal = {
    ttlMs: 3_600_000,
    async publish(topic, kind, body) {
      const e = add(topic, `e${entries.length}`, kind, body);
      return { id: e.id, revision: e.revision };
    },
    async follow(topic, after, handlers) {
      const f = { topic, handlers };
      followers.push(f);
      for (const e of entries) if (e.topic === topic && e.revision > after) handlers.onEntry(e);
      return { stop: () => void followers.splice(followers.indexOf(f), 1) };
    },
    close() {},
  };
  return { journal, entries, other: add, deliver };
}
