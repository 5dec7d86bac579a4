import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type RegistrationConfig, registrationRequest, reservedMemoryMiB } from "./registration.js";

const config: RegistrationConfig = {
  cluster: "default",
  instanceId: "i-0123456789abcdef0",
  region: "us-east-1",
  availabilityZone: "us-east-1a",
  instanceType: "berth.local",
  metadataPort: 51679,
  runtimeAttributes: [{ name: "berth.runtime", value: "process" }, { name: "ecs.capability.container-health-check" }],
  customAttributes: [{ name: "zone", value: "lab" }],
  runtimeName: "process",
};
const host = { cpu: 4096, memoryMiB: 8000, platform: "linux", arch: "x64" };

describe("registrationRequest", () => {
  it("registers the host's resources, ECS's reserved ports and the metadata port", () => {
    const req = registrationRequest({ ...config, metadataPort: 40000 }, host);
    assert.deepEqual(
      req.totalResources!.map((r) => [r.name, r.integerValue ?? r.stringSetValue]),
      [
        ["CPU", 4096],
        ["MEMORY", 8000 - 256],
        ["PORTS", ["22", "2375", "2376", "51678", "51679", "40000"]],
        ["PORTS_UDP", []],
      ],
    );
  });

  it("lets --cpu and --memory override the host", () => {
    const req = registrationRequest({ ...config, cpu: 1024, memoryMiB: 512 }, host);
    assert.deepEqual(req.totalResources!.slice(0, 2).map((r) => r.integerValue), [1024, 512]);
  });

  it("sends ECS's built-in attributes, the runtime's and the custom ones", () => {
    const attrs = registrationRequest(config, { ...host, arch: "arm64" }).attributes!;
    const get = (n: string) => attrs.find((a) => a.name === n);
    assert.equal(get("ecs.os-type")!.value, "linux");
    assert.equal(get("ecs.cpu-architecture")!.value, "arm64");
    assert.equal(get("ecs.availability-zone")!.value, "us-east-1a");
    assert.equal(get("ecs.instance-type")!.value, "berth.local");
    assert.equal(get("berth.runtime")!.value, "process");
    assert.ok(get("ecs.capability.container-health-check"));
    assert.ok(get("ecs.capability.container-restart-policy"), "the engine honours restartPolicy on every runtime");
    assert.equal(get("zone")!.value, "lab");
  });

  it("identifies the host with a stable instance id and re-registers with the ARN", () => {
    const arn = "arn:aws:ecs:us-east-1:000000000000:container-instance/default/abc";
    const req = registrationRequest({ ...config, containerInstanceArn: arn }, host);
    assert.equal(JSON.parse(req.instanceIdentityDocument!).instanceId, "i-0123456789abcdef0");
    assert.equal(req.containerInstanceArn, arn);
  });

  it("keeps a small memory reserve", () => {
    assert.deepEqual([reservedMemoryMiB(1024), reservedMemoryMiB(16384)], [102, 256]);
  });
});
