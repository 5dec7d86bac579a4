// `berth explain service NAME`: the service scheduler's decision log, one block per pass — what
// it saw (inputs), the bounds it computed from minimumHealthyPercent and maximumPercent, what it
// did, and why it did no more. This is the part of ECS that ECS keeps hidden. Pure.
import { age, clock } from "./format.js";
import type { Style } from "./style.js";

/** One pass as DescribeServiceDecisions returns it (`at` in epoch seconds). */
export interface DecisionEntry {
  at: number;
  inputs: {
    strategy?: string;
    deployments?: {
      id: string;
      status: string;
      rolloutState?: string;
      desired: number;
      pending: number;
      running: number;
      healthy: number;
      starting: number;
      unhealthy: number;
      stopping: number;
      onDrainingInstance: number;
      failedTasks: number;
    }[];
    orphanTasks?: number;
    eligibleInstances?: number;
    launchBackoffUntil?: number;
    /** The load balancer's view: each target group's targets of the service by ELB state. */
    targetGroups?: { targetGroupArn: string; targets: Record<string, number> }[];
  };
  bounds: {
    desired: number;
    minimumHealthyPercent: number;
    maximumPercent: number;
    minimumHealthy: number;
    maximumTotal: number;
    healthy: number;
    total: number;
    launchHeadroom: number;
    stopBudget: number;
    circuitBreakerThreshold?: number;
  };
  actions: { kind: string; detail: string }[];
  waits: string[];
  steady: boolean;
  result?: { launched?: string[]; stopped?: string[]; placementFailures?: number; events?: string[] };
}

export interface DecisionLog {
  serviceArn: string;
  decisions: DecisionEntry[];
}

/** Record-keeping actions: true, but not decisions a reader follows. */
const BOOKKEEPING = new Set(["setDeploymentCounts", "setFailureTracking"]);

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

export function boundsLines(b: DecisionEntry["bounds"]): string[] {
  // Worked example: desired 4, minimumHealthyPercent 50, maximumPercent 200 → at least
  // ceil(4 × 0.5) = 2 healthy, at most floor(4 × 2) = 8 in total.
  return [
    `desired ${b.desired} · healthy ${b.healthy}, keep at least ${b.minimumHealthy} (minimumHealthyPercent ${b.minimumHealthyPercent}) · ` +
      `total ${b.total}, at most ${b.maximumTotal} (maximumPercent ${b.maximumPercent})`,
    `so it may start ${b.launchHeadroom} and stop ${b.stopBudget} healthy` +
      (b.circuitBreakerThreshold !== undefined ? `; the circuit breaker trips at ${plural(b.circuitBreakerThreshold, "failed task")}` : ""),
  ];
}

export function deploymentLine(d: NonNullable<DecisionEntry["inputs"]["deployments"]>[number]): string {
  const parts = [
    `desired ${d.desired}`,
    `pending ${d.pending}`,
    `running ${d.running} (healthy ${d.healthy}, starting ${d.starting}, unhealthy ${d.unhealthy})`,
  ];
  if (d.stopping) parts.push(`stopping ${d.stopping}`);
  if (d.onDrainingInstance) parts.push(`on draining instances ${d.onDrainingInstance}`);
  if (d.failedTasks) parts.push(`failed ${d.failedTasks}`);
  return `${d.id} ${d.status}${d.rolloutState ? ` ${d.rolloutState}` : ""}: ${parts.join(" · ")}`;
}

export function decisionLines(e: DecisionEntry, n: number, of: number, now: number, s: Style, verbose = false): string[] {
  const atMs = e.at * 1000;
  const label = (word: string) => s.dim(word.padEnd(8));
  const cont = " ".repeat(10);
  const out = [`${s.bold(clock(atMs))} ${s.dim(`(${age(atMs, now)} ago)`)}  pass ${n} of ${of}${e.steady ? `  ${s.green("steady state")}` : ""}`];
  const [b1, b2] = boundsLines(e.bounds);
  out.push(`  ${label("bounds")}${b1}`, `${cont}${b2}`);
  const deployments = e.inputs.deployments ?? [];
  deployments.forEach((d, i) => out.push(`${i === 0 ? `  ${label("saw")}` : cont}${deploymentLine(d)}`));
  const extra: string[] = [];
  if (e.inputs.orphanTasks) extra.push(`${plural(e.inputs.orphanTasks, "task")} of no known deployment`);
  if (e.inputs.eligibleInstances !== undefined) extra.push(`${plural(e.inputs.eligibleInstances, "instance")} should run the daemon`);
  if (e.inputs.launchBackoffUntil) extra.push(`launches held back until ${clock(e.inputs.launchBackoffUntil)}`);
  if (extra.length) out.push(`${deployments.length ? cont : `  ${label("saw")}`}${extra.join(" · ")}`);
  for (const g of e.inputs.targetGroups ?? []) out.push(`${cont}${targetGroupLine(g)}`);

  const shown = verbose ? e.actions : e.actions.filter((a) => !BOOKKEEPING.has(a.kind));
  const hidden = e.actions.length - shown.length;
  if (shown.length === 0) out.push(`  ${label("did")}nothing`);
  shown.forEach((a, i) => out.push(`${i === 0 ? `  ${label("did")}` : cont}${a.kind}: ${a.detail}`));
  if (hidden > 0) out.push(`${cont}${s.dim(`(+${plural(hidden, "bookkeeping update")}; --verbose shows them)`)}`);
  e.waits.forEach((w, i) => out.push(`${i === 0 ? `  ${label("waited")}` : cont}${w}`));
  const r = e.result;
  if (r && ((r.launched?.length ?? 0) > 0 || (r.stopped?.length ?? 0) > 0 || (r.placementFailures ?? 0) > 0)) {
    out.push(`  ${label("result")}started ${r.launched?.length ?? 0}, stopped ${r.stopped?.length ?? 0}, placement failures ${r.placementFailures ?? 0}`);
  }
  return out;
}

export function decisionLogView(serviceName: string, cluster: string, log: DecisionLog, now: number, s: Style, verbose = false): string[] {
  const entries = [...log.decisions].sort((a, b) => a.at - b.at);
  if (entries.length === 0) {
    return [`The scheduler has not decided anything for service ${serviceName} yet.`];
  }
  const lines = [
    s.bold(`Decision log of service ${serviceName} (cluster ${cluster}), oldest first: ${`${entries.length} ${entries.length === 1 ? "pass" : "passes"}`}.`),
    s.dim("Each pass saw the service's tasks, computed its bounds, then acted — or waited, and says why."),
  ];
  entries.forEach((e, i) => lines.push("", ...decisionLines(e, i + 1, entries.length, now, s, verbose)));
  return lines;
}

/** "targetgroup/web: 3 healthy · 1 initial" — ELB's view of the service's targets in one group. */
export function targetGroupLine(g: { targetGroupArn: string; targets: Record<string, number> }): string {
  const name = g.targetGroupArn.split(":").pop()?.split("/").slice(0, 2).join("/") ?? g.targetGroupArn;
  const order = ["healthy", "initial", "unhealthy", "draining", "unused", "unavailable"];
  const rank = (state: string) => (order.includes(state) ? order.indexOf(state) : order.length);
  const states = Object.entries(g.targets)
    .filter(([, n]) => n > 0)
    .sort(([a], [b]) => rank(a) - rank(b));
  return `${name}: ${states.length ? states.map(([state, n]) => `${n} ${state}`).join(" · ") : "no targets"}`;
}
