import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AGENT_INSTANCE_LABEL, buildContainerSpec, containerTraits, type SpecContext } from "./container-spec.js";
import { aContainerDef, anAssignedTask } from "./test-builders.js";

const ctx: SpecContext = { instanceId: "i-0abc", metadataBaseUrl: "http://127.0.0.1:51679", metadataToken: "tok", defaultStopTimeoutSeconds: 30 };

describe("buildContainerSpec", () => {
  it("runs an awsvpc container in the task's namespace once the agent has made it", () => {
    const task = anAssignedTask([aContainerDef("app")], { networkMode: "awsvpc" });
    const r = buildContainerSpec(task, task.containers[0]!, { ...ctx, networkNamespace: { path: "/var/run/netns/berth-x", resolvConf: "/etc/netns/berth-x/resolv.conf" } });
    assert.ok(r.ok);
    assert.equal(r.spec.networkMode, "awsvpc");
    assert.deepEqual(r.spec.networkNamespace, { path: "/var/run/netns/berth-x", resolvConf: "/etc/netns/berth-x/resolv.conf" });
  });

  it("bridge in a namespace of the agent's: the namespace, and each mapping's forwarded host port", () => {
    const task = anAssignedTask([aContainerDef("web", { portMappings: [{ containerPort: 8080 }, { containerPort: 9000, hostPort: 9000 }, { containerPort: 53, protocol: "udp" }] })]);
    const hostPorts = [
      { containerName: "web", containerPort: 8080, hostPort: 32768, protocol: "tcp" as const },
      { containerName: "web", containerPort: 9000, hostPort: 9000, protocol: "tcp" as const },
      { containerName: "web", containerPort: 53, hostPort: 32769, protocol: "udp" as const },
      { containerName: "other", containerPort: 8080, hostPort: 40000, protocol: "tcp" as const },
    ];
    const r = buildContainerSpec(task, task.containers[0]!, { ...ctx, networkNamespace: { path: "/var/run/netns/berth-x" }, hostPorts });
    assert.ok(r.ok);
    assert.deepEqual(r.spec.networkNamespace, { path: "/var/run/netns/berth-x" });
    assert.deepEqual(r.spec.portMappings, [
      { containerPort: 8080, hostPort: 32768, protocol: "tcp" },
      { containerPort: 9000, hostPort: 9000, protocol: "tcp" },
      { containerPort: 53, hostPort: 32769, protocol: "udp" },
    ]);
    // Without a namespace (no root) a bridge container binds its ports on the host: hostPort 0 stays.
    const plain = buildContainerSpec(task, task.containers[0]!, ctx);
    assert.ok(plain.ok);
    assert.equal(plain.spec.networkNamespace, undefined);
    assert.equal(plain.spec.portMappings?.[0]?.hostPort, 0);
  });

  it("carries the definition, ECS's environment and labels", () => {
    const task = anAssignedTask([
      aContainerDef("web", {
        entryPoint: ["sh", "-c"],
        command: ["exec httpd"],
        environment: [{ name: "MODE", value: "prod" }],
        dockerLabels: { team: "a", "com.amazonaws.ecs.task-arn": "spoofed" },
        portMappings: [{ containerPort: 80, protocol: "tcp" }, { containerPort: 53, hostPort: 5353, protocol: "udp" }],
        cpu: 256,
        memory: 128,
        memoryReservation: 64,
        workingDirectory: "/srv",
        user: "1000:1000",
        ulimits: [{ name: "nofile", softLimit: 1024, hardLimit: 2048 }],
        healthCheck: { command: ["CMD-SHELL", "true"], interval: 5 },
      }),
    ]);
    const r = buildContainerSpec(task, task.containers[0]!, ctx);
    assert.ok(r.ok);
    const s = r.spec;
    assert.deepEqual([s.entryPoint, s.command, s.cpu, s.memory, s.memoryReservation, s.workingDirectory, s.user], [
      ["sh", "-c"],
      ["exec httpd"],
      256,
      128,
      64,
      "/srv",
      "1000:1000",
    ]);
    assert.deepEqual(s.environment, {
      MODE: "prod",
      ECS_CONTAINER_METADATA_URI_V4: "http://127.0.0.1:51679/v4/tok",
      ECS_CONTAINER_METADATA_URI: "http://127.0.0.1:51679/v3/tok",
      ECS_AGENT_URI: "http://127.0.0.1:51679/api/tok",
      AWS_EXECUTION_ENV: "AWS_ECS_EC2",
    });
    assert.equal(s.labels!["com.amazonaws.ecs.task-arn"], task.taskArn);
    assert.equal(s.labels!["com.amazonaws.ecs.container-name"], "web");
    assert.equal(s.labels!["com.amazonaws.ecs.task-definition-family"], "web");
    assert.equal(s.labels!["com.amazonaws.ecs.task-definition-version"], "1");
    assert.equal(s.labels!["com.amazonaws.ecs.cluster"], task.clusterArn);
    assert.equal(s.labels![AGENT_INSTANCE_LABEL], "i-0abc");
    assert.equal(s.labels!.team, "a");
    assert.deepEqual(s.portMappings, [
      { containerPort: 80, hostPort: 0, protocol: "tcp" },
      { containerPort: 53, hostPort: 5353, protocol: "udp" },
    ]);
    assert.equal(s.stopTimeout, 30);
    assert.deepEqual(s.healthCheck, { command: ["CMD-SHELL", "true"], interval: 5 });
    assert.equal(s.taskId, task.taskArn.split("/").pop());
  });

  it("uses containerPort as the host port in host mode, and the definition's stopTimeout", () => {
    const task = anAssignedTask([aContainerDef("web", { portMappings: [{ containerPort: 8080 }], stopTimeout: 5 })], { networkMode: "host" });
    const r = buildContainerSpec(task, task.containers[0]!, ctx);
    assert.ok(r.ok);
    assert.deepEqual(r.spec.portMappings, [{ containerPort: 8080, hostPort: 8080, protocol: "tcp" }]);
    assert.equal(r.spec.stopTimeout, 5);
  });

  it("refuses what it cannot honour, with ECS-shaped reasons", () => {
    const cases: [Record<string, unknown>, string | undefined, RegExp][] = [
      [{ secrets: [{ name: "A", valueFrom: "arn" }] }, undefined, /^ResourceInitializationError: unable to pull secrets/],
      [{ mountPoints: [{ sourceVolume: "v", containerPath: "/d" }] }, undefined, /^CannotCreateContainerError: container app has mountPoints, volumesFrom or a read-only root filesystem, and the task's storage was not made/],
      [{}, "awsvpc", /^ResourceInitializationError: resource cannot be initialized for task arn:.*awsvpc/],
      [{ image: "" }, undefined, /^CannotCreateContainerError: container app has no image/],
    ];
    for (const [over, mode, want] of cases) {
      const task = anAssignedTask([aContainerDef("app", over)], mode ? { networkMode: mode } : {});
      const r = buildContainerSpec(task, task.containers[0]!, ctx);
      assert.ok(!r.ok);
      assert.match(r.reason, want);
    }
  });

  it("carries the container's mounts, read-only root and the paths it must not see", () => {
    const task = anAssignedTask([aContainerDef("app", { mountPoints: [{ sourceVolume: "v", containerPath: "/d" }], readonlyRootFilesystem: true })]);
    const mounts = [{ kind: "bind" as const, source: "/var/lib/berth/volumes/tasks/x/empty/v", containerPath: "/d", readOnly: false }];
    const r = buildContainerSpec(task, task.containers[0]!, { ...ctx, volumes: { mounts, readonlyRootFilesystem: true, hiddenPaths: ["/var/lib/berth/volumes"] } });
    assert.ok(r.ok);
    assert.deepEqual(r.spec.mounts, mounts);
    assert.equal(r.spec.readonlyRootFilesystem, true);
    assert.deepEqual(r.spec.hiddenPaths, ["/var/lib/berth/volumes"]);
  });

  it("treats a NONE health check as none", () => {
    const task = anAssignedTask([aContainerDef("app", { healthCheck: { command: ["NONE"] } })]);
    const r = buildContainerSpec(task, task.containers[0]!, ctx);
    assert.ok(r.ok && r.spec.healthCheck === undefined);
    assert.equal(containerTraits(task.containers[0]!).hasHealthCheck, false);
  });
});

describe("containerTraits", () => {
  it("reads essential (default true), dependsOn and startTimeout", () => {
    const [a, b] = anAssignedTask([
      aContainerDef("a", { essential: undefined }),
      aContainerDef("b", { essential: false, dependsOn: [{ containerName: "a", condition: "HEALTHY" }], startTimeout: 9 }),
    ]).containers;
    assert.equal(containerTraits(a!).essential, true);
    assert.deepEqual(containerTraits(b!), {
      essential: false,
      dependsOn: [{ containerName: "a", condition: "HEALTHY" }],
      startTimeout: 9,
      hasHealthCheck: false,
      image: "busybox",
      cpu: 0,
    });
  });
});
