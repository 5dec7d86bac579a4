// A service's two logs, each one key per entry (record-log.ts): its events (what
// DescribeServices shows, newest first, at most 100 as ECS keeps) and the reconciler's decision
// log (berth's DescribeServiceDecisions, at most 50 passes). They live beside the service
// record, not inside it, so an event or a pass appends a few hundred bytes instead of rewriting
// the service with every event it ever kept.
import { uuid, type Scope } from "../model/index.js";
import type { Op } from "../store/index.js";
import type { Deps, Guard } from "./deps.js";
import { keys } from "./keys.js";
import { appendOps, newestFirst } from "./record-log.js";
import { MAX_EVENTS, type ServiceEvent } from "./service-records.js";

export const DEFAULT_DECISION_LOG_SIZE = 50;

export interface ServiceRef {
  clusterName: string;
  serviceName: string;
}

/** The service's events, newest first, at most MAX_EVENTS. */
export function readServiceEvents(deps: Deps, scope: Scope, service: ServiceRef): ServiceEvent[] {
  return newestFirst<ServiceEvent>(deps, keys.serviceEvents(scope, service.clusterName, service.serviceName), MAX_EVENTS);
}

/** Ops appending events with these messages (oldest first), trimming to MAX_EVENTS. */
export function appendEvents(deps: Deps, scope: Scope, service: ServiceRef, messages: readonly string[], now: number): { guards: Guard[]; ops: Op[] } {
  const events: ServiceEvent[] = messages.map((message) => ({ id: uuid(), createdAt: now, message }));
  return appendOps(deps, keys.serviceEvents(scope, service.clusterName, service.serviceName), events, MAX_EVENTS);
}

/** The decision log (entries are service-reconciler.ts's DecisionLogEntry), newest first. */
export function readDecisions<T>(deps: Deps, scope: Scope, service: ServiceRef, limit?: number): T[] {
  return newestFirst<T>(deps, keys.decisions(scope, service.clusterName, service.serviceName), limit);
}

/** Ops appending one pass to the decision log, trimming it to `keep` entries. */
export function appendDecision(deps: Deps, scope: Scope, service: ServiceRef, entry: object, keep: number): { guards: Guard[]; ops: Op[] } {
  const { guards, ops } = appendOps(deps, keys.decisions(scope, service.clusterName, service.serviceName), [entry], keep);
  // Before each entry had its own key the whole log was one record at the prefix's parent key.
  const legacy = legacyDecisionKey(scope, service);
  if (deps.cache.getEntry(legacy)) ops.push({ kind: "delete", key: legacy });
  return { guards, ops };
}

/** Ops removing both logs: for a name reused by a new service, or a purged one. */
export function removeServiceLogs(scope: Scope, service: ServiceRef): Op[] {
  return [
    { kind: "deletePrefix", prefix: keys.serviceEvents(scope, service.clusterName, service.serviceName) },
    { kind: "deletePrefix", prefix: keys.decisions(scope, service.clusterName, service.serviceName) },
    { kind: "delete", key: legacyDecisionKey(scope, service) },
  ];
}

function legacyDecisionKey(scope: Scope, service: ServiceRef): string {
  return keys.decisions(scope, service.clusterName, service.serviceName).slice(0, -1);
}
