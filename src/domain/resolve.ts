// Every operation accepts a short name or a full ARN for the resources it names; these turn
// either form into the store key, and refuse references to another account or region.
import { clusterNotFound, invalidParameter, parseArn, type Scope } from "../model/index.js";
import type { Deps } from "./deps.js";
import { keys } from "./keys.js";
import type { ClusterRecord } from "./records.js";

/** The cluster's short name from a name or an ARN; an omitted cluster is `default`. */
export function clusterNameOf(ref: string | undefined): string {
  if (ref === undefined || ref === "") return "default";
  if (!ref.startsWith("arn:")) return ref;
  const arn = parseArn(ref);
  if (!arn || arn.resourceType !== "cluster") throw invalidParameter(`Invalid parameter 'cluster': '${ref.slice(0, 300)}' is not a cluster ARN.`);
  return arn.resource;
}

/** The ACTIVE cluster a request names, or ClusterNotFoundException. */
export function activeCluster(deps: Deps, scope: Scope, ref: string | undefined): ClusterRecord {
  const name = clusterNameOf(ref);
  if (ref?.startsWith("arn:") && !arnInScope(ref, scope)) throw clusterNotFound();
  const cluster = deps.cache.get<ClusterRecord>(keys.cluster(scope, name));
  if (!cluster || cluster.status !== "ACTIVE") throw clusterNotFound();
  return cluster;
}

export function arnInScope(ref: string, scope: Scope): boolean {
  const arn = parseArn(ref);
  return !!arn && arn.region === scope.region && arn.accountId === scope.accountId;
}

/** The id at the end of a task or container instance reference (bare id or ARN). */
export function idOf(ref: string): string {
  if (!ref.startsWith("arn:")) return ref;
  const slash = ref.lastIndexOf("/");
  return ref.slice(slash + 1);
}
