import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ContainerInstanceRecord } from "./records.js";
import { onlyReserved } from "./service-reconciler.js";

const instance = (cpu: number, memory: number, ports: string[], extra: Partial<ContainerInstanceRecord> = {}): ContainerInstanceRecord =>
  ({
    containerInstanceArn: "arn:aws:ecs:us-east-1:000000000000:container-instance/c/1",
    clusterName: "c",
    id: "1",
    status: "ACTIVE",
    attributes: [],
    agentConnected: true,
    version: 1,
    remainingResources: [
      { name: "CPU", type: "INTEGER", integerValue: cpu },
      { name: "MEMORY", type: "INTEGER", integerValue: memory },
      { name: "PORTS", type: "STRINGSET", stringSetValue: ports },
    ],
    ...extra,
  }) as ContainerInstanceRecord;

describe("onlyReserved: which instance changes wake waiting services", () => {
  const cases: [string, ContainerInstanceRecord | undefined, ContainerInstanceRecord | undefined, boolean][] = [
    ["a launch took cpu, memory and a port", instance(1024, 2048, ["22"]), instance(768, 1792, ["22", "8080"], { version: 2 }), true],
    ["a stopped task gave cpu back", instance(768, 2048, ["22"]), instance(1024, 2048, ["22"]), false],
    ["a stopped task gave a port back", instance(768, 2048, ["22", "8080"]), instance(768, 2048, ["22"]), false],
    ["the instance started draining", instance(768, 2048, []), instance(768, 2048, [], { status: "DRAINING" }), false],
    ["the agent connected", instance(768, 2048, [], { agentConnected: false }), instance(768, 2048, []), false],
    ["a new instance", undefined, instance(1024, 2048, []), false],
    ["an instance removed", instance(1024, 2048, []), undefined, false],
  ];
  for (const [what, prev, next, expected] of cases) {
    it(`${what}: ${expected ? "wakes nobody" : "wakes the cluster's services"}`, () => {
      assert.equal(onlyReserved(prev, next), expected);
    });
  }
});
