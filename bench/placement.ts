// Placement throughput: placements (tasks placed) per second at 100, 1,000 and 10,000
// instances, for binpack(memory) and for spread (the service default: AZ, then instance), each
// with a memberOf constraint. Run: node --import tsx bench/placement.ts [--quick] [--sizes=1000,10000] [--strategy=binpack]
//
// What is measured, per cluster size and strategy (place() count 10 per call throughout):
// - warm:    place() called repeatedly against one ClusterSnapshot, so the indexes built on the
//            first call are reused (a scheduler pass placing several services against one
//            observed cluster). Each call starts from the snapshot's state.
// - derived: what a launch in the domain does (task-launch.ts): every call sees the cluster as
//            the previous calls left it and derives its snapshot from the previous one
//            (createSnapshot(views, { previous })). The instances chosen by the last call get
//            new view objects with the tasks added (cpu and memory reduced), and the tasks
//            placed WINDOW calls earlier stop again (new views with them removed), so the
//            cluster stays in a steady state however long the run: about 20 changed instances
//            per call. Building those views is timed too.
// - rebuilt: createSnapshot() from scratch + place() per call: indexing the whole cluster every
//            time, as every launch did before snapshots could be derived.
// - first:   the first place() on a fresh snapshot (index build included), in ms.
// The cluster is heterogeneous (4 instance types, 3 AZs, partly filled by 20 services), so
// binpack keys are rarely tied and spread has real buckets.

import { createSnapshot, place, type ClusterSnapshot, type InstanceView, type PlacementRequest } from "../src/placement/index.js";
import { seededRng } from "../src/model/index.js";

const TYPES = [
  { type: "m5.large", cpu: 2048, memory: 7680 },
  { type: "m5.xlarge", cpu: 4096, memory: 15616 },
  { type: "c5.2xlarge", cpu: 8192, memory: 15360 },
  { type: "t3.medium", cpu: 2048, memory: 3840 },
];
const AZS = ["us-east-1a", "us-east-1b", "us-east-1c"];

function cluster(n: number, seed: number): InstanceView[] {
  const rng = seededRng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;
  return Array.from({ length: n }, (_, k) => {
    const t = pick(TYPES);
    const tasks = Array.from({ length: Math.floor(rng() * 6) }, () => ({
      group: `service:svc-${Math.floor(rng() * 20)}`,
      family: "app",
      taskDefinitionArn: "arn:aws:ecs:us-east-1:123456789012:task-definition/app:1",
      desiredStatus: "RUNNING",
    }));
    const usedCpu = tasks.length * 256;
    const usedMemory = tasks.reduce((m) => m + 128 * (1 + Math.floor(rng() * 8)), 0);
    return {
      arn: `arn:aws:ecs:us-east-1:123456789012:container-instance/bench/${k.toString(16).padStart(8, "0")}`,
      ec2InstanceId: `i-${k.toString(16).padStart(17, "0")}`,
      status: "ACTIVE",
      agentConnected: true,
      agentVersion: "1.80.0",
      registeredAt: Date.UTC(2024, 0, 1) + k * 1000,
      attributes: [
        { name: "ecs.availability-zone", value: AZS[k % AZS.length]! },
        { name: "ecs.instance-type", value: t.type },
        { name: "ecs.os-type", value: "linux" },
        { name: "ecs.cpu-architecture", value: "x86_64" },
        { name: "ecs.ami-id", value: "ami-0123456789abcdef0" },
        { name: "stack", value: rng() < 0.8 ? "prod" : "dev" },
        { name: "com.amazonaws.ecs.capability.docker-remote-api.1.44" },
        { name: "ecs.capability.task-eni" },
      ],
      remaining: {
        cpu: Math.max(0, t.cpu - usedCpu),
        memory: Math.max(0, t.memory - usedMemory),
        ports: new Set([22, 2375, 2376, 51678, 51679]),
        portsUdp: new Set<number>(),
      },
      registered: { cpu: t.cpu, memory: t.memory },
      tasks,
    };
  });
}

const MEMBER_OF = "attribute:stack == prod and attribute:ecs.instance-type =~ (m5|c5)\\..*";

const STRATEGIES: Record<string, PlacementRequest["strategy"]> = {
  "binpack(memory)": [{ type: "binpack", field: "memory" }],
  "spread(AZ, instanceId)": [
    { type: "spread", field: "attribute:ecs.availability-zone" },
    { type: "spread", field: "instanceId" },
  ],
};

function request(strategy: PlacementRequest["strategy"]): PlacementRequest {
  return {
    count: 10,
    cpu: 256,
    memory: 512,
    group: "service:svc-3",
    constraints: [{ type: "memberOf", expression: MEMBER_OF }],
    strategy,
  };
}

/** Tasks a call placed stop this many calls later. */
const WINDOW = 30;

const BENCH_TASK = {
  family: "app",
  taskDefinitionArn: "arn:aws:ecs:us-east-1:123456789012:task-definition/app:1",
  desiredStatus: "RUNNING",
} as const;

/** A new view of the instance with one more task of the request (or one fewer: sign −1). */
function withTask(view: InstanceView, req: PlacementRequest, sign: 1 | -1): InstanceView {
  let tasks: InstanceView["tasks"];
  if (sign > 0) tasks = [...view.tasks, { ...BENCH_TASK, group: req.group! }];
  else {
    const at = view.tasks.findLastIndex((t) => t.group === req.group);
    tasks = [...view.tasks.slice(0, at), ...view.tasks.slice(at + 1)];
  }
  // Spelled out rather than spread: the bench measures placement, not object copying.
  return {
    arn: view.arn,
    ec2InstanceId: view.ec2InstanceId,
    status: view.status,
    agentConnected: view.agentConnected,
    agentVersion: view.agentVersion,
    registeredAt: view.registeredAt,
    attributes: view.attributes,
    remaining: {
      cpu: view.remaining.cpu - sign * req.cpu,
      memory: view.remaining.memory - sign * req.memory,
      ports: view.remaining.ports,
      portsUdp: view.remaining.portsUdp,
    },
    registered: view.registered,
    tasks,
  };
}

/** The cluster as successive launches see it (the "derived" column). */
class ChurningCluster {
  private readonly views: InstanceView[];
  private readonly position: Map<string, number>;
  private snapshot: ClusterSnapshot;
  private readonly history: number[][] = [];

  constructor(instances: readonly InstanceView[]) {
    this.views = instances.slice();
    this.position = new Map(instances.map((v, k) => [v.arn, k]));
    this.snapshot = createSnapshot(this.views);
  }

  launch(req: PlacementRequest, rng: () => number): number {
    const snapshot = createSnapshot(this.views, { previous: this.snapshot });
    const result = place(req, snapshot, { rng });
    this.snapshot = snapshot;
    const placed = result.placements.map((p) => this.position.get(p.instanceArn)!);
    for (const k of placed) this.views[k] = withTask(this.views[k]!, req, 1);
    this.history.push(placed);
    if (this.history.length > WINDOW) for (const k of this.history.shift()!) this.views[k] = withTask(this.views[k]!, req, -1);
    return placed.length;
  }
}

/** Placements per second: the median of five trials, to ride out noise from other processes. */
function rate(budgetMs: number, body: () => number): number {
  const trials: number[] = [];
  for (let t = 0; t < 5; t++) {
    let placed = 0;
    const start = performance.now();
    let elapsed = 0;
    while (elapsed < budgetMs / 5) {
      placed += body();
      elapsed = performance.now() - start;
    }
    trials.push((placed / elapsed) * 1000);
  }
  return trials.sort((a, b) => a - b)[2]!;
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const option = (name: string): string | undefined => args.find((a) => a.startsWith(`--${name}=`))?.split("=")[1];
const sizes = option("sizes")?.split(",").map(Number) ?? [100, 1_000, 10_000];
const only = option("strategy");
const budget = quick ? 150 : 1000;
const rows: string[] = [];
// Warm the JIT on a small cluster first, so the first measured row is not the slowest.
for (const strategy of Object.values(STRATEGIES)) {
  const snapshot = createSnapshot(cluster(300, 1));
  const rng = seededRng(1);
  rate(quick ? 50 : 300, () => place(request(strategy), snapshot, { rng }).placements.length);
}
for (const n of sizes) {
  const instances = cluster(n, 42);
  for (const [name, strategy] of Object.entries(STRATEGIES)) {
    if (only !== undefined && !name.startsWith(only)) continue;
    const req = request(strategy);
    const rng = seededRng(7);
    const snapshot = createSnapshot(instances);
    const t0 = performance.now();
    place(req, snapshot, { rng });
    const first = performance.now() - t0;
    const warm = rate(budget, () => place(req, snapshot, { rng }).placements.length);
    const churning = new ChurningCluster(instances);
    const derived = rate(budget, () => churning.launch(req, rng));
    const rebuilt = rate(budget, () => place(req, createSnapshot(instances), { rng }).placements.length);
    rows.push(`| ${fmt(n)} | ${name} | ${fmt(warm)} | ${fmt(derived)} | ${fmt(rebuilt)} | ${first.toFixed(1)} |`);
  }
}
console.log(`memberOf: \`${MEMBER_OF}\`; task 256 cpu / 512 MiB; count 10 per place() call.`);
console.log(
  `warm: one snapshot reused. Cold, derived: each call derives its snapshot from the previous call's, after the instances it placed on got new views (tasks placed ${WINDOW} calls earlier stop again, so ~20 instances change per call), as task-launch.ts does. Cold, rebuilt: createSnapshot() from scratch every call.\n`,
);
console.log("| instances | strategy | warm placements/s | cold, derived placements/s | cold, rebuilt placements/s | first call ms |");
console.log("|---:|---|---:|---:|---:|---:|");
for (const r of rows) console.log(r);
