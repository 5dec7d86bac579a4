import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { groupsInUse, planListeners } from "./data-plane.js";
import type { ListenerProtocol } from "./spec.js";
import { aGroup, aListener, aLoadBalancer, forward } from "./test-builders.js";

describe("planListeners", () => {
  const tcp = (port: number) => ({ ...aListener(port, []), Protocol: "TCP" as const });
  const cases: [string, [number, ListenerProtocol][], ReturnType<typeof aListener>[], number[], number[]][] = [
    ["opens what is missing", [], [aListener(80, []), tcp(81)], [80, 81], []],
    ["keeps what runs", [[80, "HTTP"]], [aListener(80, [])], [], []],
    ["closes what is no longer wanted", [[80, "HTTP"], [81, "TCP"]], [aListener(80, [])], [], [81]],
    ["reopens a port whose protocol changed", [[80, "HTTP"]], [tcp(80)], [80], [80]],
  ];
  for (const [name, running, wanted, open, close] of cases) {
    it(name, () => {
      const plan = planListeners(new Map(running), wanted);
      assert.deepEqual([plan.open.map((l) => l.Port), plan.close], [open, close]);
    });
  }
});

describe("groupsInUse", () => {
  it("counts default actions, rules and every group of a weighted forward", () => {
    const lb = aLoadBalancer(
      [aListener(80, [forward(["a"])], [{ Priority: 1, Conditions: [], Actions: [forward(["b", 1], ["c", 0])] }])],
      ["a", "b", "c", "d"].map((arn) => aGroup(arn, [])),
    );
    assert.deepEqual([...groupsInUse(lb)].sort(), ["a", "b", "c"]);
  });
});
