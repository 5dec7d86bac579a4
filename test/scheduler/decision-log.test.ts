// The decision log: berth's own operation shows each reconcile pass's inputs, bounds, actions
// and waits — what ECS keeps hidden.
import { CreateClusterCommand, CreateServiceCommand, DescribeServicesCommand, RegisterTaskDefinitionCommand } from "@aws-sdk/client-ecs";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { rawCall } from "../helpers/raw.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

describe("the decision log", () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
    await s.ecs.send(new CreateClusterCommand({ clusterName: "default" }));
    await s.ecs.send(new RegisterTaskDefinitionCommand({ family: "app", containerDefinitions: [{ name: "c", image: "busybox", memory: 64 }] }));
  });
  after(() => s.close());

  it("records a pass that could not place its tasks, with bounds and the reason", async () => {
    await s.ecs.send(
      new CreateServiceCommand({ cluster: "default", serviceName: "lonely", taskDefinition: "app", desiredCount: 2, deploymentConfiguration: { minimumHealthyPercent: 50, maximumPercent: 150 } }),
    );
    let decisions: Record<string, any>[] = [];
    for (let i = 0; i < 100 && decisions.length === 0; i++) {
      const res = await rawCall(s.url, "Berth_20261128.DescribeServiceDecisions", JSON.stringify({ service: "lonely" }));
      assert.equal(res.status, 200, JSON.stringify(res.body));
      decisions = (res.body.decisions as Record<string, any>[]) ?? [];
      if (decisions.length === 0) await new Promise((r) => setTimeout(r, 50));
    }
    const first = decisions.at(-1)!;
    assert.equal(first.bounds.desired, 2);
    assert.equal(first.bounds.minimumHealthy, 1, "ceil(2 × 50 / 100)");
    assert.equal(first.bounds.maximumTotal, 3, "floor(2 × 150 / 100)");
    assert.ok(first.actions.some((a: { kind: string; detail: string }) => a.kind === "launch" && /start 2 task/.test(a.detail)), JSON.stringify(first.actions));
    assert.equal(first.result.placementFailures, 2);
    assert.equal(typeof first.at, "number");
    const svc = (await s.ecs.send(new DescribeServicesCommand({ cluster: "default", services: ["lonely"] }))).services![0]!;
    assert.ok(svc.events!.some((e) => e.message === "(service lonely) was unable to place a task because no container instance met all of its requirements."));
  });

  it("answers ServiceNotFoundException for an unknown service", async () => {
    const res = await rawCall(s.url, "Berth_20261128.DescribeServiceDecisions", JSON.stringify({ service: "ghost" }));
    assert.equal(res.status, 400);
    assert.equal(res.body.__type, "ServiceNotFoundException");
  });
});
