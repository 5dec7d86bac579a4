// Table tests: ELBv2 records → the data plane's specs.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { bindRetryDelayMs, decideLoadBalancers } from "./desired-specs.js";
import { aListenerOf, aRule, aTg, anLb, anObservation } from "./test-builders.js";

describe("decideLoadBalancers", () => {
  it("builds one spec per load balancer: listeners by port, rules by priority, the groups they forward to", () => {
    const o = anObservation({
      loadBalancers: [anLb("lb/a", { bindAddress: "127.100.0.7", attributes: { "idle_timeout.timeout_seconds": "20" } })],
      listeners: [aListenerOf("lb/a", 8080, "tg/web"), aListenerOf("lb/a", 80, "tg/web")],
      rules: [aRule("lb/a/l80", 20, "tg/api", "/b/*"), aRule("lb/a/l80", 3, "tg/api", "/a/*")],
      targetGroups: [
        aTg("tg/web", { attributes: { "deregistration_delay.timeout_seconds": "5", "load_balancing.algorithm.type": "least_outstanding_requests" } }),
        aTg("tg/api", { HealthCheckPath: "/health", Matcher: { HttpCode: "200-299" } }),
        aTg("tg/idle"),
      ],
      targets: { "tg/web": [{ Id: "10.0.0.4", Port: 8000 }], "tg/idle": [{ Id: "10.0.0.9", Port: 80 }] },
    });
    const [lb] = decideLoadBalancers(o).loadBalancers;
    const spec = lb!.spec;
    assert.equal(spec.BindAddress, "127.100.0.7");
    assert.equal(spec.IdleTimeoutSeconds, 20);
    assert.deepEqual(spec.Listeners.map((l) => l.Port), [80, 8080]);
    assert.deepEqual(spec.Listeners[0]!.Rules!.map((r) => r.Priority), [3, 20]);
    assert.deepEqual(spec.TargetGroups.map((g) => g.TargetGroupArn), ["tg/api", "tg/web"]);
    const web = spec.TargetGroups[1]!;
    assert.deepEqual(web.Targets, [{ Id: "10.0.0.4", Port: 8000, Address: "10.0.0.4" }]);
    assert.equal(web.DeregistrationDelaySeconds, 5);
    assert.equal(web.Algorithm, "least_outstanding_requests");
    assert.deepEqual(spec.TargetGroups[0]!.HealthCheck, {
      HealthCheckProtocol: "HTTP",
      HealthCheckPort: "traffic-port",
      HealthCheckPath: "/health",
      HealthCheckIntervalSeconds: 30,
      HealthCheckTimeoutSeconds: 5,
      HealthyThresholdCount: 5,
      UnhealthyThresholdCount: 2,
      Matcher: { HttpCode: "200-299" },
    });
  });

  const instanceCases: { name: string; addresses: [string, string][]; want: { spec: string[]; unreachable: string[] } }[] = [
    { name: "an instance target is reached at its container instance's address", addresses: [["i-1", "127.0.0.1"]], want: { spec: ["i-1:32768@127.0.0.1"], unreachable: [] } },
    { name: "an instance target with no container instance is left out and reported", addresses: [], want: { spec: [], unreachable: ["i-1:32768"] } },
  ];
  for (const c of instanceCases) {
    it(c.name, () => {
      const d = decideLoadBalancers(
        anObservation({
          loadBalancers: [anLb("lb/a")],
          listeners: [aListenerOf("lb/a", 80, "tg/i")],
          targetGroups: [aTg("tg/i", { TargetType: "instance" })],
          targets: { "tg/i": [{ Id: "i-1", Port: 32768 }] },
          instanceAddresses: new Map(c.addresses),
        }),
      );
      assert.deepEqual(d.loadBalancers[0]!.spec.TargetGroups[0]!.Targets.map((t) => `${t.Id}:${t.Port}@${t.Address}`), c.want.spec);
      assert.deepEqual((d.unreachable.get("tg/i") ?? []).map((t) => `${t.Id}:${t.Port}`), c.want.unreachable);
    });
  }

  const listenerCases: { name: string; type: "application" | "network"; protocol: string; runs: boolean }[] = [
    { name: "HTTP on an ALB runs", type: "application", protocol: "HTTP", runs: true },
    { name: "TCP on an NLB runs", type: "network", protocol: "TCP", runs: true },
    { name: "HTTPS is skipped (no TLS termination)", type: "application", protocol: "HTTPS", runs: false },
    { name: "UDP is skipped", type: "network", protocol: "UDP", runs: false },
    { name: "HTTP on an NLB is skipped", type: "network", protocol: "HTTP", runs: false },
  ];
  for (const c of listenerCases) {
    it(`listener protocols: ${c.name}`, () => {
      const [lb] = decideLoadBalancers(
        anObservation({ loadBalancers: [anLb("lb/a", { Type: c.type })], listeners: [aListenerOf("lb/a", 443, "tg/x", { Protocol: c.protocol })], targetGroups: [aTg("tg/x")] }),
      ).loadBalancers;
      assert.equal(lb!.spec.Listeners.length, c.runs ? 1 : 0);
      assert.equal(lb!.skipped.length, c.runs ? 0 : 1);
      // A group only a skipped listener forwards to is not checked by this node.
      assert.equal(lb!.spec.TargetGroups.length, c.runs ? 1 : 0);
    });
  }

  it("forward configs with weights name every group; the first load balancer by ARN owns a shared group; failed ones get no node", () => {
    const d = decideLoadBalancers(
      anObservation({
        loadBalancers: [anLb("lb/b"), anLb("lb/a"), anLb("lb/c", { State: { Code: "failed" } })],
        listeners: [
          aListenerOf("lb/b", 80, "tg/x", { DefaultActions: [{ Type: "forward", ForwardConfig: { TargetGroups: [{ TargetGroupArn: "tg/x", Weight: 2 }, { TargetGroupArn: "tg/y", Weight: 1 }] } }] }),
          aListenerOf("lb/a", 80, "tg/x"),
          aListenerOf("lb/c", 80, "tg/z"),
        ],
        targetGroups: [aTg("tg/x"), aTg("tg/y"), aTg("tg/z")],
      }),
    );
    assert.deepEqual(d.loadBalancers.map((l) => l.spec.LoadBalancerArn), ["lb/a", "lb/b"]);
    assert.deepEqual(d.loadBalancers[1]!.spec.TargetGroups.map((g) => g.TargetGroupArn), ["tg/x", "tg/y"]);
    assert.deepEqual([...d.groupOwner], [["tg/x", "lb/a"], ["tg/y", "lb/b"]]);
  });

  it("a forward to a group that no longer exists is kept in the listener and the group left out", () => {
    const [lb] = decideLoadBalancers(anObservation({ loadBalancers: [anLb("lb/a")], listeners: [aListenerOf("lb/a", 80, "tg/gone")] })).loadBalancers;
    assert.equal(lb!.spec.Listeners.length, 1);
    assert.deepEqual(lb!.spec.TargetGroups, []);
  });

  it("HTTPS health checks are made as TCP connects; unknown algorithms are round robin", () => {
    const [lb] = decideLoadBalancers(
      anObservation({
        loadBalancers: [anLb("lb/a")],
        listeners: [aListenerOf("lb/a", 80, "tg/x")],
        targetGroups: [aTg("tg/x", { HealthCheckProtocol: "HTTPS", attributes: { "load_balancing.algorithm.type": "weighted_random" } })],
      }),
    ).loadBalancers;
    const g = lb!.spec.TargetGroups[0]!;
    assert.equal(g.HealthCheck.HealthCheckProtocol, "TCP");
    assert.equal(g.Algorithm, undefined);
    assert.equal(g.DeregistrationDelaySeconds, undefined);
  });
});

describe("bindRetryDelayMs", () => {
  const cases: [number, number][] = [
    [1, 1000],
    [2, 2000],
    [3, 4000],
    [5, 16_000],
    [6, 30_000],
    [40, 30_000],
  ];
  for (const [failures, ms] of cases) it(`after ${failures} failures waits ${ms} ms`, () => assert.equal(bindRetryDelayMs(failures), ms));
});
