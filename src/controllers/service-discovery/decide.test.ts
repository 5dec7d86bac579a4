// Table tests of the Cloud Map registration decisions.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decideRegistrations, instanceAttributes, type Registered, type RegistrationTask, type Registry } from "./decide.js";

const task = (over: Partial<RegistrationTask> = {}): RegistrationTask => ({
  id: "t1",
  lastStatus: "RUNNING",
  desiredStatus: "RUNNING",
  healthStatus: "UNKNOWN",
  hasHealthCheck: false,
  networkMode: "bridge",
  family: "web",
  availabilityZone: "us-east-1a",
  bindings: [{ containerName: "app", containerPort: 80, hostPort: 32768 }],
  ...over,
});
const srvRegistry: Registry = { registryArn: "arn", containerName: "app", containerPort: 80 };
const ctx = { clusterName: "default", serviceName: "web", region: "us-east-1", needsPort: true };

describe("instanceAttributes", () => {
  const cases: { name: string; t: RegistrationTask; r?: Registry; needsPort?: boolean; want: Record<string, string> | undefined }[] = [
    {
      name: "a RUNNING bridge task: loopback and its host port, with ECS's attributes",
      t: task(),
      want: {
        AWS_INSTANCE_IPV4: "127.0.0.1",
        AWS_INSTANCE_PORT: "32768",
        AVAILABILITY_ZONE: "us-east-1a",
        REGION: "us-east-1",
        ECS_CLUSTER_NAME: "default",
        ECS_SERVICE_NAME: "web",
        ECS_TASK_DEFINITION_FAMILY: "web",
      },
    },
    { name: "not yet RUNNING", t: task({ lastStatus: "PENDING" }), want: undefined },
    { name: "being stopped", t: task({ desiredStatus: "STOPPED" }), want: undefined },
    { name: "with a health check, not yet HEALTHY", t: task({ hasHealthCheck: true }), want: undefined },
    { name: "a host port not reported yet (SRV needs one)", t: task({ bindings: [] }), want: undefined },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(instanceAttributes(c.t, c.r ?? srvRegistry, { ...ctx, needsPort: c.needsPort ?? true }), c.want));
  }
  it("awsvpc with an ENI: its address and the container port", () => {
    const a = instanceAttributes(task({ networkMode: "awsvpc", eniAddress: "172.31.0.9", bindings: [] }), srvRegistry, ctx)!;
    assert.deepEqual([a.AWS_INSTANCE_IPV4, a.AWS_INSTANCE_PORT], ["172.31.0.9", "80"]);
  });
  it("host mode: the container port is the host's", () => {
    const a = instanceAttributes(task({ networkMode: "host", bindings: [] }), srvRegistry, ctx)!;
    assert.deepEqual([a.AWS_INSTANCE_IPV4, a.AWS_INSTANCE_PORT], ["127.0.0.1", "80"]);
  });
  it("an A-only registry with a healthy checked task: no port", () => {
    const a = instanceAttributes(task({ hasHealthCheck: true, healthStatus: "HEALTHY", networkMode: "awsvpc", eniAddress: "172.31.0.9" }), { registryArn: "arn" }, { ...ctx, needsPort: false })!;
    assert.equal(a.AWS_INSTANCE_IPV4, "172.31.0.9");
    assert.equal(a.AWS_INSTANCE_PORT, undefined);
  });
});

describe("decideRegistrations", () => {
  const reg = (instanceId: string, attributes: Record<string, string> = { AWS_INSTANCE_IPV4: "127.0.0.1" }, serviceId = "srv-a"): Registered => ({ serviceId, instanceId, attributes });
  const cases: { name: string; desired: Registered[]; registered: Registered[]; register: string[]; deregister: string[] }[] = [
    { name: "nothing registered yet", desired: [reg("t1"), reg("t2")], registered: [], register: ["t1", "t2"], deregister: [] },
    { name: "in place: nothing to do", desired: [reg("t1")], registered: [reg("t1")], register: [], deregister: [] },
    { name: "a stopped task leaves", desired: [reg("t1")], registered: [reg("t1"), reg("t2")], register: [], deregister: ["t2"] },
    { name: "a changed attribute is registered again", desired: [reg("t1", { AWS_INSTANCE_IPV4: "127.0.0.1", AWS_INSTANCE_PORT: "1" })], registered: [reg("t1")], register: ["t1"], deregister: [] },
    { name: "a registry moved to another Cloud Map service", desired: [reg("t1", undefined, "srv-b")], registered: [reg("t1")], register: ["t1"], deregister: ["t1"] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const a = decideRegistrations(c.desired, c.registered);
      assert.deepEqual(a.register.map((r) => r.instanceId), c.register);
      assert.deepEqual(a.deregister.map((r) => r.instanceId), c.deregister);
    });
  }
});
