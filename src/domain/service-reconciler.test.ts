import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ContainerInstanceRecord } from "./records.js";
import { resourceChange } from "./service-reconciler.js";

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

describe("resourceChange: which instance changes wake which services", () => {
  const cases: [string, ContainerInstanceRecord | undefined, ContainerInstanceRecord | undefined, ReturnType<typeof resourceChange>][] = [
    ["a launch took cpu, memory and a port", instance(1024, 2048, ["22"]), instance(768, 1792, ["22", "8080"], { version: 2 }), "taken"],
    ["a stopped task gave cpu back", instance(768, 2048, ["22"]), instance(1024, 2048, ["22"]), "freed"],
    ["a stopped task gave a port back", instance(768, 2048, ["22", "8080"]), instance(768, 2048, ["22"]), "freed"],
    ["the instance started draining", instance(768, 2048, []), instance(768, 2048, [], { status: "DRAINING" }), "other"],
    ["the agent connected", instance(768, 2048, [], { agentConnected: false }), instance(768, 2048, []), "other"],
    ["resources freed while the agent went away", instance(768, 2048, []), instance(1024, 2048, [], { agentConnected: false }), "other"],
    ["a new instance", undefined, instance(1024, 2048, []), "other"],
    ["an instance removed", instance(1024, 2048, []), undefined, "other"],
  ];
  const wakes = { taken: "wakes nobody", freed: "wakes the services waiting for room", other: "wakes every service of the cluster" };
  for (const [what, prev, next, expected] of cases) {
    it(`${what}: ${wakes[expected]}`, () => {
      assert.equal(resourceChange(prev, next), expected);
    });
  }
});
