import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ContainerDefinition } from "@aws-sdk/client-ecs";
import { agentDesiredStatus, applyOverrides, dynamicPortsOf, fargateEphemeralStorage, withHostBoundPorts, type TaskRecord } from "./task-records.js";

describe("dynamicPortsOf", () => {
  const web: ContainerDefinition = {
    name: "web",
    portMappings: [{ containerPort: 80 }, { containerPort: 8080, hostPort: 0 }, { containerPort: 443, hostPort: 443 }, { containerPort: 53, protocol: "udp" }],
  };
  const side: ContainerDefinition = { name: "side", portMappings: [{ containerPort: 80 }, { containerPort: 9000, hostPort: 9001 }] };
  const cases: { name: string; mode: string | undefined; allDynamic?: boolean; want: { tcp: number[]; udp: number[] } }[] = [
    { name: "bridge: the mappings without a hostPort, once each", mode: "bridge", want: { tcp: [80, 8080], udp: [53] } },
    { name: "no network mode is bridge", mode: undefined, want: { tcp: [80, 8080], udp: [53] } },
    { name: "host mode: none (its ports are fixed ones already)", mode: "host", want: { tcp: [], udp: [] } },
    { name: "awsvpc: none (the task's own network)", mode: "awsvpc", want: { tcp: [], udp: [] } },
    { name: "the Fargate pool runs every mapping dynamic", mode: "bridge", allDynamic: true, want: { tcp: [80, 8080, 443, 9000], udp: [53] } },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(dynamicPortsOf(c.mode, [web, side], c.allDynamic), c.want));
  }
});

describe("withHostBoundPorts", () => {
  it("adds the dynamic ports to the fixed ones without repeating any", () => {
    const r = { cpu: 256, memory: 512, ports: [443], portsUdp: [] };
    assert.deepEqual(withHostBoundPorts(r, { tcp: [80, 443], udp: [53] }), { cpu: 256, memory: 512, ports: [443, 80], portsUdp: [53] });
  });
});

describe("agentDesiredStatus", () => {
  const target = { targetGroupArn: "arn:tg", id: "10.0.0.5", port: 80, containerName: "web", containerPort: 80 };
  const cases: { name: string; desired: string; targets?: TaskRecord["loadBalancerTargets"]; want: string }[] = [
    { name: "a running task", desired: "RUNNING", want: "RUNNING" },
    { name: "a stop without load balancer targets goes to the agent", desired: "STOPPED", want: "STOPPED" },
    { name: "a stop is held while the task has targets (registered or draining)", desired: "STOPPED", targets: [{ ...target, deregisteredAt: 1 }], want: "RUNNING" },
    { name: "released targets hand the stop over", desired: "STOPPED", targets: [], want: "STOPPED" },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const t = { desiredStatus: c.desired, ...(c.targets ? { loadBalancerTargets: c.targets } : {}) } as TaskRecord;
      assert.equal(agentDesiredStatus(t), c.want);
    });
  }
});

describe("fargateEphemeralStorage", () => {
  type Input = Parameters<typeof fargateEphemeralStorage>[0];
  const td = (size?: number) => ({ family: "f", revision: 1, containerDefinitions: [], ...(size ? { ephemeralStorage: { sizeInGiB: size } } : {}) }) as unknown as Input["td"];
  const cases: { name: string; launchType: string; td?: number; override?: number; want: unknown }[] = [
    { name: "Fargate, the definition's size", launchType: "FARGATE", td: 30, want: { ephemeralStorage: { sizeInGiB: 30 } } },
    { name: "Fargate, the override wins", launchType: "FARGATE", td: 30, override: 50, want: { ephemeralStorage: { sizeInGiB: 50 } } },
    { name: "Fargate, neither: ECS's default is not enforced", launchType: "FARGATE", want: {} },
    { name: "EC2: not a Fargate setting", launchType: "EC2", td: 30, override: 50, want: {} },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const overrides = (c.override ? { ephemeralStorage: { sizeInGiB: c.override } } : {}) as Input["overrides"];
      assert.deepEqual(fargateEphemeralStorage({ launchType: c.launchType, td: td(c.td), overrides }), c.want);
    });
  }
  it("RunTask's override is held to RegisterTaskDefinition's bounds, 21-200", () => {
    for (const size of [20, 201]) {
      assert.throws(() => applyOverrides(td(), { ephemeralStorage: { sizeInGiB: size } } as never), (e: Error & { name: string }) => /overrides.ephemeralStorage.sizeInGiB' \d+: it must be between 21 and 200/.test(e.message));
    }
    assert.doesNotThrow(() => applyOverrides(td(), { ephemeralStorage: { sizeInGiB: 21 } } as never));
  });
});
