import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type ContainerSnapshot, decideTask, pendingResources, type TaskResources, type TaskSnapshot } from "./task-transitions.js";

const c = (over: Partial<ContainerSnapshot> = {}): ContainerSnapshot => ({ name: "app", essential: true, known: "NONE", health: "UNKNOWN", hasHealthCheck: false, dependsOn: [], ...over });
const task = (resources: TaskResources | undefined, containers = [c()], desired: "RUNNING" | "STOPPED" = "RUNNING"): TaskSnapshot => ({
  desired,
  known: "NONE",
  containers,
  ...(resources ? { resources } : {}),
});

describe("pendingResources", () => {
  const cases: [string, TaskSnapshot, { waitingFor: string[]; resolveSecrets: boolean }][] = [
    ["nothing needed", task(undefined), { waitingFor: [], resolveSecrets: false }],
    ["the task role's id not yet here", task({ missingCredentials: ["TaskApplication"] }), { waitingFor: ["the task role's credentials"], resolveSecrets: false }],
    [
      "secrets, execution credentials missing: wait, no read",
      task({ missingCredentials: ["TaskExecution"], secrets: { ready: false, inFlight: false } }),
      { waitingFor: ["the execution role's credentials", "the task's secrets"], resolveSecrets: false },
    ],
    ["secrets with credentials: read them", task({ missingCredentials: [], secrets: { ready: false, inFlight: false } }), { waitingFor: ["the task's secrets"], resolveSecrets: true }],
    ["a read in flight is not started twice", task({ missingCredentials: [], secrets: { ready: false, inFlight: true } }), { waitingFor: ["the task's secrets"], resolveSecrets: false }],
    ["read: nothing pending", task({ missingCredentials: [], secrets: { ready: true, inFlight: false } }), { waitingFor: [], resolveSecrets: false }],
    [
      "a created container (agent restart) needs them to start",
      task({ missingCredentials: [], secrets: { ready: false, inFlight: false } }, [c({ known: "CREATED" })]),
      { waitingFor: ["the task's secrets"], resolveSecrets: true },
    ],
    [
      "running containers need nothing read",
      task({ missingCredentials: [], secrets: { ready: false, inFlight: false } }, [c({ known: "RUNNING", startedAt: 1 })]),
      { waitingFor: ["the task's secrets"], resolveSecrets: false },
    ],
    ["a task to stop reads nothing", task({ missingCredentials: [], secrets: { ready: false, inFlight: false } }, [c()], "STOPPED"), { waitingFor: ["the task's secrets"], resolveSecrets: false }],
  ];
  for (const [what, snapshot, want] of cases) it(what, () => assert.deepEqual(pendingResources(snapshot), want));
});

describe("decideTask with resources", () => {
  it("creates nothing until they are in, then creates", () => {
    const waiting = decideTask(task({ missingCredentials: ["TaskApplication"] }), 0);
    assert.deepEqual(waiting.actions, []);
    assert.deepEqual(waiting.waits, ["app waits for the task role's credentials"]);
    assert.deepEqual(decideTask(task({ missingCredentials: [] }), 0).actions, [{ kind: "create", container: "app" }]);
  });
  it("reads secrets first, and starts a created container only with them", () => {
    assert.deepEqual(decideTask(task({ missingCredentials: [], secrets: { ready: false, inFlight: false } }), 0).actions, [{ kind: "resolveSecrets" }]);
    assert.deepEqual(decideTask(task({ missingCredentials: [], secrets: { ready: false, inFlight: true } }, [c({ known: "CREATED" })]), 0).actions, []);
    assert.deepEqual(decideTask(task({ missingCredentials: [], secrets: { ready: true, inFlight: false } }, [c({ known: "CREATED" })]), 0).actions, [{ kind: "start", container: "app" }]);
  });
  it("a task told to stop stops whatever it waited for", () => {
    assert.deepEqual(decideTask(task({ missingCredentials: ["TaskExecution"], secrets: { ready: false, inFlight: false } }, [c()], "STOPPED"), 0).actions, [{ kind: "markStopped", container: "app" }]);
  });
});
