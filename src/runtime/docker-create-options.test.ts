import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { dockerContainerName, dockerCreateOptions, imageReference } from "./docker-create-options.js";
import type { ContainerSpec } from "./types.js";

function spec(over: Partial<ContainerSpec> = {}): ContainerSpec {
  return { taskArn: "arn:aws:ecs:r:1:task/c/t1", taskId: "t1", containerName: "web", image: "nginx", networkMode: "bridge", ...over };
}

describe("imageReference", () => {
  it("adds :latest only to untagged names (Docker would pull every tag)", () => {
    assert.equal(imageReference("nginx"), "nginx:latest");
    assert.equal(imageReference("registry:5000/team/app"), "registry:5000/team/app:latest");
    assert.equal(imageReference("registry:5000/team/app:2"), "registry:5000/team/app:2");
    assert.equal(imageReference("app@sha256:abc"), "app@sha256:abc");
  });
});

describe("dockerCreateOptions", () => {
  it("maps the ECS container definition the way the ECS agent does", () => {
    const o = dockerCreateOptions(
      spec({
        entryPoint: ["/entry"],
        command: ["serve", "--port", "80"],
        environment: { A: "1", B: "x=y" },
        workingDirectory: "/app",
        user: "1000:1000",
        hostname: "web-1",
        cpu: 256,
        memory: 512,
        memoryReservation: 128,
        ulimits: [{ name: "nofile", softLimit: 1024, hardLimit: 4096 }],
        portMappings: [{ containerPort: 80, hostPort: 0 }, { containerPort: 53, hostPort: 5353, protocol: "udp" }],
        stopTimeout: 45,
        labels: { team: "blue" },
        healthCheck: { command: ["CMD-SHELL", "curl -f localhost"], interval: 10, retries: 4, startPeriod: 20 },
      }),
      dockerContainerName(spec(), "0a1b2c3d"),
    );
    assert.equal(o.name, "berth-t1-web-0a1b2c3d");
    assert.equal(o.Image, "nginx:latest");
    assert.deepEqual([o.Entrypoint, o.Cmd, o.Env, o.WorkingDir, o.User, o.Hostname], [["/entry"], ["serve", "--port", "80"], ["A=1", "B=x=y"], "/app", "1000:1000", "web-1"]);
    assert.equal(o.StopTimeout, 45);
    assert.deepEqual(o.ExposedPorts, { "80/tcp": {}, "53/udp": {} });
    assert.deepEqual(o.Healthcheck, { Test: ["CMD-SHELL", "curl -f localhost"], Interval: 10e9, Timeout: 5e9, Retries: 4, StartPeriod: 20e9 });
    assert.equal(o.Labels?.team, "blue");
    assert.equal(o.Labels?.["berth.task-arn"], "arn:aws:ecs:r:1:task/c/t1");
    assert.deepEqual(o.HostConfig, {
      NetworkMode: "bridge",
      PortBindings: { "80/tcp": [{ HostIp: "", HostPort: "" }], "53/udp": [{ HostIp: "", HostPort: "5353" }] },
      CpuShares: 256,
      Memory: 512 * 1024 * 1024,
      MemoryReservation: 128 * 1024 * 1024,
      Ulimits: [{ Name: "nofile", Soft: 1024, Hard: 4096 }],
    });
  });

  it("leaves the image's ENTRYPOINT and CMD alone when the spec has none; no health check; cpu 0 becomes 2 shares", () => {
    const o = dockerCreateOptions(spec({ cpu: 0 }), "n");
    assert.deepEqual(o.Healthcheck, { Test: ["NONE"] }, "the image's own HEALTHCHECK is switched off, as ECS ignores it");
    assert.equal("Entrypoint" in o, false);
    assert.equal("Cmd" in o, false);
    assert.equal(o.HostConfig?.CpuShares, 2);
  });

  it("host mode publishes nothing; awsvpc joins the pause container and drops the hostname", () => {
    assert.equal(dockerCreateOptions(spec({ networkMode: "host", portMappings: [{ containerPort: 80 }] }), "n").HostConfig?.PortBindings, undefined);
    const vpc = dockerCreateOptions(spec({ networkMode: "awsvpc", hostname: "x", networkNamespace: { containerId: "pause1" } }), "n");
    assert.deepEqual([vpc.HostConfig?.NetworkMode, vpc.Hostname], ["container:pause1", undefined]);
    assert.throws(() => dockerCreateOptions(spec({ networkMode: "awsvpc" }), "n"), /CannotCreateContainerError: networkMode awsvpc needs networkNamespace.containerId/);
  });

  it("a malformed health check fails the create", () => {
    assert.throws(() => dockerCreateOptions(spec({ healthCheck: { command: ["curl"] } }), "n"), /CannotCreateContainerError: healthCheck.command\[0\] is "curl"/);
  });
});

describe("dockerMounts", () => {
  it("binds and engine volumes as Mounts, tmpfs with its size, a read-only root", () => {
    const o = dockerCreateOptions(
      spec({
        mounts: [
          { kind: "bind", source: "/var/lib/berth/volumes/tasks/t1/empty/v", containerPath: "/v", readOnly: false },
          { kind: "volume", name: "db", containerPath: "/db", readOnly: true },
          { kind: "tmpfs", containerPath: "/run/x", sizeMiB: 64, options: ["noexec", "mode=1777"] },
        ],
        readonlyRootFilesystem: true,
      }),
      "n",
    );
    assert.deepEqual(o.HostConfig?.Mounts, [
      { Type: "bind", Source: "/var/lib/berth/volumes/tasks/t1/empty/v", Target: "/v", ReadOnly: false },
      { Type: "volume", Source: "db", Target: "/db", ReadOnly: true },
    ]);
    assert.deepEqual(o.HostConfig?.Tmpfs, { "/run/x": "size=64m,noexec,mode=1777" });
    assert.equal(o.HostConfig?.ReadonlyRootfs, true);
    const plain = dockerCreateOptions(spec(), "n");
    assert.equal(plain.HostConfig?.Mounts, undefined);
    assert.equal(plain.HostConfig?.ReadonlyRootfs, undefined);
  });
});
