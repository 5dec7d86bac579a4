import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { downReport } from "./down-command.js";
import { stoppedMessage } from "./server-commands.js";

const TASK = "arn:aws:ecs:us-east-1:000000000000:task/default/0123456789abcdef0123456789abcdef";

describe("downReport", () => {
  it("says there was nothing to stop", () => {
    assert.equal(downReport("/d", [{ stateDir: "/d/agent", containers: [] }]), "no task was running in /d\n");
  });

  it("names each container and how it ended, then counts tasks", () => {
    const text = downReport("/d", [
      {
        stateDir: "/d/agent",
        instanceId: "i-1",
        containers: [
          { id: "a", taskArn: TASK, containerName: "app", runtime: "process", wasRunning: true, exit: { exitCode: 143, finishedAt: 1 } },
          { id: "b", taskArn: TASK, containerName: "init", runtime: "process", wasRunning: true },
          // Exited by itself before: only removed, neither listed nor counted.
          { id: "d", taskArn: `${TASK}1`, containerName: "job", runtime: "process", wasRunning: false, exit: { exitCode: 1, finishedAt: 1 } },
        ],
      },
      { stateDir: "/d/agent-fargate", containers: [{ id: "c", taskArn: `${TASK}0`, containerName: "web", runtime: "docker", wasRunning: true, exit: { exitCode: null, finishedAt: 1 } }] },
    ]);
    assert.equal(
      text,
      [
        "task 0123456789abcdef0123456789abcdef container app (process): stopped, exit code 143",
        "task 0123456789abcdef0123456789abcdef container init (process): stopped, never started",
        "task 0123456789abcdef0123456789abcdef0 container web (docker): stopped, no exit code",
        "stopped 2 tasks of /d; the next `berth up` on it reports them STOPPED",
        "",
      ].join("\n"),
    );
  });

  it("reports a container it could not stop, and does not count it as stopped", () => {
    const text = downReport("/d", [{ stateDir: "/d/agent", containers: [{ id: "a", taskArn: TASK, containerName: "app", runtime: "docker", wasRunning: true, error: "engine gone" }] }]);
    assert.equal(text, "task 0123456789abcdef0123456789abcdef container app: could not stop it: engine gone\nno task was running in /d\n");
  });
});

describe("stoppedMessage (berth up on Ctrl-C)", () => {
  const cases: [number, string, string][] = [
    [0, "./.berth", "berth stopped; no task was running.\n"],
    [1, "./.berth", "berth stopped; 1 task keeps running, as tasks do while an ECS agent restarts.\n  berth up adopts it again; berth down stops it.\n"],
    [3, "/srv/b", "berth stopped; 3 tasks keep running, as tasks do while an ECS agent restarts.\n  berth up --data-dir /srv/b adopts them again; berth down --data-dir /srv/b stops them.\n"],
  ];
  for (const [n, dir, want] of cases) it(`${n} task(s) in ${dir}`, () => assert.equal(stoppedMessage(n, dir), want));
});
