// The crash-loop back-off as a property: a deployment whose every task exits soon after RUNNING
// launches at most 6 × desired tasks in its first 5 minutes, whatever the passes' timing, the
// bounds or the health checks (crash-loop.ts: launches at 0, at once again, then after 10, 30, 70
// and 150 s; the next after 310 s). Without the back-off the simulated agent would be asked for
// a task per slot per pass.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { Simulation } from "./simulate.js";

const WINDOW_MS = 5 * 60_000;
/** Tasks that live longer are forced to crash: a 5-minute run would be healthy and end the loop. */
const LONGEST_RUN_MS = 4 * 60_000;

describe("crash-loop back-off: property", () => {
  it("a crash-looping deployment launches at most 6 × desired tasks in its first 5 minutes", () => {
    const configArb = fc.record({
      desired: fc.integer({ min: 1, max: 6 }),
      bounds: fc.constantFrom([100, 200], [50, 200], [0, 100], [50, 150]),
      checks: fc.boolean(),
    });
    // Each step: a pass, the agent starts every pending task, some running tasks crash, time moves
    // (sometimes not at all: passes in the same millisecond).
    const stepArb = fc.record({ ms: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 20_000 })), crash: fc.boolean() });
    fc.assert(
      fc.property(configArb, fc.array(stepArb, { minLength: 1, maxLength: 120 }), ({ desired, bounds: [min, max], checks }, steps) => {
        const sim = new Simulation({
          desired,
          deployment: { minimumHealthyPercent: min!, maximumPercent: max! },
          containerHealthChecks: checks,
          steadyStart: false,
        });
        const start = sim.now;
        for (let i = 0; sim.now < start + WINDOW_MS; i++) {
          const step = steps[i] ?? { ms: 5_000, crash: true };
          sim.step();
          for (const t of sim.pendingTasks()) sim.start(t);
          for (const t of sim.runningTasks()) {
            if (step.crash || sim.now - t.startedAt! >= LONGEST_RUN_MS) sim.crash(t);
          }
          sim.advance(step.ms);
        }
        const launched = sim.tasks.filter((t) => t.createdAt < start + WINDOW_MS).length;
        assert.ok(launched <= 6 * desired, `${launched} tasks for desired ${desired}`);
        // The loop was noticed and said so (the event is once per round, never once per pass).
        const loops = sim.events.filter((e) => e.message.includes("is crash-looping")).length;
        if (launched > 2 * desired) assert.ok(loops >= 1 && loops < sim.decisions, `${loops} crash-loop events in ${sim.decisions} passes`);
      }),
      { numRuns: 100 },
    );
  });
});
