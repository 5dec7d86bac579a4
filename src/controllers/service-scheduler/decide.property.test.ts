// decide() against a random world: fast-check picks a service configuration and a sequence of
// things that happen to it — tasks start, fail to start, turn healthy or unhealthy, crash,
// finish stopping; the user deploys, scales, deletes; instances drain, come back, join, stop
// meeting the constraints — and the scheduler decides after each. The simulator checks ECS's
// bounds on every decision (simulate.ts: check), and once the failures stop the service must
// converge to exactly the desired healthy tasks of one COMPLETED deployment — unless the
// configuration itself forbids both starting and stopping, which decide() must then say.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { EVENT_REPEAT_INTERVAL_MS, MAX_SERVICE_EVENTS } from "./events.js";
import { isStuckConfiguration } from "./rollout-math.js";
import { Simulation, type SimConfig } from "./simulate.js";

type Command =
  | { k: "tick"; ms: number }
  | { k: "start" | "failStart" | "healthy" | "unhealthy" | "crash" | "finishStop" | "deactivate"; i: number }
  | { k: "update" }
  | { k: "scale"; n: number }
  | { k: "drain" | "activate" | "constraint" | "disconnect"; i: number }
  | { k: "addInstance" }
  | { k: "delete" }
  | { k: "startAll" | "failAll" | "finishAll" };

const index = fc.nat({ max: 20 });
/** `storm` weighs failures up: a scenario is either mostly calm or mostly failing. */
const commandsArb = (storm: boolean): fc.Arbitrary<Command> => fc.oneof(
  { weight: 2, arbitrary: fc.record({ k: fc.constant("startAll" as const) }) },
  { weight: storm ? 3 : 0, arbitrary: fc.record({ k: fc.constant("failAll" as const) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant("finishAll" as const) }) },
  { weight: 4, arbitrary: fc.record({ k: fc.constant("tick" as const), ms: fc.constantFrom(1_000, 10_000, 45_000, 300_000, 1_800_000) }) },
  { weight: 5, arbitrary: fc.record({ k: fc.constant("start" as const), i: index }) },
  { weight: storm ? 4 : 1, arbitrary: fc.record({ k: fc.constant("failStart" as const), i: index }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant("healthy" as const), i: index }) },
  { weight: storm ? 3 : 1, arbitrary: fc.record({ k: fc.constant("unhealthy" as const), i: index }) },
  { weight: storm ? 2 : 1, arbitrary: fc.record({ k: fc.constant("crash" as const), i: index }) },
  { weight: 4, arbitrary: fc.record({ k: fc.constant("finishStop" as const), i: index }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant("deactivate" as const), i: index }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant("update" as const) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant("scale" as const), n: fc.nat({ max: 8 }) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant("drain" as const), i: index }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant("activate" as const), i: index }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant("constraint" as const), i: index }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant("disconnect" as const), i: index }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant("addInstance" as const) }) },
);
const scenarioCommandsArb = fc.boolean().chain((storm) => fc.array(commandsArb(storm), { maxLength: 80 }));

const replicaConfigArb: fc.Arbitrary<SimConfig> = fc.record({
  strategy: fc.constant("REPLICA" as const),
  desired: fc.nat({ max: 8 }),
  deployment: fc
    .record({
      bounds: fc.constantFrom([100, 200], [50, 200], [0, 100], [50, 150], [100, 150], [100, 100], [0, 200], [25, 125]),
      breaker: fc.constantFrom(undefined, { enable: true, rollback: true }, { enable: true, rollback: false }),
    })
    .map(({ bounds: [min, max], breaker }) => ({
      minimumHealthyPercent: min!,
      maximumPercent: max!,
      ...(breaker ? { deploymentCircuitBreaker: breaker } : {}),
    })),
  containerHealthChecks: fc.boolean(),
  loadBalanced: fc.boolean(),
  graceSeconds: fc.constantFrom(0, 30, 120),
  instances: fc.integer({ min: 1, max: 4 }),
  steadyStart: fc.boolean(),
});

const daemonConfigArb: fc.Arbitrary<SimConfig> = fc.record({
  strategy: fc.constant("DAEMON" as const),
  deployment: fc
    .record({
      min: fc.constantFrom(0, 0, 50, 100),
      breaker: fc.constantFrom(undefined, { enable: true, rollback: true }),
    })
    .map(({ min, breaker }) => ({ minimumHealthyPercent: min, maximumPercent: 100, ...(breaker ? { deploymentCircuitBreaker: breaker } : {}) })),
  containerHealthChecks: fc.boolean(),
  loadBalanced: fc.constant(false),
  graceSeconds: fc.constantFrom(0, 30),
  instances: fc.integer({ min: 0, max: 5 }),
  steadyStart: fc.boolean(),
});

const pick = <T>(list: readonly T[], i: number): T | undefined => (list.length ? list[i % list.length] : undefined);

function play(sim: Simulation, c: Command): void {
  switch (c.k) {
    case "tick":
      sim.advance(c.ms);
      break;
    case "start": {
      const t = pick(sim.pendingTasks(), c.i);
      if (t) sim.start(t, false);
      break;
    }
    case "failStart": {
      const t = pick(sim.pendingTasks(), c.i);
      if (t) sim.failStart(t);
      break;
    }
    case "healthy":
    case "unhealthy": {
      const t = pick(sim.runningTasks(), c.i);
      if (t) sim.setHealth(t, c.k === "healthy");
      break;
    }
    case "crash": {
      const t = pick(sim.runningTasks(), c.i);
      if (t) sim.crash(t);
      break;
    }
    case "finishStop": {
      const t = pick(sim.stoppingTasks(), c.i);
      if (t) sim.finishStop(t);
      break;
    }
    case "deactivate": {
      const t = pick(sim.stoppingTasks().filter((x) => x.lastStatus === "RUNNING"), c.i);
      if (t) t.lastStatus = "DEACTIVATING";
      break;
    }
    case "update":
      if (sim.status === "ACTIVE") sim.update();
      break;
    case "scale":
      sim.scale(c.n);
      break;
    case "drain": {
      // REPLICA tasks need somewhere to go: keep one ACTIVE instance.
      const active = sim.instances.filter((i) => i.status === "ACTIVE");
      const inst = pick(active, c.i);
      if (inst && (sim.isDaemon || active.length > 1)) {
        inst.status = "DRAINING";
        inst.otherTaskCount = c.i % 3;
      }
      break;
    }
    case "activate": {
      const inst = pick(sim.instances, c.i);
      if (inst) inst.status = "ACTIVE";
      break;
    }
    case "constraint": {
      const inst = pick(sim.instances, c.i);
      if (inst && sim.isDaemon) inst.satisfiesConstraints = !inst.satisfiesConstraints;
      break;
    }
    case "disconnect": {
      const inst = pick(sim.instances, c.i);
      if (inst && sim.isDaemon) inst.agentConnected = false;
      break;
    }
    case "addInstance":
      if (sim.instances.length < 6) sim.addInstance();
      break;
    case "delete":
      sim.status = "DRAINING";
      break;
    case "startAll":
      for (const t of sim.pendingTasks()) sim.start(t);
      break;
    case "failAll":
      for (const t of sim.pendingTasks()) sim.failStart(t);
      break;
    case "finishAll":
      for (const t of sim.stoppingTasks()) sim.finishStop(t);
      break;
  }
}

function checkEvents(sim: Simulation): void {
  assert.ok(sim.events.length <= MAX_SERVICE_EVENTS);
  for (let i = 1; i < sim.events.length; i++) {
    const newer = sim.events[i - 1]!;
    const older = sim.events[i]!;
    assert.ok(newer.createdAt >= older.createdAt, "events are newest first");
    if (newer.message === older.message) {
      assert.ok(newer.createdAt - older.createdAt >= EVENT_REPEAT_INTERVAL_MS, `repeated within 6 hours: ${newer.message}`);
    }
  }
}

function runScenario(config: SimConfig, commands: Command[], deleteAtEnd: boolean): void {
  const sim = new Simulation(config);
  sim.step();
  for (const c of commands) {
    play(sim, c);
    sim.step(); // throws BoundViolation when a bound is broken
  }
  if (deleteAtEnd) play(sim, { k: "delete" });
  const converged = sim.settle(300);
  checkEvents(sim);
  if (converged) return;
  const { desired } = sim.expectedBounds();
  const { minimumHealthyPercent: min, maximumPercent: max } = config.deployment;
  assert.ok(
    isStuckConfiguration(desired, min, max),
    `did not converge: desired ${desired}, (${min}, ${max}); waits: ${sim.lastDecision?.waits.join(" | ")}`,
  );
  assert.match(sim.lastDecision!.waits.join("\n"), /can neither start nor stop/);
}

describe("decide: property", () => {
  it("REPLICA: never breaks the bounds and converges once failures stop", () => {
    fc.assert(
      fc.property(replicaConfigArb, scenarioCommandsArb, fc.boolean(), (config, commands, del) =>
        runScenario(config, commands, del && commands.length % 7 === 0),
      ),
      { numRuns: 400 },
    );
  });

  it("circuit breaker: a failing deployment trips it and rolls back within the bounds", () => {
    const configArb = fc.record({
      desired: fc.integer({ min: 1, max: 8 }),
      bounds: fc.constantFrom([100, 200], [50, 200], [0, 100], [50, 150]),
      checks: fc.boolean(),
    });
    // Each round the agent fails or starts every pending task, finishes every stop, and time moves.
    const roundsArb = fc.array(fc.record({ fail: fc.boolean(), ms: fc.constantFrom(1_000, 45_000, 600_000) }), { minLength: 1, maxLength: 30 });
    fc.assert(
      fc.property(configArb, roundsArb, ({ desired, bounds: [min, max], checks }, rounds) => {
        const sim = new Simulation({
          desired,
          deployment: { minimumHealthyPercent: min!, maximumPercent: max!, deploymentCircuitBreaker: { enable: true, rollback: true } },
          containerHealthChecks: checks,
        });
        const original = sim.primary.taskDefinitionArn;
        sim.update();
        const failing = sim.primary.id;
        let rolledBack = false;
        for (const r of rounds) {
          const d = sim.step();
          rolledBack ||= d.actions.some((a) => a.kind === "createRollbackDeployment");
          // Only the new deployment is broken: its tasks fail while the round says so.
          for (const t of sim.pendingTasks()) (r.fail && t.deploymentId === failing ? sim.failStart(t) : sim.start(t));
          for (const t of sim.stoppingTasks()) sim.finishStop(t);
          sim.advance(r.ms);
        }
        if (rolledBack) {
          const failed = sim.deployment(failing)!;
          assert.equal(failed.rolloutState, "FAILED");
          assert.equal(sim.primary.taskDefinitionArn, original);
          assert.ok(sim.settle(300));
          assert.equal(sim.primary.taskDefinitionArn, original);
          assert.equal(sim.primary.rolloutState, "COMPLETED");
        }
      }),
      { numRuns: 300 },
    );
  });

  it("DAEMON: never runs two tasks on an instance, keeps minimum healthy, converges", () => {
    fc.assert(
      fc.property(daemonConfigArb, scenarioCommandsArb, (config, commands) => runScenario(config, commands, false)),
      { numRuns: 300 },
    );
  });
});
