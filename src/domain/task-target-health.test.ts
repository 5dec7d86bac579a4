// A task's health from its target groups' health records: table tests over a cache stub.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Deps } from "./deps.js";
import { elbKeys, type TargetHealthRecord } from "./elbv2/records.js";
import type { TaskRecord } from "./task-records.js";
import { loadBalancerHealthOf } from "./task-target-health.js";

const scope = { accountId: "000000000000", region: "us-east-1" };
const TG = "arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web/0123456789abcdef";
const TG2 = "arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/api/fedcba9876543210";
const t1 = { targetGroupArn: TG, id: "i-0abc", port: 32768, containerName: "web", containerPort: 80 };
const t2 = { ...t1, targetGroupArn: TG2 };

function depsWith(states: [string, TargetHealthRecord["State"], string?][]): Deps {
  const records = new Map<string, TargetHealthRecord>(
    states.map(([tg, State, Description]) => [
      elbKeys.targetHealth(scope, tg, { Id: "i-0abc", Port: 32768 }),
      { Id: "i-0abc", Port: 32768, State, ...(Description ? { Description } : {}), HealthCheckPort: "32768", since: 0 },
    ]),
  );
  return { cache: { get: (key: string) => records.get(key) } } as unknown as Deps;
}
const task = (over: Partial<TaskRecord>) => over as TaskRecord;

describe("loadBalancerHealthOf", () => {
  const cases: { name: string; deps: Deps; t: TaskRecord; status: string; states?: string[] }[] = [
    { name: "not registered yet", deps: depsWith([]), t: task({}), status: "UNKNOWN" },
    { name: "registered, no record yet: initial", deps: depsWith([]), t: task({ loadBalancerTargets: [t1] }), status: "UNKNOWN", states: ["initial"] },
    { name: "healthy in every group", deps: depsWith([[TG, "healthy"], [TG2, "healthy"]]), t: task({ loadBalancerTargets: [t1, t2] }), status: "HEALTHY", states: ["healthy", "healthy"] },
    { name: "healthy in one group of two", deps: depsWith([[TG, "healthy"], [TG2, "initial"]]), t: task({ loadBalancerTargets: [t1, t2] }), status: "UNKNOWN", states: ["healthy", "initial"] },
    { name: "unhealthy in one group", deps: depsWith([[TG, "healthy"], [TG2, "unhealthy", "Request timed out"]]), t: task({ loadBalancerTargets: [t1, t2] }), status: "UNHEALTHY", states: ["healthy", "unhealthy"] },
    { name: "unused is not unhealthy", deps: depsWith([[TG, "unused"]]), t: task({ loadBalancerTargets: [t1] }), status: "UNKNOWN", states: ["unused"] },
    { name: "draining after a healthy run", deps: depsWith([[TG, "draining"]]), t: task({ loadBalancerTargets: [{ ...t1, deregisteredAt: 1 }], loadBalancerHealthy: true }), status: "HEALTHY", states: ["draining"] },
    { name: "released, never healthy", deps: depsWith([]), t: task({ loadBalancerTargets: [], loadBalancerHealthy: false }), status: "UNKNOWN", states: [] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const h = loadBalancerHealthOf(c.deps, scope, c.t);
      assert.equal(h.status, c.status);
      assert.deepEqual(h.targets?.map((x) => x.state), c.states);
    });
  }

  it("names the unhealthy group, its port, ELB's description and the instance", () => {
    const h = loadBalancerHealthOf(depsWith([[TG2, "unhealthy", "Health checks failed with these codes: [503]"]]), scope, task({ loadBalancerTargets: [t2] }));
    assert.equal(h.unhealthyTargetGroupArn, TG2);
    assert.deepEqual(h.unhealthyTarget, { port: 32768, description: "Health checks failed with these codes: [503]", instanceId: "i-0abc" });
  });
});
