// CreateService and UpdateService check `loadBalancers` against ELBv2's records and the task
// definition as ECS does (aws-neighbors.md §1.11), and write nothing when a check fails. The
// target groups are written into the store as the ELBv2 API would (the records contract).
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  type LoadBalancer,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
} from "@aws-sdk/client-ecs";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { seedTargetGroup } from "../helpers/elb-records.js";
import { defaultSubnetIds } from "../helpers/network.js";
import { errorOf, startTestServer, type TestServer } from "../helpers/server.js";

describe("loadBalancers on CreateService and UpdateService", () => {
  let s: TestServer;
  let subnets: string[];
  let ipGroup: string;
  let instanceGroup: string;
  let lonely: string;
  before(async () => {
    s = await startTestServer({ scheduler: false });
    subnets = await defaultSubnetIds(s.cp);
    ipGroup = (await seedTargetGroup(s.cp.deps, { name: "web-ip", targetType: "ip" })).targetGroupArn;
    instanceGroup = (await seedTargetGroup(s.cp.deps, { name: "web-inst", targetType: "instance" })).targetGroupArn;
    lonely = (await seedTargetGroup(s.cp.deps, { name: "lonely", targetType: "ip", listener: false })).targetGroupArn;
    await s.ecs.send(new CreateClusterCommand({ clusterName: "lb" }));
    const app = { name: "app", image: "busybox", memory: 64, portMappings: [{ containerPort: 8080 }] };
    await s.ecs.send(new RegisterTaskDefinitionCommand({ family: "vpc", networkMode: "awsvpc", containerDefinitions: [app] }));
    await s.ecs.send(new RegisterTaskDefinitionCommand({ family: "br", networkMode: "bridge", containerDefinitions: [app] }));
    // A revision without the port the load balancer names.
    await s.ecs.send(new RegisterTaskDefinitionCommand({ family: "vpc", networkMode: "awsvpc", containerDefinitions: [{ ...app, portMappings: [{ containerPort: 9090 }] }] }));
  });
  after(() => s.close());

  const vpcService = (serviceName: string, loadBalancers: LoadBalancer[]) =>
    new CreateServiceCommand({
      cluster: "lb",
      serviceName,
      taskDefinition: "vpc:1",
      desiredCount: 1,
      networkConfiguration: { awsvpcConfiguration: { subnets } },
      loadBalancers,
    });
  const lbOf = (targetGroupArn: string, over: Partial<LoadBalancer> = {}): LoadBalancer => ({ targetGroupArn, containerName: "app", containerPort: 8080, ...over });

  it("refuses each bad entry with ECS's text and creates nothing", async () => {
    const unknown = ipGroup.replace(/[0-9a-f]{16}$/, "0123456789abcdef");
    const cases: [string, LoadBalancer[], RegExp][] = [
      ["six target groups", Array.from({ length: 6 }, () => lbOf(ipGroup)), /at most 5 target groups, found 6/],
      ["an unknown target group", [lbOf(unknown)], /^Unable to assume role and validate the specified targetGroupArn\. Please verify that the ECS service role being passed has the proper permissions\.$/],
      ["a target group no listener forwards to", [lbOf(lonely)], new RegExp(`^The target group with targetGroupArn ${lonely} does not have an associated load balancer\\.$`)],
      ["instance targets for awsvpc", [lbOf(instanceGroup)], new RegExp(`^The provided target group ${instanceGroup} has target type instance, which is incompatible with the awsvpc network mode specified in the task definition\\.$`)],
      ["an unknown container", [lbOf(ipGroup, { containerName: "nope" })], /^The container nope does not exist in the task definition\.$/],
      ["a port the container does not map", [lbOf(ipGroup, { containerPort: 80 })], /^The container app did not have a container port 80 defined\.$/],
      ["no container", [{ targetGroupArn: ipGroup }], /'loadBalancers\[0\]': containerName and containerPort are required/],
    ];
    for (const [i, [name, loadBalancers, message]] of cases.entries()) {
      const err = await errorOf(() => s.ecs.send(vpcService(`bad-${i}`, loadBalancers)));
      assert.equal(err.name, "InvalidParameterException", name);
      assert.match(err.message, message, name);
    }
    const { services, failures } = await s.ecs.send(new DescribeServicesCommand({ cluster: "lb", services: cases.map((_, i) => `bad-${i}`) }));
    assert.equal(services?.length, 0);
    assert.equal(failures?.length, cases.length);
  });

  it("ip targets for awsvpc; a bridge task definition wants instance targets", async () => {
    const { service } = await s.ecs.send(vpcService("good", [lbOf(ipGroup)]));
    assert.deepEqual(service?.loadBalancers, [lbOf(ipGroup)]);
    const err = await errorOf(() => s.ecs.send(new CreateServiceCommand({ cluster: "lb", serviceName: "br", taskDefinition: "br", desiredCount: 1, loadBalancers: [lbOf(ipGroup)] })));
    assert.equal(err.message, `The provided target group ${ipGroup} has target type ip, which is incompatible with the bridge network mode specified in the task definition.`);
    const ok = await s.ecs.send(new CreateServiceCommand({ cluster: "lb", serviceName: "br", taskDefinition: "br", desiredCount: 1, loadBalancers: [lbOf(instanceGroup)] }));
    assert.equal(ok.service?.loadBalancers?.[0]?.targetGroupArn, instanceGroup);
  });

  it("UpdateService checks new load balancers, and a new revision against the current ones", async () => {
    await s.ecs.send(vpcService("upd", [lbOf(ipGroup)]));
    const bad = await errorOf(() => s.ecs.send(new UpdateServiceCommand({ cluster: "lb", service: "upd", loadBalancers: [lbOf(lonely)] })));
    assert.match(bad.message, /does not have an associated load balancer/);
    const revision = await errorOf(() => s.ecs.send(new UpdateServiceCommand({ cluster: "lb", service: "upd", taskDefinition: "vpc:2" })));
    assert.equal(revision.message, "The container app did not have a container port 8080 defined.");
    const { services } = await s.ecs.send(new DescribeServicesCommand({ cluster: "lb", services: ["upd"] }));
    assert.equal(services?.[0]?.deployments?.length, 1, "nothing changed");
    assert.equal(services?.[0]?.taskDefinition?.endsWith("vpc:1"), true);
    const moved = await s.ecs.send(new UpdateServiceCommand({ cluster: "lb", service: "upd", taskDefinition: "vpc:2", loadBalancers: [lbOf(ipGroup, { containerPort: 9090 })] }));
    assert.equal(moved.service?.loadBalancers?.[0]?.containerPort, 9090);
  });
});
