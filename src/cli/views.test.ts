import type { Service } from "@aws-sdk/client-ecs";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decisionLogView, type DecisionEntry } from "./decision-log-view.js";
import { serviceView } from "./describe-service.js";
import { outcomeFromHistory, outcomeOf, progressLine } from "./rollout-progress.js";
import { makeStyle } from "./style.js";
import { LiveView } from "./watch.js";

const plain = makeStyle(false);
const now = Date.parse("2026-11-28T12:00:00Z");

const service = (deployments: NonNullable<Service["deployments"]>): Service => ({
  serviceName: "web",
  desiredCount: 2,
  deployments,
  events: [{ id: "e1", createdAt: new Date(now - 5000), message: "(service web) has reached a steady state." }],
});

describe("outcomeOf", () => {
  it("waits while IN_PROGRESS, completes on COMPLETED, fails on FAILED naming the rollback", () => {
    const going = service([{ id: "ecs-svc/2", status: "PRIMARY", rolloutState: "IN_PROGRESS", desiredCount: 2, runningCount: 1, taskDefinition: "arn:x:task-definition/web:2" }]);
    assert.deepEqual(outcomeOf(going, "ecs-svc/2"), { state: "waiting" });
    const done = service([{ id: "ecs-svc/2", status: "PRIMARY", rolloutState: "COMPLETED", desiredCount: 2, runningCount: 2, taskDefinition: "arn:x:task-definition/web:2" }]);
    assert.deepEqual(outcomeOf(done, "ecs-svc/2"), { state: "completed", message: "deployment ecs-svc/2 completed: service web runs 2 tasks of web:2" });
    const failed = service([
      { id: "ecs-svc/3", status: "PRIMARY", rolloutState: "IN_PROGRESS", taskDefinition: "arn:x:task-definition/web:2" },
      { id: "ecs-svc/2", status: "ACTIVE", rolloutState: "FAILED", rolloutStateReason: "ECS deployment circuit breaker: tasks failed to start.", taskDefinition: "arn:x:task-definition/web:3" },
    ]);
    const outcome = outcomeOf(failed, "ecs-svc/2");
    assert.equal(outcome.state, "failed");
    assert.equal(
      (outcome as { message: string }).message,
      "deployment ecs-svc/2 of service web failed: ECS deployment circuit breaker: tasks failed to start; the service is rolling back to web:2 (deployment ecs-svc/3)",
    );
    assert.deepEqual(outcomeOf(failed, "ecs-svc/9"), { state: "gone" });
  });
  it("reads a finished deployment's fate from the history", () => {
    assert.equal(outcomeFromHistory("ecs-svc/1", "web", "SUCCESSFUL", undefined).state, "completed");
    assert.equal(outcomeFromHistory("ecs-svc/1", "web", "STOPPED", "ECS deployment circuit breaker: tasks failed to start.").state, "failed");
    assert.equal(outcomeFromHistory("ecs-svc/1", "web", "STOPPED", undefined).state, "gone");
  });
  it("progressLine counts the new deployment and what still runs of the old", () => {
    const svc = service([
      { id: "ecs-svc/2", status: "PRIMARY", rolloutState: "IN_PROGRESS", desiredCount: 2, runningCount: 1, pendingCount: 1, failedTasks: 0, taskDefinition: "arn:x:task-definition/web:2" },
      { id: "ecs-svc/1", status: "ACTIVE", rolloutState: "COMPLETED", runningCount: 2 },
    ]);
    assert.equal(progressLine(svc, "ecs-svc/2"), "ecs-svc/2 IN_PROGRESS (web:2): 1 of 2 running, 1 pending, 0 failed, 2 old still running");
  });
});

describe("serviceView", () => {
  it("shows events, then deployments, then tasks, then stopped tasks with reasons and exit codes", () => {
    const svc = service([{ id: "ecs-svc/1", status: "PRIMARY", rolloutState: "COMPLETED", desiredCount: 1, runningCount: 1, rolloutStateReason: "ECS deployment ecs-svc/1 completed." }]);
    const lines = serviceView(
      {
        service: svc,
        tasks: [
          { taskArn: "arn:x:task/default/aaa", desiredStatus: "RUNNING", lastStatus: "RUNNING", startedBy: "ecs-svc/1" },
          {
            taskArn: "arn:x:task/default/bbb",
            desiredStatus: "STOPPED",
            lastStatus: "STOPPED",
            stopCode: "EssentialContainerExited",
            stoppedReason: "Essential container in task exited",
            stoppedAt: new Date(now - 1000),
            containers: [{ name: "app", lastStatus: "STOPPED", exitCode: 3 }],
          },
        ],
        now,
        limit: 10,
      },
      plain,
    ).join("\n");
    const order = ["Events", "Deployments", "Tasks (1)", "Stopped tasks"].map((h) => lines.indexOf(h));
    assert.ok(order.every((i, k) => i >= 0 && (k === 0 || i > order[k - 1]!)), `sections in order: ${order}`);
    assert.match(lines, /reason: Essential container in task exited\n\s+container app: STOPPED, exit code 3/);
    assert.match(lines, /ecs-svc\/1: ECS deployment ecs-svc\/1 completed\./);
  });
});

describe("serviceView's load balancers", () => {
  it("shows each target group with its counts, and each target with its task, state and reason", () => {
    const svc = service([{ id: "ecs-svc/1", status: "PRIMARY", rolloutState: "IN_PROGRESS", desiredCount: 2, runningCount: 2 }]);
    const tg = "arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web-8080/0123456789abcdef";
    const lines = serviceView(
      {
        service: svc,
        tasks: [
          { taskArn: "arn:x:task/default/aaa", desiredStatus: "RUNNING", lastStatus: "RUNNING", attachments: [{ details: [{ name: "privateIPv4Address", value: "10.0.0.5" }] }] },
        ],
        now,
        limit: 10,
        targetGroups: [
          {
            targetGroupArn: tg,
            containerName: "web",
            containerPort: 8080,
            targets: [
              { Target: { Id: "10.0.0.6", Port: 8080 }, TargetHealth: { State: "unhealthy", Reason: "Target.ResponseCodeMismatch", Description: "Health checks failed with these codes: [500]" } },
              { Target: { Id: "10.0.0.5", Port: 8080 }, TargetHealth: { State: "healthy" } },
            ],
          },
          { targetGroupArn: "arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/gone/fedcba9876543210", error: "One or more target groups not found" },
        ],
      },
      plain,
    ).join("\n");
    assert.ok(lines.indexOf("Load balancers (2 target groups):") > lines.indexOf("Deployments"), lines);
    assert.match(lines, /targetgroup\/web-8080 ← web:8080: 1 healthy, 1 unhealthy/);
    assert.match(lines, /10\.0\.0\.5:8080\s+aaa\s+healthy/);
    assert.match(lines, /10\.0\.0\.6:8080\s+unhealthy\s+Target\.ResponseCodeMismatch: Health checks failed with these codes: \[500\]/);
    assert.match(lines, /targetgroup\/gone: cannot read its targets: One or more target groups not found/);
  });
});

describe("decisionLogView", () => {
  const entry = (at: number, extra: Partial<DecisionEntry> = {}): DecisionEntry => ({
    at,
    inputs: { deployments: [{ id: "ecs-svc/1", status: "PRIMARY", rolloutState: "IN_PROGRESS", desired: 4, pending: 0, running: 2, healthy: 2, starting: 0, unhealthy: 0, stopping: 0, onDrainingInstance: 0, failedTasks: 0 }] },
    bounds: { desired: 4, minimumHealthyPercent: 50, maximumPercent: 200, minimumHealthy: 2, maximumTotal: 8, healthy: 2, total: 2, launchHeadroom: 6, stopBudget: 0, circuitBreakerThreshold: 3 },
    actions: [],
    waits: [],
    steady: false,
    ...extra,
  });
  it("tells each pass oldest first: bounds, what it saw, did and why it waited", () => {
    const t = now / 1000;
    const text = decisionLogView(
      "web",
      "default",
      {
        serviceArn: "arn",
        decisions: [
          entry(t - 1, { waits: ["stopping would leave 1 healthy, below minimumHealthyPercent's 2"], actions: [{ kind: "setDeploymentCounts", detail: "x" }] }),
          entry(t - 10, { actions: [{ kind: "launch", detail: "start 2 task(s) of ecs-svc/1 (scale)" }], result: { launched: ["a", "b"], stopped: [], placementFailures: 0 } }),
        ],
      },
      now,
      plain,
    ).join("\n");
    assert.ok(text.indexOf("pass 1 of 2") < text.indexOf("launch: start 2 task(s)"));
    assert.ok(text.indexOf("launch: start 2") < text.indexOf("pass 2 of 2"), "oldest first");
    assert.match(text, /keep at least 2 \(minimumHealthyPercent 50\) · total 2, at most 8 \(maximumPercent 200\)/);
    assert.match(text, /circuit breaker trips at 3 failed tasks/);
    assert.match(text, /waited  stopping would leave 1 healthy/);
    assert.match(text, /\(\+1 bookkeeping update; --verbose shows them\)/);
    assert.match(text, /result  started 2, stopped 0, placement failures 0/);
  });
  it("shows the load balancer's view of each target group in what it saw", () => {
    const tg = "arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web/0123456789abcdef";
    const e = entry(now / 1000);
    const text = decisionLogView(
      "web",
      "default",
      { serviceArn: "arn", decisions: [{ ...e, inputs: { ...e.inputs, targetGroups: [{ targetGroupArn: tg, targets: { initial: 1, healthy: 3, draining: 0 } }] } }] },
      now,
      plain,
    ).join("\n");
    assert.match(text, /^\s+targetgroup\/web: 3 healthy · 1 initial$/m);
  });
  it("says so when there is no decision yet", () => {
    assert.deepEqual(decisionLogView("web", "default", { serviceArn: "a", decisions: [] }, now, plain), [
      "The scheduler has not decided anything for service web yet.",
    ]);
  });
});

describe("LiveView", () => {
  it("redraws in place: cursor up over what it drew, each line cleared, the rest erased", () => {
    const out: string[] = [];
    const view = new LiveView({ isTTY: true, columns: 10, rows: 50, write: (s) => out.push(s) });
    view.render(["a", "0123456789abc"]);
    view.render(["b"]);
    assert.equal(out[0], "\x1b[2Ka\n\x1b[2K0123456789abc\n\x1b[J");
    // The 13-character line wrapped onto two rows of a 10-column terminal: three rows to climb.
    assert.equal(out[1], "\x1b[3A\r\x1b[2Kb\n\x1b[J");
  });
});
