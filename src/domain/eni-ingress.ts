// Keeps running awsvpc tasks' ingress (AssignedEni.ingress, what the agent enforces with
// iptables) in line with their security groups: a rule authorized or revoked, or a member of a
// referenced group starting or stopping, changes the ingress of every task it concerns.
// observe (the scope's ENIs, groups and tasks from the cache) → decide (pure: which tasks'
// ingress differs) → act (write each such task under its modRevision; the agent channel sends
// the new assignment). Woken by changes to groups and ENIs; a conflict is retried next pass.
import type { Logger } from "pino";
import type { AssignedIngressRule } from "../model/index.js";
import { commit, put, type Deps } from "./deps.js";
import { ec2Keys, type NetworkInterfaceRecord, type SecurityGroupRecord } from "./ec2/records.js";
import { kindOf, ROOT } from "./keys.js";
import { observeLoadBalancerSources } from "./load-balancer-sources.js";
import { ingressOf } from "./task-enis.js";
import type { TaskRecord } from "./task-records.js";

export interface IngressObservation {
  enis: readonly NetworkInterfaceRecord[];
  groups: readonly SecurityGroupRecord[];
  /** The task holding each ENI, by task ARN (absent: gone already). */
  tasks: ReadonlyMap<string, TaskRecord>;
  /** Addresses load balancers reach tasks from, by the load balancers' security groups (load-balancer-sources.ts). */
  loadBalancerSources?: ReadonlyMap<string, readonly string[]>;
}

export interface IngressUpdate {
  taskArn: string;
  ingress: AssignedIngressRule[];
}

/** The tasks whose ingress is not what their groups say now. Pure. */
export function decideIngress(o: IngressObservation): IngressUpdate[] {
  const byId = new Map(o.groups.map((g) => [g.GroupId, g]));
  const members = (groupId: string) => [
    ...o.enis.filter((e) => e.Groups.some((g) => g.GroupId === groupId)).map((e) => e.PrivateIpAddress),
    ...(o.loadBalancerSources?.get(groupId) ?? []),
  ];
  const out: IngressUpdate[] = [];
  for (const eni of o.enis) {
    const task = o.tasks.get(eni.taskArn);
    const assigned = task?.assignment.eni;
    if (!task || !assigned || task.desiredStatus !== "RUNNING" || task.lastStatus === "STOPPED") continue;
    const groups = eni.Groups.map((g) => byId.get(g.GroupId)).filter((g): g is SecurityGroupRecord => g !== undefined);
    const ingress = ingressOf(groups, (id) => [...new Set(members(id))]);
    if (JSON.stringify(ingress) !== JSON.stringify(assigned.ingress)) out.push({ taskArn: task.taskArn, ingress });
  }
  return out;
}

/** The store key of a task from its ARN: arn:aws:ecs:<region>:<account>:task/<cluster>/<id>. */
function taskKeyOf(arn: string): string {
  const [, , , region, account, resource] = arn.split(":");
  const [, cluster, id] = resource!.split("/");
  return `${ROOT}${account}/${region}/tasks/${cluster}/${id}`;
}

function observe(deps: Deps, scopePrefix: string): IngressObservation {
  const scope = { accountId: scopePrefix.split("/")[2]!, region: scopePrefix.split("/")[3]! };
  const enis = deps.cache.list<NetworkInterfaceRecord>(ec2Keys.networkInterfaces(scope));
  const tasks = new Map<string, TaskRecord>();
  for (const e of enis) {
    const t = deps.cache.get<TaskRecord>(taskKeyOf(e.taskArn));
    if (t) tasks.set(e.taskArn, t);
  }
  return { enis, groups: deps.cache.list<SecurityGroupRecord>(ec2Keys.securityGroups(scope)), tasks, loadBalancerSources: observeLoadBalancerSources(deps, scope) };
}

async function apply(deps: Deps, update: IngressUpdate): Promise<void> {
  const key = taskKeyOf(update.taskArn);
  await commit(deps, () => {
    const entry = deps.cache.getEntry<TaskRecord>(key);
    const eni = entry?.value.assignment.eni;
    if (!entry || !eni || entry.value.lastStatus === "STOPPED") return { guards: [], ops: [], result: undefined };
    const task: TaskRecord = { ...entry.value, version: entry.value.version + 1, assignment: { ...entry.value.assignment, eni: { ...eni, ingress: update.ingress } } };
    return { guards: [{ key, modRevision: entry.modRevision }], ops: [put(key, task)], result: undefined };
  });
}

export function startIngressSync(deps: Deps, logger: Logger): { stop(): void } {
  const pending = new Set<string>();
  let running = false;
  let stopped = false;
  const pass = async () => {
    if (running || stopped) return;
    running = true;
    try {
      while (pending.size > 0 && !stopped) {
        const [scope] = pending;
        pending.delete(scope!);
        for (const update of decideIngress(observe(deps, scope!))) await apply(deps, update);
      }
    } catch (err) {
      logger.error({ err }, "could not bring awsvpc tasks' ingress up to date");
    } finally {
      running = false;
    }
  };
  const subscription = deps.cache.subscribe((change) => {
    const kind = kindOf(change.key);
    // A load balancer made or deleted adds or removes the addresses its security groups admit.
    if (kind !== "security-groups" && kind !== "network-interfaces" && kind !== "elb-load-balancers") return;
    // /berth/<account>/<region>/...: one pass per scope, after the writes of this transaction.
    pending.add(change.key.split("/").slice(0, 4).join("/"));
    queueMicrotask(() => void pass());
  });
  return {
    stop() {
      stopped = true;
      subscription.dispose();
    },
  };
}
