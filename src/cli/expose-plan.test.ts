import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { chooseTarget, elbName, planExpose, subnetsPerZone } from "./expose-plan.js";

const web = { name: "web", portMappings: [{ containerPort: 8080 }] };
const sidecar = { name: "log", portMappings: [] };
const admin = { name: "admin", portMappings: [{ containerPort: 9000 }, { containerPort: 9001 }] };

describe("chooseTarget", () => {
  const cases: { name: string; containers: object[]; flags: { container?: string; containerPort?: number }; want?: object; error?: RegExp }[] = [
    { name: "the only container with a port", containers: [web, sidecar], flags: {}, want: { containerName: "web", containerPort: 8080 } },
    { name: "several containers with ports need --container", containers: [web, admin], flags: {}, error: /several containers map ports \(web: 8080; admin: 9000, 9001\)/ },
    { name: "a named container", containers: [web, admin], flags: { container: "web" }, want: { containerName: "web", containerPort: 8080 } },
    { name: "several ports need --container-port", containers: [admin], flags: {}, error: /maps several ports \(9000, 9001\); choose one with --container-port/ },
    { name: "a named port", containers: [admin], flags: { containerPort: 9001 }, want: { containerName: "admin", containerPort: 9001 } },
    { name: "a port not mapped", containers: [web], flags: { containerPort: 81 }, error: /container 'web' maps no port 81 \(it maps 8080\)/ },
    { name: "an unknown container", containers: [web], flags: { container: "api" }, error: /no container 'api' \(it has web\)/ },
    { name: "no ports at all", containers: [sidecar], flags: {}, error: /no container of the task definition maps a port/ },
  ];
  for (const c of cases) {
    it(c.name, () => {
      if (c.error) assert.throws(() => chooseTarget(c.containers, c.flags), c.error);
      else assert.deepEqual(chooseTarget(c.containers, c.flags), c.want);
    });
  }
});

describe("elbName", () => {
  it("keeps a valid name", () => assert.equal(elbName("web"), "web"));
  it("replaces what ELB forbids and trims hyphens at the ends", () => assert.equal(elbName("-my_app.v2-"), "my-app-v2"));
  it("fits 32 characters with the suffix", () => {
    const name = elbName("a".repeat(40), "-8080");
    assert.equal(name.length, 32);
    assert.ok(name.endsWith("-8080"));
  });
  it("never starts with internal-", () => assert.equal(elbName("internal-api"), "api"));
});

describe("subnetsPerZone", () => {
  const vpc = [
    { SubnetId: "subnet-b1", AvailabilityZone: "us-east-1b" },
    { SubnetId: "subnet-a1", AvailabilityZone: "us-east-1a" },
    { SubnetId: "subnet-a2", AvailabilityZone: "us-east-1a" },
  ];
  it("takes the service's own subnets first, then one per uncovered zone", () => {
    assert.deepEqual(subnetsPerZone(["subnet-a2"], vpc), ["subnet-a2", "subnet-b1"]);
  });
  it("one per zone when the service names none", () => {
    assert.deepEqual(subnetsPerZone([], vpc), ["subnet-a1", "subnet-b1"]);
  });
});

describe("planExpose", () => {
  const subject = { serviceName: "web", containers: [web], serviceSubnets: [], vpcSubnets: [{ SubnetId: "subnet-a", AvailabilityZone: "us-east-1a" }] };
  const flags = { port: 80, protocol: "HTTP" as const, healthCheckPath: "/" };
  it("awsvpc tasks are ip targets behind an application load balancer", () => {
    assert.deepEqual(planExpose({ ...subject, networkMode: "awsvpc" }, flags), {
      loadBalancerName: "web",
      loadBalancerType: "application",
      targetGroupName: "web-8080",
      targetType: "ip",
      containerName: "web",
      containerPort: 8080,
      subnets: ["subnet-a"],
    });
  });
  it("bridge tasks are instance targets; TCP makes a network load balancer", () => {
    const plan = planExpose({ ...subject, networkMode: "bridge" }, { ...flags, protocol: "TCP", name: "edge" });
    assert.equal(plan.targetType, "instance");
    assert.equal(plan.loadBalancerType, "network");
    assert.equal(plan.loadBalancerName, "edge");
    assert.equal(plan.targetGroupName, "edge-8080");
  });
});
