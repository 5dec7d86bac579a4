// Which store changes a console page watching one cluster (or the cluster list) is told about.
// The page is sent names, never records: it reads the records again through the API, where
// the caller's policies apply, so the event stream reveals no more than "something changed".
export interface ConsoleChange {
  /** What changed: a cluster, a service (its record, events or decisions), a task. */
  kind: "cluster" | "service" | "task";
  /** The cluster's name, the service's name, or the task's id. */
  name: string;
}

/** Store key segments (domain/keys.ts) and what the page calls them. */
const KINDS: Record<string, ConsoleChange["kind"]> = {
  clusters: "cluster",
  services: "service",
  "service-events": "service",
  decisions: "service",
  tasks: "task",
};

/**
 * The change a key means to a page watching `cluster` in the scope whose keys start with
 * `scopePrefix` (`/berth/<account>/<region>/`); undefined when it is none of its business.
 * Without a cluster the page lists clusters and hears of any change in one (the list shows
 * service and task counts).
 */
export function consoleChangeOf(key: string, scopePrefix: string, cluster: string | undefined): ConsoleChange | undefined {
  if (!key.startsWith(scopePrefix)) return undefined;
  const parts = key.slice(scopePrefix.length).split("/");
  const kind = KINDS[parts[0] ?? ""];
  if (!kind) return undefined;
  if (kind === "cluster") return { kind, name: parts[1] ?? "" };
  const [, keyCluster, name] = parts;
  if (!keyCluster || !name) return undefined;
  if (cluster === undefined) return { kind: "cluster", name: keyCluster };
  if (keyCluster !== cluster) return undefined;
  return { kind, name };
}
