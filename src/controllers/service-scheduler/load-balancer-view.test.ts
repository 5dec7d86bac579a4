// The load balancer's view in the decision inputs.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { loadBalancerView } from "./load-balancer-view.js";
import { aService, aTask } from "./test-builders.js";

const P = "ecs-svc/2000000000000000002";

describe("loadBalancerView", () => {
  const TG = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/abc";
  const OTHER = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/admin/def";
  it("counts targets by state per group, unregistered live tasks in each group, and shows a group with none", () => {
    const service = { ...aService({ loadBalanced: true }), targetGroupArns: [TG, OTHER] };
    const tasks = [
      aTask({ id: "a", deployment: P, lb: "HEALTHY" }),
      aTask({ id: "b", deployment: P, lb: "UNHEALTHY" }),
      aTask({ id: "c", deployment: P }),
      aTask({ id: "d", deployment: P, state: "stopped" }),
    ];
    assert.deepEqual(loadBalancerView(service, tasks), [
      { targetGroupArn: TG, targets: { healthy: 1, unhealthy: 1, unregistered: 1 } },
      { targetGroupArn: OTHER, targets: { unregistered: 1 } },
    ]);
  });
});
