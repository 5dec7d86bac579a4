// The store side of asking an agent connected to another server (api/agent-relay.ts): a request
// record, its reply, and their deletion, each one guarded write. Records live under the scope of
// the instance asked, beside its other records, so a reset of the scope takes them too.
import type { Scope } from "../model/index.js";
import { commit, put, type Deps } from "./deps.js";
import { scopePrefix } from "./keys.js";

export const requestKey = (scope: Scope, id: string) => `${scopePrefix(scope)}agent-relay/requests/${id}`;
export const replyKey = (scope: Scope, id: string) => `${scopePrefix(scope)}agent-relay/replies/${id}`;

/** "requests" | "replies", the id and the reply key of a relay record's key; undefined for any other key. */
export function relayKeyOf(key: string): { kind: "requests" | "replies"; id: string; replyKey: string } | undefined {
  const m = /^(\/berth\/[^/]+\/[^/]+\/agent-relay\/)(requests|replies)\/([^/]+)$/.exec(key);
  return m ? { kind: m[2] as "requests" | "replies", id: m[3]!, replyKey: `${m[1]}replies/${m[3]}` } : undefined;
}

/** Writes a new request; it never replaces one. */
export function putRequest(deps: Deps, key: string, value: unknown): Promise<void> {
  return commit(deps, () => ({ guards: [{ key, modRevision: 0 }], ops: [put(key, value)], result: undefined }));
}

/** Writes the reply to the request at `reqKey`: once, and only while the request still exists. */
export function putReply(deps: Deps, reqKey: string, key: string, value: unknown): Promise<void> {
  return commit(deps, () => {
    const asked = deps.cache.getEntry(reqKey);
    if (!asked || deps.cache.getEntry(key)) return { guards: [], ops: [], result: undefined };
    return { guards: [{ key: reqKey, modRevision: asked.modRevision }, { key, modRevision: 0 }], ops: [put(key, value)], result: undefined };
  });
}

/**
 * Deletes those of `keys` that exist, guarded on each: a reply written between the cache read
 * and the delete fails the guard, and the retry deletes it too.
 */
export function deleteRecords(deps: Deps, keys: readonly string[]): Promise<void> {
  return commit(deps, () => {
    const entries = keys.map((key) => ({ key, entry: deps.cache.getEntry(key) }));
    return {
      guards: entries.map(({ key, entry }) => ({ key, modRevision: entry?.modRevision ?? 0 })),
      ops: entries.flatMap(({ key, entry }) => (entry ? [{ kind: "delete" as const, key }] : [])),
      result: undefined,
    };
  });
}
