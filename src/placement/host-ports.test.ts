import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hostPortsOn, UNTRANSLATED_NOTE } from "./host-ports.js";
import { place } from "./place.js";
import { aRequest, anInstance, idOf, seededRng } from "./test-builders.js";
import type { PlacementRequest, PlacementResult } from "./types.js";

const PROCESS = { "berth.runtime.port-translation": "none" };
const DOCKER = { "berth.runtime.port-translation": "nat" };

function run(request: Partial<PlacementRequest>, instances: Parameters<typeof anInstance>[0][]): PlacementResult {
  return place(aRequest(request), instances.map(anInstance), { rng: seededRng(1) });
}

describe("hostPortsOn", () => {
  const lookup = (attrs: Record<string, string>) => ({ get: (n: string) => attrs[n], has: (n: string) => n in attrs });
  const fixed = { tcp: [80], udp: [] };
  const untranslated = { tcp: [80, 47806], udp: [53] };
  const cases: { name: string; attrs: Record<string, string>; task: Parameters<typeof hostPortsOn>[1]; want: { tcp: number[]; udp: number[] } }[] = [
    { name: "no port translation: fixed and dynamic", attrs: PROCESS, task: { ...fixed, untranslated }, want: untranslated },
    { name: "translation (docker): fixed only", attrs: DOCKER, task: { ...fixed, untranslated }, want: fixed },
    { name: "attribute absent (an ECS-like instance): fixed only", attrs: {}, task: { ...fixed, untranslated }, want: fixed },
    { name: "no dynamic mapping: fixed only anywhere", attrs: PROCESS, task: fixed, want: fixed },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = hostPortsOn(lookup(c.attrs), c.task);
      assert.deepEqual({ tcp: got.tcp, udp: got.udp }, c.want);
    });
  }
});

describe("place: dynamic ports on an instance without port translation", () => {
  const dynamic: Partial<PlacementRequest> = { dynamicPorts: { tcp: [47806] } };

  const cases: { name: string; instance: Parameters<typeof anInstance>[0]; request: Partial<PlacementRequest>; placed: boolean; detail?: string }[] = [
    {
      name: "its containerPort is taken: RESOURCE:PORTS, saying why",
      instance: { id: "a", attributes: PROCESS, ports: [22, 47806] },
      request: dynamic,
      placed: false,
      detail: `host port 47806/tcp is already in use${UNTRANSLATED_NOTE}`,
    },
    { name: "its containerPort is free", instance: { id: "a", attributes: PROCESS, ports: [22] }, request: dynamic, placed: true },
    { name: "a translating instance ignores it", instance: { id: "a", attributes: DOCKER, ports: [22, 47806] }, request: dynamic, placed: true },
    { name: "an instance that says nothing ignores it", instance: { id: "a", ports: [22, 47806] }, request: dynamic, placed: true },
    {
      name: "a fixed port's conflict is told plainly",
      instance: { id: "a", attributes: PROCESS, ports: [22, 80, 47806] },
      request: { ...dynamic, hostPorts: { tcp: [80] } },
      placed: false,
      detail: "host port 80/tcp is already in use",
    },
    {
      name: "udp too: RESOURCE:PORTS_UDP",
      instance: { id: "a", attributes: PROCESS, portsUdp: [5353] },
      request: { dynamicPorts: { udp: [5353] } },
      placed: false,
      detail: `host port 5353/udp is already in use${UNTRANSLATED_NOTE}`,
    },
    {
      name: "they count toward the limit of 100",
      instance: { id: "a", attributes: PROCESS, ports: Array.from({ length: 100 }, (_, k) => 1000 + k) },
      request: dynamic,
      placed: false,
      detail: `100 tcp host ports reserved; 1 more would pass the limit of 100${UNTRANSLATED_NOTE}`,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const result = run(c.request, [c.instance]);
      assert.equal(result.placements.length, c.placed ? 1 : 0);
      if (!c.placed) {
        const reason = c.request.dynamicPorts?.udp ? "RESOURCE:PORTS_UDP" : "RESOURCE:PORTS";
        assert.deepEqual(result.failures, [{ arn: anInstance(c.instance).arn, reason, detail: c.detail }]);
      }
    });
  }

  it("books the port between tasks of one call: one task per process instance", () => {
    const result = run({ count: 2, ...dynamic }, [{ id: "a", attributes: PROCESS }]);
    assert.deepEqual(result.placements.map((p) => idOf(p.instanceArn)), ["a"]);
    assert.equal(result.failures[0]?.reason, "RESOURCE:PORTS");
  });

  it("leaves Docker instances with dynamic ports: the rest go there", () => {
    const result = run({ count: 4, ...dynamic }, [
      { id: "proc", attributes: PROCESS },
      { id: "dock", attributes: DOCKER },
    ]);
    const counts = new Map<string, number>();
    for (const p of result.placements) counts.set(idOf(p.instanceArn), (counts.get(idOf(p.instanceArn)) ?? 0) + 1);
    assert.deepEqual(Object.fromEntries(counts), { proc: 1, dock: 3 });
  });
});
