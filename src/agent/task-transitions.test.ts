import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  type ContainerSnapshot,
  decideTask,
  type DesiredStatus,
  essentialStopReason,
  nextTransition,
  taskHealth,
  taskKnownStatus,
  TASK_STOPPED_BY_ESSENTIAL_EXIT,
  type Transition,
} from "./task-transitions.js";

const NOW = 1_000_000;

function aContainer(over: Partial<ContainerSnapshot> = {}): ContainerSnapshot {
  return { name: "app", essential: true, known: "NONE", health: "UNKNOWN", hasHealthCheck: false, dependsOn: [], ...over };
}

const running = (name: string, over: Partial<ContainerSnapshot> = {}) => aContainer({ name, known: "RUNNING", startedAt: NOW - 1000, ...over });
const created = (name: string, over: Partial<ContainerSnapshot> = {}) => aContainer({ name, known: "CREATED", ...over });
const stopped = (name: string, exitCode: number | null, over: Partial<ContainerSnapshot> = {}) =>
  aContainer({ name, known: "STOPPED", exitCode, startedAt: NOW - 2000, ...over });

describe("nextTransition", () => {
  const cases: { name: string; c: ContainerSnapshot; desired: DesiredStatus; others?: ContainerSnapshot[]; want: Partial<Transition> }[] = [
    { name: "NONE → CREATED when desired RUNNING", c: aContainer(), desired: "RUNNING", want: { next: "CREATED", actionRequired: true } },
    { name: "CREATED → RUNNING without dependencies", c: created("app"), desired: "RUNNING", want: { next: "RUNNING", actionRequired: true } },
    { name: "RUNNING stays RUNNING", c: running("app"), desired: "RUNNING", want: { next: "RUNNING", actionRequired: false } },
    { name: "STOPPED is terminal even when desired RUNNING", c: stopped("app", 0), desired: "RUNNING", want: { next: "STOPPED", actionRequired: false } },
    { name: "NONE → STOPPED without a runtime call", c: aContainer(), desired: "STOPPED", want: { next: "STOPPED", actionRequired: false } },
    { name: "CREATED → STOPPED without a runtime call", c: created("app"), desired: "STOPPED", want: { next: "STOPPED", actionRequired: false } },
    { name: "RUNNING → STOPPED needs a stop", c: running("app"), desired: "STOPPED", want: { next: "STOPPED", actionRequired: true } },
    {
      name: "a create in flight is not issued again",
      c: aContainer({ applied: "CREATED" }),
      desired: "RUNNING",
      want: { next: "NONE", actionRequired: false, blocked: "create of app in progress" },
    },
    {
      name: "a start in flight blocks the stop",
      c: created("app", { applied: "RUNNING" }),
      desired: "STOPPED",
      want: { next: "CREATED", actionRequired: false, blocked: "start of app in progress" },
    },
    {
      name: "a stop in flight is not issued again",
      c: running("app", { applied: "STOPPED" }),
      desired: "STOPPED",
      want: { next: "RUNNING", actionRequired: false, blocked: "stop of app in progress" },
    },
    {
      name: "a restart in flight (start while RUNNING) blocks the stop",
      c: running("app", { applied: "RUNNING" }),
      desired: "STOPPED",
      want: { next: "RUNNING", actionRequired: false, blocked: "restart of app in progress" },
    },
    {
      name: "START waits for the dependency to run",
      c: created("app", { dependsOn: [{ containerName: "db", condition: "START" }] }),
      others: [created("db")],
      desired: "RUNNING",
      want: { next: "CREATED", actionRequired: false, blocked: "app waits for db to reach START" },
    },
    {
      name: "START is met by a running dependency",
      c: created("app", { dependsOn: [{ containerName: "db", condition: "START" }] }),
      others: [running("db")],
      desired: "RUNNING",
      want: { next: "RUNNING", actionRequired: true },
    },
    {
      name: "START is met by a dependency that ran and stopped",
      c: created("app", { dependsOn: [{ containerName: "db", condition: "START" }] }),
      others: [stopped("db", 1)],
      desired: "RUNNING",
      want: { next: "RUNNING", actionRequired: true },
    },
    {
      name: "COMPLETE waits while the dependency runs",
      c: created("app", { dependsOn: [{ containerName: "init", condition: "COMPLETE" }] }),
      others: [running("init", { essential: false })],
      desired: "RUNNING",
      want: { next: "CREATED", actionRequired: false, blocked: "app waits for init to reach COMPLETE" },
    },
    {
      name: "COMPLETE is met by any exit code",
      c: created("app", { dependsOn: [{ containerName: "init", condition: "COMPLETE" }] }),
      others: [stopped("init", 7, { essential: false })],
      desired: "RUNNING",
      want: { next: "RUNNING", actionRequired: true },
    },
    {
      name: "SUCCESS is met by exit code 0",
      c: created("app", { dependsOn: [{ containerName: "init", condition: "SUCCESS" }] }),
      others: [stopped("init", 0, { essential: false })],
      desired: "RUNNING",
      want: { next: "RUNNING", actionRequired: true },
    },
    {
      name: "SUCCESS fails on a non-zero exit",
      c: created("app", { dependsOn: [{ containerName: "init", condition: "SUCCESS" }] }),
      others: [stopped("init", 3, { essential: false })],
      desired: "RUNNING",
      want: {
        next: "CREATED",
        actionRequired: false,
        error: "TaskDependencyError: container app depends on init (SUCCESS), which did not exit successfully (exit code 3)",
      },
    },
    {
      name: "HEALTHY waits while the dependency's health is UNKNOWN",
      c: created("app", { dependsOn: [{ containerName: "db", condition: "HEALTHY" }] }),
      others: [running("db", { hasHealthCheck: true })],
      desired: "RUNNING",
      want: { next: "CREATED", blocked: "app waits for db to reach HEALTHY" },
    },
    {
      name: "HEALTHY is met by a healthy dependency",
      c: created("app", { dependsOn: [{ containerName: "db", condition: "HEALTHY" }] }),
      others: [running("db", { hasHealthCheck: true, health: "HEALTHY" })],
      desired: "RUNNING",
      want: { next: "RUNNING", actionRequired: true },
    },
    {
      name: "HEALTHY fails on an unhealthy dependency",
      c: created("app", { dependsOn: [{ containerName: "db", condition: "HEALTHY" }] }),
      others: [running("db", { hasHealthCheck: true, health: "UNHEALTHY" })],
      desired: "RUNNING",
      want: { error: "TaskDependencyError: container app depends on db (HEALTHY), which is UNHEALTHY" },
    },
    {
      name: "HEALTHY fails on a dependency without a health check",
      c: created("app", { dependsOn: [{ containerName: "db", condition: "HEALTHY" }] }),
      others: [running("db")],
      desired: "RUNNING",
      want: { error: "TaskDependencyError: container app depends on db (HEALTHY), which has no health check" },
    },
    {
      name: "a dependency that never started fails every condition",
      c: created("app", { dependsOn: [{ containerName: "db", condition: "START" }] }),
      others: [aContainer({ name: "db", known: "STOPPED", exitCode: null, reason: "CannotPullContainerError: nope" })],
      desired: "RUNNING",
      want: { error: "TaskDependencyError: container app depends on db (START), which never started (CannotPullContainerError: nope)" },
    },
    {
      name: "a missing dependency is an error",
      c: created("app", { dependsOn: [{ containerName: "ghost", condition: "START" }] }),
      desired: "RUNNING",
      want: { error: "TaskDependencyError: container app depends on ghost, which is not in the task" },
    },
    {
      name: "startTimeout schedules a recheck before it expires",
      c: created("app", { dependsOn: [{ containerName: "init", condition: "SUCCESS" }] }),
      others: [running("init", { essential: false, startedAt: NOW - 1000, startTimeout: 5 })],
      desired: "RUNNING",
      want: { next: "CREATED", blocked: "app waits for init to reach SUCCESS", recheckAt: NOW + 4000 },
    },
    {
      name: "startTimeout expiry is an error",
      c: created("app", { dependsOn: [{ containerName: "init", condition: "SUCCESS" }] }),
      others: [running("init", { essential: false, startedAt: NOW - 6000, startTimeout: 5 })],
      desired: "RUNNING",
      want: { error: "TaskDependencyError: container app gave up waiting for init to reach SUCCESS within its startTimeout of 5 s" },
    },
    {
      name: "startTimeout does not bound START",
      c: created("app", { dependsOn: [{ containerName: "db", condition: "START" }] }),
      others: [created("db", { startTimeout: 1 })],
      desired: "RUNNING",
      want: { next: "CREATED", blocked: "app waits for db to reach START" },
    },
    {
      name: "a dependency stops after its running dependents",
      c: running("db"),
      others: [running("app", { dependsOn: [{ containerName: "db", condition: "START" }] })],
      desired: "STOPPED",
      want: { next: "RUNNING", actionRequired: false, blocked: "db stops after its dependents: app" },
    },
    {
      name: "a dependency stops once its dependents stopped",
      c: running("db"),
      others: [stopped("app", 143, { dependsOn: [{ containerName: "db", condition: "START" }] })],
      desired: "STOPPED",
      want: { next: "STOPPED", actionRequired: true },
    },
  ];
  for (const tc of cases) {
    it(tc.name, () => {
      const all = [tc.c, ...(tc.others ?? [])];
      const got = nextTransition(tc.c, tc.desired, all, NOW);
      for (const [k, v] of Object.entries(tc.want)) assert.deepEqual(got[k as keyof Transition], v, `${k} of ${JSON.stringify(got)}`);
    });
  }
});

describe("taskKnownStatus", () => {
  const cases: { name: string; containers: ContainerSnapshot[]; previous?: "NONE" | "CREATED" | "RUNNING"; want: string }[] = [
    { name: "nothing created yet", containers: [aContainer(), aContainer({ name: "b" })], want: "NONE" },
    { name: "one created is CREATED", containers: [created("app"), aContainer({ name: "b" })], want: "CREATED" },
    { name: "RUNNING when every essential runs", containers: [running("app"), created("side", { essential: false })], want: "RUNNING" },
    { name: "not RUNNING while an essential waits", containers: [running("init", { essential: false }), created("app")], want: "CREATED" },
    { name: "STOPPED when all stopped", containers: [stopped("app", 0), stopped("b", 1, { essential: false })], want: "STOPPED" },
    { name: "never moves backward", containers: [stopped("app", 0), running("b")], previous: "RUNNING", want: "RUNNING" },
  ];
  for (const tc of cases) {
    it(tc.name, () => assert.equal(taskKnownStatus(tc.containers, tc.previous ?? "NONE"), tc.want));
  }
});

describe("taskHealth", () => {
  it("UNHEALTHY beats UNKNOWN beats HEALTHY over essential containers only", () => {
    const h = (health: "HEALTHY" | "UNHEALTHY" | "UNKNOWN", essential = true) => running(`c${Math.random()}`, { hasHealthCheck: true, health, essential });
    assert.equal(taskHealth([h("HEALTHY"), h("UNHEALTHY", false)]), "HEALTHY");
    assert.equal(taskHealth([h("HEALTHY"), h("UNKNOWN")]), "UNKNOWN");
    assert.equal(taskHealth([h("UNKNOWN"), h("UNHEALTHY")]), "UNHEALTHY");
    assert.equal(taskHealth([h("HEALTHY"), running("nocheck")]), "UNKNOWN");
  });
});

describe("essentialStopReason", () => {
  it("says an essential container exited when it ran", () => {
    assert.equal(essentialStopReason([stopped("app", 0), running("b", { essential: false })]), TASK_STOPPED_BY_ESSENTIAL_EXIT);
  });
  it("gives the failure when it never ran", () => {
    const failed = aContainer({ known: "STOPPED", exitCode: null, reason: "CannotPullContainerError: no such image" });
    assert.equal(essentialStopReason([failed]), "CannotPullContainerError: no such image");
  });
  it("ignores non-essential exits", () => {
    assert.equal(essentialStopReason([running("app"), stopped("side", 1, { essential: false })]), undefined);
  });
});

describe("decideTask", () => {
  it("creates every container at once", () => {
    const d = decideTask({ desired: "RUNNING", known: "NONE", containers: [aContainer(), aContainer({ name: "b" })] }, NOW);
    assert.deepEqual(d.actions, [
      { kind: "create", container: "app" },
      { kind: "create", container: "b" },
    ]);
  });
  it("starts in dependency order", () => {
    const containers = [created("app", { dependsOn: [{ containerName: "db", condition: "START" }] }), created("db")];
    const d = decideTask({ desired: "RUNNING", known: "CREATED", containers }, NOW);
    assert.deepEqual(d.actions, [{ kind: "start", container: "db" }]);
    assert.deepEqual(d.waits, ["app waits for db to reach START"]);
  });
  it("an essential exit stops the task", () => {
    const d = decideTask({ desired: "RUNNING", known: "RUNNING", containers: [stopped("app", 1), running("side", { essential: false })] }, NOW);
    assert.deepEqual(d.actions, [{ kind: "stopTask", reason: TASK_STOPPED_BY_ESSENTIAL_EXIT }]);
  });
  it("a non-essential exit leaves the task running", () => {
    const d = decideTask({ desired: "RUNNING", known: "RUNNING", containers: [running("app"), stopped("side", 1, { essential: false })] }, NOW);
    assert.deepEqual(d.actions, []);
    assert.equal(d.known, "RUNNING");
  });
  it("a failed dependency marks the dependent stopped and stops the task", () => {
    const containers = [created("app", { dependsOn: [{ containerName: "init", condition: "SUCCESS" }] }), stopped("init", 2, { essential: false })];
    const d = decideTask({ desired: "RUNNING", known: "CREATED", containers }, NOW);
    const reason = "TaskDependencyError: container app depends on init (SUCCESS), which did not exit successfully (exit code 2)";
    assert.deepEqual(d.actions, [
      { kind: "markStopped", container: "app", reason },
      { kind: "stopTask", reason },
    ]);
  });
  it("stops running containers and records the others when desired STOPPED", () => {
    const containers = [running("app"), created("b", { essential: false }), aContainer({ name: "c", essential: false })];
    const d = decideTask({ desired: "STOPPED", known: "RUNNING", containers }, NOW);
    assert.deepEqual(d.actions, [
      { kind: "stop", container: "app" },
      { kind: "markStopped", container: "b" },
      { kind: "markStopped", container: "c" },
    ]);
  });
  it("reports the earliest recheck", () => {
    const containers = [
      created("app", { dependsOn: [{ containerName: "a", condition: "SUCCESS" }, { containerName: "b", condition: "COMPLETE" }] }),
      running("a", { essential: false, startedAt: NOW, startTimeout: 9 }),
      running("b", { essential: false, startedAt: NOW, startTimeout: 3 }),
    ];
    assert.equal(decideTask({ desired: "RUNNING", known: "CREATED", containers }, NOW).recheckAt, NOW + 3000);
  });
});

describe("decideTask: an awsvpc task's network", () => {
  type Net = { status: "NONE" | "ATTACHED" | "DELETED"; inFlight: boolean; stale?: boolean };
  const cases: { name: string; desired: DesiredStatus; net: Net; containers: ContainerSnapshot[]; want: string[]; waits?: string[] }[] = [
    {
      name: "the network comes first: set up, no container created yet",
      desired: "RUNNING", net: { status: "NONE", inFlight: false }, containers: [aContainer({ name: "a" }), aContainer({ name: "b" })],
      want: ["setUpNetwork"], waits: ["a waits for the task's network", "b waits for the task's network"],
    },
    { name: "a set-up in flight is not issued again", desired: "RUNNING", net: { status: "NONE", inFlight: true }, containers: [aContainer()], want: [] },
    { name: "attached: the containers are created", desired: "RUNNING", net: { status: "ATTACHED", inFlight: false }, containers: [aContainer({ name: "a" }), aContainer({ name: "b" })], want: ["create:a", "create:b"] },
    { name: "running: nothing", desired: "RUNNING", net: { status: "ATTACHED", inFlight: false }, containers: [running("a")], want: [] },
    { name: "running with changed security groups: set up again (only the rules change)", desired: "RUNNING", net: { status: "ATTACHED", inFlight: false, stale: true }, containers: [running("a")], want: ["setUpNetwork"] },
    { name: "stopping with changed security groups: no point", desired: "STOPPED", net: { status: "ATTACHED", inFlight: false, stale: true }, containers: [running("a")], want: ["stop:a"] },
    { name: "stopping: containers stop before the network goes", desired: "STOPPED", net: { status: "ATTACHED", inFlight: false }, containers: [running("a")], want: ["stop:a"] },
    { name: "every container stopped: release", desired: "STOPPED", net: { status: "ATTACHED", inFlight: false }, containers: [stopped("a", 0)], want: ["releaseNetwork"] },
    { name: "a failed set-up (NONE) is released too: it may be half made", desired: "STOPPED", net: { status: "NONE", inFlight: false }, containers: [stopped("a", null)], want: ["releaseNetwork"] },
    { name: "stopped before the set-up: containers recorded, then released", desired: "STOPPED", net: { status: "NONE", inFlight: false }, containers: [aContainer({ name: "a" })], want: ["markStopped:a"] },
    { name: "a release in flight is not issued again", desired: "STOPPED", net: { status: "ATTACHED", inFlight: true }, containers: [stopped("a", 0)], want: [] },
    { name: "deleted: nothing more", desired: "STOPPED", net: { status: "DELETED", inFlight: false }, containers: [stopped("a", 0)], want: [] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const d = decideTask({ desired: c.desired, known: "NONE", containers: c.containers, network: c.net }, NOW);
      assert.deepEqual(d.actions.map((a) => ("container" in a ? `${a.kind}:${a.container}` : a.kind)), c.want);
      if (c.waits) assert.deepEqual(d.waits, c.waits);
    });
  }
});
