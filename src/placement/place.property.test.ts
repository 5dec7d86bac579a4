// place() against the plain reference on random clusters: at every step the chosen instance
// must be one of the reference's best (so where the strategies leave one instance, the same
// choice), the feasible set must match, and when a task cannot be placed the per-instance
// failure reasons must be the same.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { explainPlacement, place } from "./place.js";
import { refApply, refBest, refReason, refState } from "./reference-place.js";
import { createSnapshot } from "./snapshot.js";
import { anInstance, seededRng } from "./test-builders.js";
import type { InstanceView, PlacementConstraint, PlacementRequest, PlacementStrategy } from "./types.js";

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
  group: fc.constantFrom(...GROUPS),
  constraints: fc.array(constraintArb, { maxLength: 3 }),
  strategy: fc.array(strategyArb, { maxLength: 4 }),
  requiredAttributes: fc.constantFrom([], [], ["gpu"], [{ name: "stack", value: "prod" }]),
});

type InstanceSpec = typeof instanceArb extends fc.Arbitrary<infer T> ? T : never;

function cluster(specs: readonly InstanceSpec[]): InstanceView[] {
  return specs.map((s, k) =>
    anInstance({
      id: `ci-${String(k).padStart(2, "0")}`,
      az: s.az,
      type: s.type,
      status: s.status,
      agentConnected: s.agentConnected,
      cpu: s.cpu,
      memory: s.memory,
      ports: s.ports,
      portsUdp: s.portsUdp,
      attributes: { ...(s.stack ? { stack: s.stack } : {}), ...(s.gpu ? { gpu: undefined } : {}) },
      tasks: s.tasks,
    }),
  );
}

// Large clusters where most instances are full: long scans past infeasible instances and tie
// sets too sparse for rejection sampling.
const crowdedArb = fc.array(
  fc.tuple(instanceArb, fc.integer({ min: 0, max: 9 })).map(([spec, roll]) => (roll < 8 ? { ...spec, memory: 0 as const } : spec)),
  { minLength: 60, maxLength: 160 },
);

function agreesWithReference(specs: readonly InstanceSpec[], request: PlacementRequest, seed: number): void {
  const instances = cluster(specs);
  const result = place(request, createSnapshot(instances), { rng: seededRng(seed) });
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
      return;
    }
    assert.ok(best.includes(chosen), `step ${k}: chose ${chosen}, best are ${best.join(", ")}`);
    refApply(state.find((inst) => inst.view.arn === chosen)!, request);
  }
  assert.deepEqual(result.failures, []);
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
