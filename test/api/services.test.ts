// Services' desired state through the API: validation, deployments on update, deletion.
// (The loop that makes tasks follow is tested in test/scheduler/.)
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DeleteServiceCommand,
  DescribeServicesCommand,
  ListServicesCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
} from "@aws-sdk/client-ecs";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { errorOf, startTestServer, type TestServer } from "../helpers/server.js";

describe("services through the AWS SDK", () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({ scheduler: false });
    await s.ecs.send(new CreateClusterCommand({ clusterName: "svc" }));
    for (let i = 0; i < 2; i++) {
      await s.ecs.send(new RegisterTaskDefinitionCommand({ family: "app", containerDefinitions: [{ name: "c", image: "busybox", memory: 64 }] }));
    }
  });
  after(() => s.close());

  it("creates a service with one PRIMARY deployment and ECS's defaults", async () => {
    const { service } = await s.ecs.send(
      new CreateServiceCommand({ cluster: "svc", serviceName: "web", taskDefinition: "app:1", desiredCount: 3, tags: [{ key: "a", value: "b" }] }),
    );
    assert.equal(service?.serviceArn, "arn:aws:ecs:us-east-1:000000000000:service/svc/web");
    assert.equal(service?.status, "ACTIVE");
    assert.equal(service?.desiredCount, 3);
    assert.equal(service?.runningCount, 0);
    assert.equal(service?.schedulingStrategy, "REPLICA");
    assert.deepEqual(service?.deploymentConfiguration, {
      minimumHealthyPercent: 100,
      maximumPercent: 200,
      deploymentCircuitBreaker: { enable: false, rollback: false },
    });
    const [d] = service!.deployments!;
    assert.match(d!.id!, /^ecs-svc\/\d{19}$/);
    assert.equal(d!.status, "PRIMARY");
    assert.equal(d!.rolloutState, "IN_PROGRESS");
    assert.equal(d!.rolloutStateReason, `ECS deployment ${d!.id} in progress.`);
    assert.deepEqual(service?.tags, [{ key: "a", value: "b" }]);
  });

  it("refuses a duplicate name and bad configurations", async () => {
    const dup = await errorOf(() => s.ecs.send(new CreateServiceCommand({ cluster: "svc", serviceName: "web", taskDefinition: "app", desiredCount: 1 })));
    assert.equal(dup.name, "InvalidParameterException");
    assert.equal(dup.message, "Creation of service was not idempotent.");
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ deploymentConfiguration: { minimumHealthyPercent: 100, maximumPercent: 90 } }, "InvalidParameterException", /maximumPercent/],
      [{ deploymentConfiguration: { minimumHealthyPercent: 150 } }, "InvalidParameterException", /minimumHealthyPercent/],
      [{ taskDefinition: "ghost" }, "ClientException", /Unable to describe task definition/],
      [{ desiredCount: undefined }, "InvalidParameterException", /desiredCount/],
      [{ schedulingStrategy: "DAEMON", deploymentConfiguration: { maximumPercent: 200 } }, "InvalidParameterException", /DAEMON/],
      [{ placementStrategy: [{ type: "binpack", field: "disk" }] }, "InvalidParameterException", /placementStrategy/],
    ];
    for (const [over, name, message] of cases) {
      const err = await errorOf(() =>
        s.ecs.send(new CreateServiceCommand({ cluster: "svc", serviceName: "bad", taskDefinition: "app", desiredCount: 1, ...over } as never)),
      );
      assert.equal(err.name, name, `${JSON.stringify(over)}: ${err.message}`);
      assert.match(err.message, message);
    }
  });

  it("scales without a new deployment and rolls with one", async () => {
    const scaled = await s.ecs.send(new UpdateServiceCommand({ cluster: "svc", service: "web", desiredCount: 5 }));
    assert.equal(scaled.service?.deployments?.length, 1);
    assert.equal(scaled.service?.deployments?.[0]?.desiredCount, 5);
    const rolled = await s.ecs.send(new UpdateServiceCommand({ cluster: "svc", service: "web", taskDefinition: "app:2" }));
    const ds = rolled.service!.deployments!;
    assert.deepEqual(ds.map((d) => d.status), ["PRIMARY", "ACTIVE"]);
    assert.match(ds[0]!.taskDefinition!, /app:2$/);
    const forced = await s.ecs.send(new UpdateServiceCommand({ cluster: "svc", service: "web", forceNewDeployment: true }));
    assert.deepEqual(forced.service!.deployments!.map((d) => d.status), ["PRIMARY", "ACTIVE", "ACTIVE"]);
  });

  it("lists ACTIVE services ten to a page by default", async () => {
    for (let i = 0; i < 11; i++) {
      await s.ecs.send(new CreateServiceCommand({ cluster: "svc", serviceName: `s${String(i).padStart(2, "0")}`, taskDefinition: "app", desiredCount: 0 }));
    }
    const first = await s.ecs.send(new ListServicesCommand({ cluster: "svc" }));
    assert.equal(first.serviceArns?.length, 10);
    const second = await s.ecs.send(new ListServicesCommand({ cluster: "svc", nextToken: first.nextToken }));
    assert.equal(second.serviceArns?.length, 2);
    assert.equal(second.nextToken, undefined);
  });

  it("deletes: refused while scaled above 0, DRAINING with force, gone from the list", async () => {
    const refused = await errorOf(() => s.ecs.send(new DeleteServiceCommand({ cluster: "svc", service: "web" })));
    assert.equal(refused.message, "The service cannot be stopped while it is scaled above 0.");
    const del = await s.ecs.send(new DeleteServiceCommand({ cluster: "svc", service: "web", force: true }));
    assert.equal(del.service?.status, "DRAINING");
    assert.equal(del.service?.desiredCount, 0);
    const list = await s.ecs.send(new ListServicesCommand({ cluster: "svc", maxResults: 100 }));
    assert.ok(!list.serviceArns?.some((a) => a.endsWith("/web")));
    const upd = await errorOf(() => s.ecs.send(new UpdateServiceCommand({ cluster: "svc", service: "web", desiredCount: 1 })));
    assert.equal(upd.name, "ServiceNotActiveException");
    const missing = await errorOf(() => s.ecs.send(new UpdateServiceCommand({ cluster: "svc", service: "nope", desiredCount: 1 })));
    assert.equal(missing.name, "ServiceNotFoundException");
    const described = await s.ecs.send(new DescribeServicesCommand({ cluster: "svc", services: ["web", "nope"] }));
    assert.equal(described.services?.[0]?.status, "DRAINING");
    assert.equal(described.failures?.[0]?.reason, "MISSING");
  });
});
