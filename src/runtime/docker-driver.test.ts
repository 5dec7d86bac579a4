// Runs against a real Docker engine when one is reachable (CI, or `dockerd` started locally)
// and the test image exists (scripts/build-test-image.sh builds it without a registry).
// Without an engine every case is skipped with the reason.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import Docker from "dockerode";
import { detectDocker, dockerConnection } from "./detect-runtime.js";
import { createDockerDriver, type DockerDriver } from "./docker-driver.js";
import { runDriverConformance } from "./driver-conformance.js";
import { ContainerError } from "./errors.js";
import type { ContainerSpec } from "./types.js";

const IMAGE = "local/busybox:1";
const docker = await detectDocker();
const skip = docker.available ? undefined : `no Docker engine at ${docker.endpoint}: ${docker.reason}`;

if (docker.available) {
  // An engine without the image is a broken setup, not a reason to skip: fail loudly.
  before(async () => {
    const client = new Docker(dockerConnection().options);
    await client
      .getImage(IMAGE)
      .inspect()
      .catch(() => {
        throw new Error(`the Docker engine at ${docker.endpoint} has no image ${IMAGE}: run scripts/build-test-image.sh`);
      });
  });
}

runDriverConformance({
  name: "docker driver",
  image: IMAGE,
  runsCommands: true,
  concurrency: 3,
  createDriver: () => createDockerDriver(),
  ...(skip ? { skip } : {}),
});

describe("docker driver specifics", { ...(skip ? { skip } : {}), concurrency: 3 }, () => {
  let driver: DockerDriver;
  const ids: string[] = [];
  before(async () => {
    driver = await createDockerDriver();
  });
  after(async () => {
    for (const id of ids) await driver.remove(id);
    await driver.close();
  });

  function spec(over: Partial<ContainerSpec> = {}): ContainerSpec {
    const taskId = randomBytes(16).toString("hex");
    return { taskArn: `arn:aws:ecs:us-east-1:123456789012:task/docker/${taskId}`, taskId, containerName: "app", image: IMAGE, networkMode: "bridge", ...over };
  }

  async function run(s: ContainerSpec): Promise<string> {
    const id = await driver.createContainer(s);
    ids.push(id);
    await driver.start(id);
    return id;
  }

  it("a memory-limit kill exits 137 with the OutOfMemoryError reason", async () => {
    const id = await run(spec({ memory: 16, command: ["sh", "-c", "x=a; while :; do x=$x$x; done"] }));
    const exit = await driver.wait(id);
    assert.deepEqual([exit.exitCode, exit.reason], [137, "OutOfMemoryError: Container killed due to memory usage"]);
  });

  it("an image that can't be pulled fails with CannotPullContainerError and the engine's message", async () => {
    await assert.rejects(driver.createContainer(spec({ image: `local/berth-no-such-image-${randomBytes(4).toString("hex")}:1` })), (e: unknown) => {
      assert.ok(e instanceof ContainerError);
      assert.equal(e.errorName, "CannotPullContainerError");
      assert.match(e.reason, /^CannotPullContainerError: .+/);
      return true;
    });
  });

  it("bridge mode publishes port mappings; hostPort 0 gets a dynamic port", async () => {
    const id = await run(spec({ portMappings: [{ containerPort: 8080, hostPort: 0 }], command: ["sleep", "30"] }));
    const bindings = (await driver.inspect(id)).networkBindings.filter((b) => b.bindIP === "0.0.0.0");
    assert.equal(bindings.length, 1);
    assert.equal(bindings[0]?.containerPort, 8080);
    assert.ok((bindings[0]?.hostPort ?? 0) > 0, "a host port was assigned");
  });

  it("limits, user and ulimits reach the container", async () => {
    const id = await run(
      spec({ cpu: 512, memory: 64, memoryReservation: 32, user: "65534", ulimits: [{ name: "nofile", softLimit: 256, hardLimit: 512 }], command: ["sh", "-c", "id -u; ulimit -n"] }),
    );
    await driver.wait(id);
    const lines: string[] = [];
    for await (const l of driver.logs(id)) lines.push(l.line);
    assert.deepEqual(lines, ["65534", "256"]);
    const info = await driver.docker.getContainer(id).inspect();
    assert.deepEqual([info.HostConfig.CpuShares, info.HostConfig.Memory, info.HostConfig.MemoryReservation], [512, 64 * 1024 * 1024, 32 * 1024 * 1024]);
  });

  it("capabilities list the Docker API versions and the health-check capability", async () => {
    const { attributes, resources } = await driver.capabilities();
    const names = attributes.map((a) => a.name);
    assert.ok(names.includes("com.amazonaws.ecs.capability.docker-remote-api.1.17"));
    assert.ok(names.includes("ecs.capability.container-health-check"));
    assert.ok(resources.cpu >= 1024 && resources.memoryMiB > 0);
  });
});
