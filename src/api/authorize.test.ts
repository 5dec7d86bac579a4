import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { nestQueryMembers } from "./authorize.js";

describe("query members nested for the policy tables", () => {
  const cases: { name: string; params: [string, string][]; want: unknown }[] = [
    { name: "top-level scalars", params: [["Action", "CreateTargetGroup"], ["Name", "web"]], want: { Action: "CreateTargetGroup", Name: "web" } },
    { name: "a list of strings", params: [["ResourceArns.member.1", "a"], ["ResourceArns.member.2", "b"]], want: { ResourceArns: ["a", "b"] } },
    { name: "a list of structures", params: [["Targets.member.1.Id", "10.0.0.1"], ["Targets.member.1.Port", "80"]], want: { Targets: [{ Id: "10.0.0.1", Port: "80" }] } },
    { name: "EC2's numbered lists", params: [["SubnetId.1", "subnet-1"]], want: { SubnetId: ["subnet-1"] } },
    { name: "prototype names are dropped", params: [["__proto__.polluted", "x"], ["a.constructor", "y"]], want: {} },
    { name: "a list member after a scalar of one name: the later wins, nothing throws", params: [["Name", "x"], ["Name.1", "y"]], want: { Name: ["y"] } },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(nestQueryMembers(new Map(c.params)), c.want));
  }
  it("does not pollute Object.prototype", () => {
    nestQueryMembers(new Map([["__proto__.polluted", "x"]]));
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});
