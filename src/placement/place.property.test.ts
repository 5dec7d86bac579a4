// place() against the plain reference on random clusters: at every step the chosen instance
// must be one of the reference's best (so where the strategies leave one instance, the same
// choice), the feasible set must match, and when a task cannot be placed the per-instance
// failure reasons must be the same.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { explainPlacement, place } from "./place.js";
import { refApply, refBest, refReason, refState } from "./reference-place.js";
import { ClusterSnapshot, createSnapshot } from "./snapshot.js";
import { anInstance, seededRng } from "./test-builders.js";
import type { InstanceView, PlacementConstraint, PlacementRequest, PlacementResult, PlacementStrategy } from "./types.js";

const GROUPS = ["service:web", "service:api", "family:batch"];

const taskArb = fc.record({
  group: fc.constantFrom(...GROUPS),
  desiredStatus: fc.constantFrom("RUNNING", "RUNNING", "RUNNING", "STOPPED"),
});

const instanceArb = fc.record({
  az: fc.constantFrom("us-east-1a", "us-east-1b", "us-east-1c", ""),
  type: fc.constantFrom("t2.micro", "m5.large", "c5.xlarge"),
  status: fc.constantFrom("ACTIVE", "ACTIVE", "ACTIVE", "ACTIVE", "DRAINING"),
  agentConnected: fc.constantFrom(true, true, true, true, false),
  cpu: fc.constantFrom(0, 256, 512, 1024, 2048, 2048, 4096),
  memory: fc.constantFrom(0, 256, 512, 1024, 2048, 4096, 4096, 8192),
  ports: fc.subarray([22, 80, 443, 8080]),
  portsUdp: fc.subarray([53, 5000]),
  stack: fc.constantFrom("prod", "dev", undefined),
  gpu: fc.boolean(),
  // berth's process runtime: dynamic mappings bind their container port on the host.
  noPortTranslation: fc.constantFrom(false, false, true),
  tasks: fc.array(taskArb, { maxLength: 4 }),
});

const constraintArb: fc.Arbitrary<PlacementConstraint> = fc.constantFrom(
  { type: "distinctInstance" },
  { type: "memberOf", expression: "attribute:stack == prod" },
  { type: "memberOf", expression: "attribute:ecs.availability-zone in [us-east-1a, us-east-1b]" },
  { type: "memberOf", expression: "attribute:ecs.instance-type =~ (t2|m5)\\..*" },
  { type: "memberOf", expression: "runningTasksCount < 3" },
  { type: "memberOf", expression: "not(task:group == service:api)" },
  { type: "memberOf", expression: "task:group == service:web or attribute:stack != dev" },
);

const strategyArb: fc.Arbitrary<PlacementStrategy> = fc.constantFrom(
  { type: "binpack", field: "cpu" },
  { type: "binpack", field: "memory" },
  { type: "spread", field: "instanceId" },
  { type: "spread", field: "host" },
  { type: "spread", field: "attribute:ecs.availability-zone" },
  { type: "spread", field: "attribute:stack" },
  { type: "spread", field: "attribute:ecs.instance-type" },
  { type: "random" },
);

const requestArb: fc.Arbitrary<PlacementRequest> = fc.record({
  count: fc.integer({ min: 1, max: 8 }),
  cpu: fc.constantFrom(0, 128, 256, 512),
  memory: fc.constantFrom(128, 256, 512, 1024),
  hostPorts: fc.record({
    tcp: fc.constantFrom([], [], [80], [80, 443], [0]),
    udp: fc.constantFrom([], [], [53]),
  }),
  dynamicPorts: fc.constantFrom({}, {}, { tcp: [80] }, { tcp: [8080, 3000] }, { tcp: [443], udp: [5000] }),
  group: fc.constantFrom(...GROUPS),
  constraints: fc.array(constraintArb, { maxLength: 3 }),
  strategy: fc.array(strategyArb, { maxLength: 4 }),
  requiredAttributes: fc.constantFrom([], [], ["gpu"], [{ name: "stack", value: "prod" }]),
});

type InstanceSpec = typeof instanceArb extends fc.Arbitrary<infer T> ? T : never;

function cluster(specs: readonly InstanceSpec[]): InstanceView[] {
  return specs.map((s, k) => viewOf(s, `ci-${String(k).padStart(2, "0")}`));
}

function viewOf(s: InstanceSpec, id: string): InstanceView {
  return anInstance({
    id,
    az: s.az,
    type: s.type,
    status: s.status,
    agentConnected: s.agentConnected,
    cpu: s.cpu,
    memory: s.memory,
    ports: s.ports,
    portsUdp: s.portsUdp,
    attributes: {
      ...(s.stack ? { stack: s.stack } : {}),
      ...(s.gpu ? { gpu: undefined } : {}),
      ...(s.noPortTranslation ? { "berth.runtime.port-translation": "none" } : {}),
    },
    tasks: s.tasks,
  });
}

// Large clusters where most instances are full: long scans past infeasible instances and tie
// sets too sparse for rejection sampling.
const crowdedArb = fc.array(
  fc.tuple(instanceArb, fc.integer({ min: 0, max: 9 })).map(([spec, roll]) => (roll < 8 ? { ...spec, memory: 0 as const } : spec)),
  { minLength: 60, maxLength: 160 },
);

function agreesWithReference(specs: readonly InstanceSpec[], request: PlacementRequest, seed: number): void {
  agreesOn(cluster(specs), createSnapshot(cluster(specs)), request, seed);
}

/** place() on `snapshot` (a snapshot of `instances`, however made) against the reference. */
function agreesOn(instances: readonly InstanceView[], snapshot: ClusterSnapshot, request: PlacementRequest, seed: number): PlacementResult {
  const result = place(request, snapshot, { rng: seededRng(seed) });
  assert.equal(result.placements.length + result.unplaced, request.count);

  const state = refState(instances);
  for (let k = 0; k < request.count; k++) {
    const best = refBest(state, request).map((inst) => inst.view.arn);
    // Same feasible set: the filters of place() on the reference's current state.
    const current = state.map((inst) => ({
      ...inst.view,
      remaining: { cpu: inst.cpu, memory: inst.memory, ports: inst.ports, portsUdp: inst.portsUdp },
      tasks: [
        ...inst.view.tasks,
        ...inst.placedGroups.map((group) => ({ group, family: "x", taskDefinitionArn: "x", desiredStatus: "RUNNING" })),
      ],
    }));
    const verdicts = explainPlacement(request, current);
    assert.deepEqual(
      verdicts.map((v) => v.failure?.reason),
      state.map((inst) => refReason(inst, request)),
      `feasibility at step ${k}`,
    );
    const chosen = result.placements[k]?.instanceArn;
    if (chosen === undefined) {
      assert.deepEqual(best, [], `place() gave up at step ${k} but the reference can place`);
      assert.deepEqual(
        result.failures.map((f) => [f.arn, f.reason]),
        state.map((inst) => [inst.view.arn, refReason(inst, request)]),
      );
      return result;
    }
    assert.ok(best.includes(chosen), `step ${k}: chose ${chosen}, best are ${best.join(", ")}`);
    refApply(state.find((inst) => inst.view.arn === chosen)!, request);
  }
  assert.deepEqual(result.failures, []);
  return result;
}

describe("place() agrees with the reference placement", () => {
  it("chooses among the reference's best, with the same feasible sets and failures", () => {
    fc.assert(
      fc.property(fc.array(instanceArb, { minLength: 0, maxLength: 24 }), requestArb, fc.integer(), agreesWithReference),
      { numRuns: 1000 },
    );
  });

  it("agrees on large, mostly full clusters", () => {
    fc.assert(fc.property(crowdedArb, requestArb, fc.integer(), agreesWithReference), { numRuns: 60 });
  });

  it("gives the same answer when the snapshot and its indexes are reused", () => {
    fc.assert(
      fc.property(fc.array(instanceArb, { minLength: 1, maxLength: 24 }), requestArb, fc.integer(), (specs, request, seed) => {
        const instances = cluster(specs);
        const snapshot = createSnapshot(instances);
        const first = place(request, snapshot, { rng: seededRng(seed) });
        const again = place(request, snapshot, { rng: seededRng(seed) });
        const fresh = place(request, instances, { rng: seededRng(seed) });
        assert.deepEqual(again, first);
        assert.deepEqual(fresh, first);
      }),
      { numRuns: 150 },
    );
  });
});

// Derived snapshots: a cluster changes between launches (instances replaced with new views,
// added, removed, moved; the last launch's tasks booked on the instances it chose), and each
// launch derives its snapshot from an earlier one. The derived snapshot must answer exactly as
// one built from scratch (same seed, same result), agree with the reference, and leave the
// snapshot it came from answering as before.

const editArb = fc.oneof(
  fc.record({ kind: fc.constant("replace" as const), at: fc.nat(), spec: instanceArb }),
  fc.record({
    kind: fc.constant("resources" as const),
    at: fc.nat(),
    cpu: fc.constantFrom(0, 256, 1024, 4096),
    memory: fc.constantFrom(0, 512, 2048, 8192),
  }),
  fc.record({ kind: fc.constant("agent" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("task" as const), at: fc.nat(), task: taskArb }),
  fc.record({ kind: fc.constant("touch" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("add" as const), at: fc.nat(), spec: instanceArb }),
  fc.record({ kind: fc.constant("remove" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("move" as const), at: fc.nat(), to: fc.nat() }),
);
type Edit = typeof editArb extends fc.Arbitrary<infer T> ? T : never;

const stepArb = fc.record({
  edits: fc.array(editArb, { maxLength: 4 }),
  /** Which of the run's requests this launch makes (indexes of others age meanwhile). */
  request: fc.nat(2),
  seed: fc.integer(),
  /** Book the launch's tasks on the chosen instances, as a launch does. */
  book: fc.boolean(),
  /** Derive from the last snapshot, from the one before it, or build from scratch. */
  from: fc.constantFrom("last", "last", "last", "older", "none"),
});

let nextId = 0;

function applyEdit(views: InstanceView[], e: Edit): void {
  const n = views.length;
  if (e.kind === "add") {
    views.splice(e.at % (n + 1), 0, viewOf(e.spec, `new-${nextId++}`));
    return;
  }
  if (n === 0) return;
  const at = e.at % n;
  const v = views[at]!;
  switch (e.kind) {
    case "replace":
      views[at] = viewOf(e.spec, `new-${nextId++}`);
      return;
    case "resources":
      views[at] = { ...v, remaining: { ...v.remaining, cpu: e.cpu, memory: e.memory } };
      return;
    case "agent":
      views[at] = { ...v, agentConnected: !v.agentConnected };
      return;
    case "task":
      views[at] = { ...v, tasks: [...v.tasks, { family: "f", taskDefinitionArn: "x", ...e.task }] };
      return;
    case "touch":
      views[at] = { ...v };
      return;
    case "remove":
      views.splice(at, 1);
      return;
    case "move":
      views.splice(at, 1);
      views.splice(e.to % n, 0, v);
      return;
  }
}

/** The views after a launch: the chosen instances with the tasks booked (a new object each). */
function book(views: InstanceView[], request: PlacementRequest, result: PlacementResult): void {
  for (const p of result.placements) {
    const at = views.findIndex((v) => v.arn === p.instanceArn);
    const v = views[at]!;
    views[at] = {
      ...v,
      remaining: {
        cpu: v.remaining.cpu - request.cpu,
        memory: v.remaining.memory - request.memory,
        ports: [...v.remaining.ports, ...(request.hostPorts?.tcp ?? []).filter((x) => x !== 0)],
        portsUdp: [...v.remaining.portsUdp, ...(request.hostPorts?.udp ?? []).filter((x) => x !== 0)],
      },
      tasks: [...v.tasks, { group: request.group!, family: "f", taskDefinitionArn: "x", desiredStatus: "RUNNING" }],
    };
  }
}

describe("derived snapshots place exactly as fresh ones", () => {
  it("over random sequences of changes, agreeing with the reference", () => {
    fc.assert(
      fc.property(
        fc.array(instanceArb, { minLength: 0, maxLength: 16 }),
        fc.array(requestArb, { minLength: 3, maxLength: 3 }),
        fc.array(stepArb, { minLength: 1, maxLength: 10 }),
        (specs, requests, steps) => {
          const views = cluster(specs);
          const history: { snapshot: ClusterSnapshot; request: PlacementRequest; seed: number; result: PlacementResult }[] = [];
          let snapshot = createSnapshot(views);
          for (const step of steps) {
            for (const e of step.edits) applyEdit(views, e);
            const base =
              step.from === "none" ? undefined : step.from === "older" ? (history.at(-2)?.snapshot ?? snapshot) : snapshot;
            snapshot = createSnapshot(views, base === undefined ? {} : { previous: base });
            const request = requests[step.request]!;
            const result = agreesOn(views, snapshot, request, step.seed);
            assert.deepEqual(result, place(request, createSnapshot(views), { rng: seededRng(step.seed) }), "derived vs fresh");
            assert.deepEqual(explainPlacement(request, snapshot), explainPlacement(request, views));
            // Earlier snapshots answer as they did before anything was derived from them.
            for (const h of history.slice(-2)) {
              assert.deepEqual(place(h.request, h.snapshot, { rng: seededRng(h.seed) }), h.result, "earlier snapshot changed");
            }
            history.push({ snapshot, request, seed: step.seed, result });
            if (step.book) book(views, request, result);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("on large clusters with few changes per launch (long runs patched in place)", () => {
    fc.assert(
      fc.property(
        fc.array(instanceArb, { minLength: 40, maxLength: 120 }),
        fc.array(requestArb, { minLength: 3, maxLength: 3 }),
        fc.array(stepArb, { minLength: 4, maxLength: 12 }),
        (specs, requests, steps) => {
          const views = cluster(specs);
          let snapshot = createSnapshot(views);
          for (const step of steps) {
            for (const e of step.edits) applyEdit(views, e);
            snapshot = createSnapshot(views, { previous: snapshot });
            const request = requests[step.request]!;
            const result = place(request, snapshot, { rng: seededRng(step.seed) });
            assert.deepEqual(result, place(request, createSnapshot(views), { rng: seededRng(step.seed) }));
            if (step.book) book(views, request, result);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
