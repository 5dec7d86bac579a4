import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ContainerDefinition } from "@aws-sdk/client-ecs";
import { dynamicPortsOf, withHostBoundPorts } from "./task-records.js";

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
