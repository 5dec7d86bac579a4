import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type Docker from "dockerode";
import { containerStateFromInspect } from "./docker-state.js";

function info(state: Partial<Docker.ContainerInspectInfo["State"]>, over: Record<string, unknown> = {}): Docker.ContainerInspectInfo {
  return {
    Id: "c1",
    Created: "2024-01-01T00:00:00.000000000Z",
    Name: "/berth-t-web-1",
    Image: "sha256:img",
    State: { Status: "running", Running: true, Paused: false, Restarting: false, OOMKilled: false, Dead: false, Pid: 42, ExitCode: 0, Error: "", StartedAt: "2024-01-01T00:00:01.5Z", FinishedAt: "0001-01-01T00:00:00Z", ...state },
    Config: { Image: "nginx:1", Labels: { "berth.task-arn": "arn:t", "berth.task-id": "t", "berth.container-name": "web" }, ExposedPorts: { "80/tcp": {} } },
    HostConfig: { NetworkMode: "bridge" },
    NetworkSettings: { Ports: { "80/tcp": [{ HostIp: "0.0.0.0", HostPort: "49153" }, { HostIp: "::", HostPort: "49153" }] } },
    ...over,
  } as unknown as Docker.ContainerInspectInfo;
}

describe("containerStateFromInspect", () => {
  it("a running container: ids from labels, bindings from the published ports", () => {
    const s = containerStateFromInspect(info({}));
    assert.deepEqual([s.status, s.taskArn, s.containerName, s.image, s.imageId, s.pid, s.startedAt], ["RUNNING", "arn:t", "web", "nginx:1", "sha256:img", 42, Date.UTC(2024, 0, 1, 0, 0, 1, 500)]);
    assert.deepEqual(s.networkBindings, [
      { bindIP: "0.0.0.0", containerPort: 80, hostPort: 49153, protocol: "tcp" },
      { bindIP: "::", containerPort: 80, hostPort: 49153, protocol: "tcp" },
    ]);
    assert.equal(s.exit, undefined);
  });

  it("OOMKilled gives the OutOfMemoryError reason; FinishedAt never precedes StartedAt", () => {
    const s = containerStateFromInspect(info({ Status: "exited", Running: false, ExitCode: 137, OOMKilled: true, FinishedAt: "2024-01-01T00:00:01.2Z" }));
    assert.deepEqual(s.exit, { exitCode: 137, reason: "OutOfMemoryError: Container killed due to memory usage", finishedAt: Date.UTC(2024, 0, 1, 0, 0, 1, 500) });
  });

  it("Docker's health maps to ECS's: starting → UNKNOWN", () => {
    const health = (Status: string) => containerStateFromInspect(info({ Health: { Status, FailingStreak: 2, Log: [{ Start: "", End: "", ExitCode: 1, Output: "bad\n" }] } })).health;
    assert.deepEqual(health("unhealthy"), { status: "UNHEALTHY", failingStreak: 2, output: "bad" });
    assert.equal(health("healthy").status, "HEALTHY");
    assert.equal(health("starting").status, "UNKNOWN");
  });

  it("host networking reports exposed ports as bound on the host", () => {
    const s = containerStateFromInspect(info({}, { HostConfig: { NetworkMode: "host" }, NetworkSettings: { Ports: {} } }));
    assert.deepEqual(s.networkBindings, [{ bindIP: "0.0.0.0", containerPort: 80, hostPort: 80, protocol: "tcp" }]);
  });

  it("a created container that never started is CREATED without bindings", () => {
    const s = containerStateFromInspect(info({ Status: "created", Running: false, Pid: 0, StartedAt: "0001-01-01T00:00:00Z" }));
    assert.deepEqual([s.status, s.networkBindings, s.startedAt], ["CREATED", [], undefined]);
  });
});
