import assert from "node:assert/strict";
import { test } from "node:test";
import { DEFAULT_ENI_LIMIT, eniLimitOf } from "./eni-limits.js";

test("eniLimitOf: the instance type's limit, with trunking its branch ENIs, the override, else berth's default", () => {
  const type = (t: string) => ({ name: "ecs.instance-type", value: t });
  const trunk = { name: "ecs.awsvpc-trunk-id", value: "eni-0123" };
  const table: [string, { name: string; value?: string }[], number][] = [
    ["c5.large", [type("c5.large")], 2],
    ["c5.large with a trunk", [type("c5.large"), trunk], 10],
    ["m5.24xlarge with a trunk", [type("m5.24xlarge"), trunk], 120],
    ["a1.medium", [type("a1.medium")], 1],
    ["a type ECS's table lacks", [type("t3.nano")], DEFAULT_ENI_LIMIT],
    ["no type (berth's agents)", [], DEFAULT_ENI_LIMIT],
    ["the override wins", [type("c5.large"), { name: "berth.eni-limit", value: "500" }], 500],
    ["an override that is not a number is ignored", [{ name: "berth.eni-limit", value: "lots" }], DEFAULT_ENI_LIMIT],
  ];
  for (const [name, attributes, want] of table) assert.equal(eniLimitOf(attributes), want, name);
});
