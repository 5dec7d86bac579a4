import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { applyDeploymentActions, type UpdatableDeployment } from "./deployment-updates.js";
import { INITIAL_FAILURE_TRACKING, type ServiceAction } from "./types.js";

type D = UpdatableDeployment & { td: string };
const dep = (id: string, status: D["status"], over: Partial<D> = {}): D => ({ id, status, td: `web:${id}`, desiredCount: 4, failedTasks: 0, rolloutState: "IN_PROGRESS", ...over });
const options = {
  maxPast: 2,
  rollback: (a: { taskDefinitionArn: string; desiredCount: number; rolloutStateReason: string }): D =>
    dep("rb", "PRIMARY", { td: a.taskDefinitionArn, desiredCount: a.desiredCount, rolloutStateReason: a.rolloutStateReason }),
};
const NOW = 1_000;

describe("applyDeploymentActions", () => {
  it("sets rollout state and counts on the named deployment only, stamping updatedAt", () => {
    const state = { deployments: [dep("new", "PRIMARY"), dep("old", "ACTIVE")], past: [], failureTracking: undefined };
    const actions: ServiceAction[] = [
      { kind: "setRolloutState", deploymentId: "new", rolloutState: "COMPLETED", rolloutStateReason: "ECS deployment new completed." },
      { kind: "setDeploymentCounts", deploymentId: "old", desiredCount: 0, pendingCount: 0, runningCount: 2, failedTasks: 1, hadHealthyTask: true },
    ];
    const next = applyDeploymentActions(state, actions, NOW, options);
    assert.deepEqual(next.deployments, [
      dep("new", "PRIMARY", { rolloutState: "COMPLETED", rolloutStateReason: "ECS deployment new completed.", updatedAt: NOW }),
      dep("old", "ACTIVE", { desiredCount: 0, pendingCount: 0, runningCount: 2, failedTasks: 1, hadHealthyTask: true }),
    ]);
    assert.deepEqual(state.deployments[0], dep("new", "PRIMARY"), "the input is not changed");
  });

  it("moves an INACTIVE deployment to the front of the past ones, keeping at most maxPast", () => {
    const state = { deployments: [dep("new", "PRIMARY"), dep("old", "ACTIVE")], past: [dep("p1", "INACTIVE"), dep("p2", "INACTIVE")], failureTracking: undefined };
    const next = applyDeploymentActions(state, [{ kind: "setDeploymentStatus", deploymentId: "old", status: "INACTIVE" }], NOW, options);
    assert.deepEqual(next.deployments.map((d) => d.id), ["new"]);
    assert.deepEqual(next.past.map((d) => [d.id, d.status]), [["old", "INACTIVE"], ["p1", "INACTIVE"]]);
    assert.equal(next.past[0]!.updatedAt, NOW);
  });

  it("puts a rollback first as PRIMARY and demotes the failed deployment and any PRIMARY", () => {
    const state = { deployments: [dep("bad", "PRIMARY", { rolloutState: "FAILED" }), dep("good", "ACTIVE", { rolloutState: "COMPLETED" })], past: [], failureTracking: undefined };
    const next = applyDeploymentActions(
      state,
      [{ kind: "createRollbackDeployment", failedDeploymentId: "bad", targetDeploymentId: "good", taskDefinitionArn: "web:good", desiredCount: 4, rolloutStateReason: "rolling back" }],
      NOW,
      options,
    );
    assert.deepEqual(next.deployments.map((d) => [d.id, d.status, d.td]), [["rb", "PRIMARY", "web:good"], ["bad", "ACTIVE", "web:bad"], ["good", "ACTIVE", "web:good"]]);
  });

  it("replaces the failure tracking and ignores launches, stops and events", () => {
    const tracking = { ...INITIAL_FAILURE_TRACKING, consecutiveStartFailures: 2 };
    const state = { deployments: [dep("d", "PRIMARY")], past: [], failureTracking: undefined };
    const next = applyDeploymentActions(
      state,
      [
        { kind: "setFailureTracking", tracking },
        { kind: "event", message: "(service web) has started 1 tasks: (task x)." },
      ] as ServiceAction[],
      NOW,
      options,
    );
    assert.deepEqual(next, { deployments: [dep("d", "PRIMARY")], past: [], failureTracking: tracking });
  });
});
