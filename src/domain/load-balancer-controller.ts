// The load balancer controller: runs one data plane node (LoadBalancerNode) per ELBv2 load
// balancer in the store and writes back what its health checks see.
//   observe (load-balancer-view.ts: one account and region's records from the cache)
//   → decide (controllers/load-balancer: the specs; the health records to write)
//   → act (apply each spec to its node; one guarded transaction of health writes).
// Woken by changes to ELBv2 records and container instances (a burst is one pass per account
// and region) and by every health change a node reports. A listener that cannot bind is
// logged and retried on a backoff; the other listeners run meanwhile.
import type { Logger } from "pino";
import { bindRetryDelayMs, decideHealthWrites, decideLoadBalancers, type DesiredElb } from "../controllers/index.js";
import { LoadBalancerNode, type LoadBalancer, type Probe } from "../loadbalancer/index.js";
import type { Op } from "../store/index.js";
import { commit, guardOf, put, type Deps, type Guard } from "./deps.js";
import { elbKeys } from "./elbv2/records.js";
import type { ContainerInstanceRecord } from "./records.js";
import { kindOf, scopeOfKey } from "./keys.js";
import { elbScopes, observeElb, observeHealth, scopeOf } from "./load-balancer-view.js";

/** The records a spec is made of (health records are this controller's own output). */
const SPEC_KINDS = new Set(["elb-load-balancers", "elb-listeners", "elb-rules", "elb-target-groups", "elb-targets"]);

export interface LoadBalancerController {
  /** Stops watching and closes every node's listeners. */
  stop(): Promise<void>;
}

interface Running {
  scope: string;
  node: LoadBalancerNode;
  /** The spec last applied in full (JSON), so an unchanged one is not applied again. */
  applied?: string;
  /** The spec whose listeners did not all bind, while its retry waits. */
  failed?: string;
  failures: number;
  retry?: NodeJS.Timeout;
  skipped: string;
}

export function startLoadBalancerController(deps: Deps, logger: Logger, options: { probe?: Probe } = {}): LoadBalancerController {
  const nodes = new Map<string, Running>();
  const specScopes = new Set<string>();
  const healthScopes = new Set<string>();
  let stopped = false;
  let running: Promise<void> | undefined;

  const kick = () => {
    if (running || stopped) return;
    running = (async () => {
      // One pass for a burst: everything a transaction (or a few) changed is seen at once.
      await new Promise((r) => setImmediate(r));
      while (!stopped && (specScopes.size > 0 || healthScopes.size > 0)) {
        const [scope] = specScopes.size > 0 ? specScopes : healthScopes;
        const specs = specScopes.delete(scope!);
        healthScopes.delete(scope!);
        try {
          const desired = decideLoadBalancers(observeElb(deps.cache, scopeOf(scope!)));
          if (specs) await applySpecs(scope!, desired);
          if (!stopped) await writeHealth(scope!, desired);
        } catch (err) {
          logger.error({ err, scope }, "load balancer controller pass failed");
        }
      }
    })().finally(() => {
      running = undefined;
      if (specScopes.size > 0 || healthScopes.size > 0) kick();
    });
  };

  async function applySpecs(scope: string, desired: DesiredElb): Promise<void> {
    const wanted = new Set(desired.loadBalancers.map((d) => d.spec.LoadBalancerArn));
    for (const [arn, r] of nodes) {
      if (r.scope !== scope || wanted.has(arn)) continue;
      nodes.delete(arn);
      clearTimeout(r.retry);
      await r.node.close();
      logger.info({ loadBalancer: arn }, "load balancer deleted: its listeners are closed");
    }
    for (const { spec, skipped } of desired.loadBalancers) {
      let r = nodes.get(spec.LoadBalancerArn);
      if (!r) {
        const node = new LoadBalancerNode({
          clock: deps.clock,
          ...(options.probe ? { probe: options.probe } : {}),
          onHealthChange: () => {
            healthScopes.add(scope);
            kick();
          },
        });
        r = { scope, node, failures: 0, skipped: "" };
        nodes.set(spec.LoadBalancerArn, r);
      }
      const skippedNow = JSON.stringify(skipped);
      if (skippedNow !== r.skipped && skipped.length > 0) logger.warn({ loadBalancer: spec.LoadBalancerArn, skipped }, "listeners the data plane does not run");
      r.skipped = skippedNow;
      const json = JSON.stringify(spec);
      // While a bind failure waits for its retry, an unchanged spec is not tried again.
      if (json === r.applied || (r.retry && json === r.failed)) continue;
      await apply(r, spec, json);
    }
  }

  async function apply(r: Running, spec: LoadBalancer, json: string): Promise<void> {
    try {
      await r.node.apply(spec);
      if (r.failures > 0) logger.info({ loadBalancer: spec.LoadBalancerArn, address: spec.BindAddress }, "load balancer listeners bound after earlier failures");
      r.applied = json;
      r.failed = undefined;
      r.failures = 0;
    } catch (err) {
      const e = err as NodeJS.ErrnoException & { port?: number };
      r.failures++;
      r.applied = undefined;
      r.failed = json;
      const delay = bindRetryDelayMs(r.failures);
      const why = e.code === "EACCES" ? "ports below 1024 need root" : e.code === "EADDRINUSE" ? "the port is in use" : e.message;
      logger.error(
        { loadBalancer: spec.LoadBalancerArn, address: spec.BindAddress, port: e.port, code: e.code, retryInMs: delay },
        `load balancer listener cannot listen on ${spec.BindAddress}:${e.port ?? "?"} (${why}); retrying in ${delay / 1000} s`,
      );
      clearTimeout(r.retry);
      r.retry = setTimeout(() => {
        r.retry = undefined;
        specScopes.add(r.scope);
        kick();
      }, delay);
      r.retry.unref();
    }
  }

  /** One guarded transaction of the health records that changed in the scope. */
  async function writeHealth(scope: string, desired: DesiredElb): Promise<void> {
    const s = scopeOf(scope);
    await commit(deps, () => {
      const { groups, entries } = observeHealth(deps.cache, s, observeElb(deps.cache, s));
      for (const g of groups) {
        const owner = desired.groupOwner.get(g.ref);
        const node = owner ? nodes.get(owner)?.node : undefined;
        if (node) g.plane = node.targetHealth(g.ref);
        g.unreachable = desired.unreachable.get(g.ref) ?? [];
      }
      const writes = decideHealthWrites(groups, deps.clock.now());
      const guards: Guard[] = [];
      const ops: Op[] = [];
      for (const p of writes.puts) {
        const key = elbKeys.targetHealth(s, p.ref, p.record);
        guards.push({ key, modRevision: entries.get(key)?.modRevision ?? 0 });
        ops.push(put(key, p.record));
      }
      for (const d of writes.deletes) {
        const key = elbKeys.targetHealth(s, d.ref, d.target);
        guards.push(guardOf(deps, key));
        ops.push({ kind: "delete", key });
      }
      return { guards, ops, result: undefined };
    });
  }

  const subscription = deps.cache.subscribe((change) => {
    const kind = kindOf(change.key);
    if (!kind) return;
    if (SPEC_KINDS.has(kind)) specScopes.add(scopeOfKey(change.key));
    else if (kind === "instances") {
      // Only what moves an instance target: its id, or the instance going or coming.
      const was = change.prev as ContainerInstanceRecord | undefined;
      const is = change.value as ContainerInstanceRecord | undefined;
      const live = (i: ContainerInstanceRecord | undefined) => (i && i.status !== "INACTIVE" ? i.ec2InstanceId : undefined);
      if (live(was) === live(is)) return;
      specScopes.add(scopeOfKey(change.key));
    } else return;
    kick();
  });
  for (const scope of elbScopes(deps.cache)) specScopes.add(scope);
  kick();

  return {
    async stop() {
      stopped = true;
      subscription.dispose();
      await running;
      for (const r of nodes.values()) clearTimeout(r.retry);
      await Promise.all([...nodes.values()].map((r) => r.node.close()));
      nodes.clear();
    },
  };
}
