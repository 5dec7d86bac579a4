import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import type { RequestView } from "./conditions.js";
import { buildTable, chooseGroup, chooseTarget, matchAction, redirectLocation, smoothWeightedSequence, type CompiledAction, type HealthView } from "./routing.js";
import { targetKey, type RuleCondition, type TargetHealthState } from "./spec.js";
import { aGroup, aListener, aLoadBalancer, aTarget, forward } from "./test-builders.js";

function req(over: Partial<RequestView> = {}): RequestView {
  return { method: "GET", host: "app.example.com", path: "/", headers: {}, query: [], ...over };
}

const fixed = (body: string): CompiledAction & { kind: "fixed-response" } => ({ kind: "fixed-response", status: 200, contentType: "text/plain", body });

function routeBody(conditions: RuleCondition[], request: RequestView): string {
  const lb = aLoadBalancer(
    [aListener(80, [{ Type: "fixed-response", FixedResponseConfig: { StatusCode: "404", MessageBody: "default" } }], [
      { Priority: 5, Conditions: conditions, Actions: [{ Type: "fixed-response", FixedResponseConfig: { StatusCode: "200", MessageBody: "rule" } }] },
    ])],
    [],
  );
  const action = matchAction(buildTable(lb, new Map()).listeners.get(80)!, request);
  return action.kind === "fixed-response" ? action.body : action.kind;
}

describe("matchAction: conditions as ELB evaluates them", () => {
  const cases: [string, RuleCondition[], Partial<RequestView>, string][] = [
    ["path * matches any run", [{ Field: "path-pattern", PathPatternConfig: { Values: ["/api/*"] } }], { path: "/api/v1/users" }, "rule"],
    ["path * matches nothing too", [{ Field: "path-pattern", PathPatternConfig: { Values: ["/api/*"] } }], { path: "/api/" }, "rule"],
    ["path ? is exactly one", [{ Field: "path-pattern", PathPatternConfig: { Values: ["/v?/x"] } }], { path: "/v12/x" }, "default"],
    ["path is case-sensitive", [{ Field: "path-pattern", PathPatternConfig: { Values: ["/API"] } }], { path: "/api" }, "default"],
    ["legacy Values form", [{ Field: "path-pattern", Values: ["/img/*"] }], { path: "/img/a.png" }, "rule"],
    ["values are OR-ed", [{ Field: "path-pattern", PathPatternConfig: { Values: ["/a", "/b"] } }], { path: "/b" }, "rule"],
    ["host is case-insensitive, port ignored", [{ Field: "host-header", HostHeaderConfig: { Values: ["*.EXAMPLE.com"] } }], { host: "App.example.com:8080" }, "rule"],
    ["host mismatch", [{ Field: "host-header", HostHeaderConfig: { Values: ["api.example.com"] } }], {}, "default"],
    ["http-header name and value case-insensitive", [{ Field: "http-header", HttpHeaderConfig: { HttpHeaderName: "X-Env", Values: ["BETA*"] } }], { headers: { "x-env": "beta-2" } }, "rule"],
    ["http-header absent", [{ Field: "http-header", HttpHeaderConfig: { HttpHeaderName: "X-Env", Values: ["*"] } }], {}, "default"],
    ["query key and value", [{ Field: "query-string", QueryStringConfig: { Values: [{ Key: "version", Value: "v2" }] } }], { query: [["a", "1"], ["Version", "V2"]] }, "rule"],
    ["query value under any key", [{ Field: "query-string", QueryStringConfig: { Values: [{ Value: "blue" }] } }], { query: [["color", "blue"]] }, "rule"],
    ["query escaped * is literal", [{ Field: "query-string", QueryStringConfig: { Values: [{ Key: "q", Value: "a\\*" }] } }], { query: [["q", "ab"]] }, "default"],
    ["conditions are AND-ed", [
      { Field: "path-pattern", PathPatternConfig: { Values: ["/api/*"] } },
      { Field: "host-header", HostHeaderConfig: { Values: ["api.example.com"] } },
    ], { path: "/api/x" }, "default"],
  ];
  for (const [name, conditions, request, want] of cases) {
    it(name, () => assert.equal(routeBody(conditions, req(request)), want));
  }

  it("evaluates rules lowest priority first, whatever their order in the spec", () => {
    const rule = (p: number, body: string) => ({
      Priority: p,
      Conditions: [{ Field: "path-pattern" as const, PathPatternConfig: { Values: ["/*"] } }],
      Actions: [{ Type: "fixed-response" as const, FixedResponseConfig: { StatusCode: "200", MessageBody: body } }],
    });
    const lb = aLoadBalancer([aListener(80, [forward(["tg"])], [rule(20, "twenty"), rule(3, "three")])], []);
    assert.deepEqual(matchAction(buildTable(lb, new Map()).listeners.get(80)!, req()), fixed("three"));
  });
});

describe("buildTable: who gets new requests", () => {
  const targets = [aTarget("10.0.0.1"), aTarget("10.0.0.2"), aTarget("10.0.0.3")];
  const cases: [string, TargetHealthState[], string[]][] = [
    ["only the healthy ones", ["healthy", "unhealthy", "initial"], ["10.0.0.1"]],
    ["every registered one when none is healthy (fail open)", ["unhealthy", "unhealthy", "initial"], ["10.0.0.1", "10.0.0.2", "10.0.0.3"]],
    ["never a draining one, even failing open", ["unhealthy", "draining", "unhealthy"], ["10.0.0.1", "10.0.0.3"]],
    ["nobody when all drain", ["draining", "draining", "draining"], []],
  ];
  for (const [name, states, want] of cases) {
    it(name, () => {
      const health: HealthView = new Map([["tg", new Map(targets.map((t, i) => [targetKey(t), states[i]!]))]]);
      const table = buildTable(aLoadBalancer([aListener(80, [forward(["tg"])])], [aGroup("tg", targets)]), health);
      assert.deepEqual(table.groups.get("tg")!.eligible.map((t) => t.Id), want);
    });
  }
});

describe("chooseTarget", () => {
  const group = (algorithm: "round_robin" | "least_outstanding_requests") => ({
    arn: "tg",
    algorithm,
    registered: [aTarget("a"), aTarget("b"), aTarget("c")],
    eligible: [aTarget("a"), aTarget("b"), aTarget("c")],
  });
  it("round robin takes each in turn", () => {
    assert.deepEqual([0, 1, 2, 3].map((n) => chooseTarget(group("round_robin"), n, () => 0)!.Id), ["a", "b", "c", "a"]);
  });
  it("least outstanding requests takes the least busy, ties in turn", () => {
    const busy: Record<string, number> = { "a:80": 3, "b:80": 1, "c:80": 1 };
    assert.deepEqual([0, 1, 2].map((n) => chooseTarget(group("least_outstanding_requests"), n, (k) => busy[k]!)!.Id), ["b", "b", "c"]);
  });
  it("no eligible target: none", () => {
    assert.equal(chooseTarget({ ...group("round_robin"), eligible: [] }, 0, () => 0), undefined);
  });
});

describe("weighted forward", () => {
  it("interleaves a 2:1 split", () => {
    assert.deepEqual(smoothWeightedSequence([{ arn: "a", weight: 2 }, { arn: "b", weight: 1 }]), ["a", "b", "a"]);
  });
  it("gives each group exactly its weight's share over every whole cycle (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 999 }), { minLength: 1, maxLength: 5 }), fc.integer({ min: 1, max: 3 }), (weights, cycles) => {
        const total = weights.reduce((s, w) => s + w, 0);
        const groups = weights.map((w, i) => ({ arn: `tg${i}`, weight: w }));
        const action = { kind: "forward" as const, id: "x", groups, sequence: smoothWeightedSequence(groups) };
        const counts = new Map<string, number>();
        for (let n = 0; n < total * cycles; n++) {
          const g = chooseGroup(action, n)!;
          counts.set(g, (counts.get(g) ?? 0) + 1);
        }
        for (const g of groups) assert.equal(counts.get(g.arn) ?? 0, g.weight * cycles);
      }),
    );
  });
  it("all weights zero: no group", () => {
    assert.equal(chooseGroup({ kind: "forward", id: "x", groups: [{ arn: "a", weight: 0 }], sequence: [] }, 0), undefined);
  });
});

describe("never a draining target (property)", () => {
  it("no choice, by any algorithm or ticket, lands on a draining target", () => {
    const state = fc.constantFrom<TargetHealthState>("initial", "healthy", "unhealthy", "draining");
    fc.assert(
      fc.property(fc.array(state, { minLength: 1, maxLength: 8 }), fc.nat(1000), fc.boolean(), (states, ticket, lor) => {
        const targets = states.map((_, i) => aTarget(`10.0.0.${i + 1}`));
        const health: HealthView = new Map([["tg", new Map(targets.map((t, i) => [targetKey(t), states[i]!]))]]);
        const lb = aLoadBalancer([aListener(80, [forward(["tg"])])], [aGroup("tg", targets, { Algorithm: lor ? "least_outstanding_requests" : "round_robin" })]);
        const chosen = chooseTarget(buildTable(lb, health).groups.get("tg")!, ticket, (k) => k.length % 3);
        if (chosen) assert.notEqual(states[targets.indexOf(chosen)], "draining");
        else assert.ok(states.every((s) => s === "draining"));
      }),
    );
  });
});

describe("redirectLocation", () => {
  const r = { protocol: "HTTP", host: "app.example.com", port: 80, path: "/a/b", query: "x=1" };
  it("keeps what the config leaves out", () => {
    assert.equal(redirectLocation({ StatusCode: "HTTP_301", Port: "8080" }, r), "http://app.example.com:8080/a/b?x=1");
  });
  it("fills placeholders and drops the default port", () => {
    assert.equal(redirectLocation({ StatusCode: "HTTP_302", Protocol: "HTTPS", Port: "443", Path: "/new/#{path}", Query: "from=#{host}" }, r), "https://app.example.com/new/a/b?from=app.example.com");
  });
});
