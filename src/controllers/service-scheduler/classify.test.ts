import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { classifyTasks, isFailedTask, runningHealth, wasHealthyBeforeStopping } from "./classify.js";
import { NOW, aDeployment, aService, aTask } from "./test-builders.js";
import type { HealthStatus } from "./types.js";

const P = "ecs-svc/2";

describe("runningHealth", () => {
  // [container checks, load balancer, container health, target health, seconds since RUNNING, grace seconds] → phase
  const cases: [boolean, boolean, HealthStatus | undefined, HealthStatus | undefined, number, number, string][] = [
    [false, false, undefined, undefined, 39, 0, "starting"],
    [false, false, undefined, undefined, 40, 0, "healthy"],
    [true, false, "HEALTHY", undefined, 1, 0, "healthy"],
    [true, false, "UNKNOWN", undefined, 600, 0, "starting"],
    [true, false, "UNHEALTHY", undefined, 600, 0, "unhealthy"],
    [true, false, "UNHEALTHY", undefined, 30, 60, "starting"],
    [true, false, "UNHEALTHY", undefined, 60, 60, "unhealthy"],
    [false, true, undefined, "HEALTHY", 1, 0, "healthy"],
    [false, true, undefined, undefined, 600, 0, "starting"],
    [false, true, undefined, "UNHEALTHY", 10, 300, "starting"],
    [false, true, undefined, "UNHEALTHY", 301, 300, "unhealthy"],
    [true, true, "HEALTHY", "UNKNOWN", 600, 0, "starting"],
    [true, true, "HEALTHY", "HEALTHY", 600, 0, "healthy"],
    [true, true, "UNHEALTHY", "HEALTHY", 600, 0, "unhealthy"],
  ];
  for (const [checks, lb, health, target, ago, grace, phase] of cases) {
    it(`checks ${checks}, lb ${lb}, ${health ?? "-"}/${target ?? "-"}, ${ago}s after RUNNING, grace ${grace}s → ${phase}`, () => {
      const task = aTask({ id: "t", deployment: P, startedAgo: ago, ...(health ? { health } : {}), ...(target ? { lb: target } : {}) });
      const verdict = runningHealth(task, aDeployment({ id: P, checks }), aService({ loadBalanced: lb, grace }), NOW);
      assert.equal(verdict.phase, phase);
    });
  }

  it("names the failing check in the stop reason", () => {
    const container = runningHealth(aTask({ id: "t", deployment: P, health: "UNHEALTHY" }), aDeployment({ id: P, checks: true }), aService(), NOW);
    assert.equal(container.unhealthyReason, "Task failed container health checks");
    const elb = runningHealth(aTask({ id: "t", deployment: P, lb: "UNHEALTHY" }), aDeployment({ id: P }), aService({ loadBalanced: true }), NOW);
    assert.match(elb.unhealthyReason!, /^Task failed ELB health checks in \(target-group arn:aws:elasticloadbalancing:/);
  });
});

describe("classifyTasks", () => {
  it("sorts tasks into live phases, stopping, stopped; counts running + pending and orphans", () => {
    const tasks = [
      aTask({ id: "h", deployment: P }),
      aTask({ id: "p", deployment: P, state: "pending" }),
      aTask({ id: "x", deployment: P, state: "stopping" }),
      aTask({ id: "d", deployment: P, lastStatus: "DEACTIVATING" }),
      aTask({ id: "s", deployment: P, state: "stopped" }),
      aTask({ id: "o", deployment: "ecs-svc/gone" }),
      aTask({ id: "r", deployment: P, instance: "i1", instanceStatus: "DRAINING" }),
    ];
    const b = classifyTasks(tasks, [aDeployment({ id: P })], P, aService(), NOW);
    assert.deepEqual(
      b.live.map((l) => [l.task.taskArn.slice(-1), l.phase, l.isPrimary, l.onDrainingInstance]),
      [
        ["h", "healthy", true, false],
        ["p", "pending", true, false],
        ["o", "healthy", false, false],
        ["r", "healthy", true, true],
      ],
    );
    assert.deepEqual(b.stopping.map((t) => t.taskArn.slice(-1)), ["x", "d"]);
    assert.deepEqual(b.stopped.map((t) => t.taskArn.slice(-1)), ["s"]);
    assert.equal(b.occupying, 5); // h, p, x (still RUNNING), o, r
    assert.equal(b.orphans, 1);
  });
});

describe("failure judgement of stopped tasks", () => {
  const dep = aDeployment({ id: P });
  const svc = aService();
  const cases: [string, Parameters<typeof aTask>[0], boolean][] = [
    ["failed to start", { id: "t", deployment: P, state: "stopped", stopCode: "TaskFailedToStart" }, true],
    ["exited 10 s after RUNNING", { id: "t", deployment: P, state: "stopped", stopCode: "EssentialContainerExited", startedAgo: 15 }, true],
    ["exited after 2 minutes of service", { id: "t", deployment: P, state: "stopped", stopCode: "EssentialContainerExited", startedAgo: 125 }, false],
    ["stopped by a user", { id: "t", deployment: P, state: "stopped", stopCode: "UserInitiated", neverStarted: true }, false],
    ["scaled in", { id: "t", deployment: P, state: "stopped", stopCode: "ServiceSchedulerInitiated", stoppedReason: "Scaling activity initiated by (deployment x)" }, false],
    ["failed health checks", { id: "t", deployment: P, state: "stopped", stopCode: "ServiceSchedulerInitiated", stoppedReason: "Task failed container health checks" }, true],
    ["Spot interruption", { id: "t", deployment: P, state: "stopped", stopCode: "SpotInterruption" }, false],
    ["failed ELB health checks", { id: "t", deployment: P, state: "stopped", stopCode: "ServiceSchedulerInitiated", stoppedReason: "Task failed ELB health checks in (target-group arn:tg)" }, true],
  ];
  for (const [name, o, failed] of cases) {
    it(`${name} → ${failed ? "a failure" : "not a failure"}`, () => {
      const t = aTask(o);
      assert.equal(isFailedTask(t, dep, svc), failed);
    });
  }

  it("behind a load balancer, a task that died after its targets were healthy is not a failure", () => {
    const lb = aService({ loadBalanced: true });
    const exited = { id: "t", deployment: P, state: "stopped" as const, stopCode: "EssentialContainerExited", startedAgo: 125 };
    assert.ok(!isFailedTask(aTask({ ...exited, lb: "HEALTHY" }), dep, lb));
    assert.ok(isFailedTask(aTask({ ...exited, lb: "UNKNOWN" }), dep, lb));
  });

  it("with health checks, a task was healthy only if its last health said so", () => {
    const checked = aDeployment({ id: P, checks: true });
    assert.ok(wasHealthyBeforeStopping(aTask({ id: "t", deployment: P, state: "stopped", health: "HEALTHY" }), checked, svc));
    assert.ok(!wasHealthyBeforeStopping(aTask({ id: "t", deployment: P, state: "stopped", health: "UNKNOWN" }), checked, svc));
  });
});
