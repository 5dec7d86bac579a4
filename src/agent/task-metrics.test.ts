import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ContainerStats } from "../runtime/index.js";
import { memoryInUse, reservationOf, sampleOf } from "./task-metrics.js";

describe("task metrics sampling (pure)", () => {
  const c = (definition: Record<string, unknown>) => ({ name: "c", containerArn: "a", definition });
  it("reservation: the task level when set, else the containers' sum (memory: hard limit, else soft)", () => {
    assert.deepEqual(reservationOf({ cpu: "512", memory: "1024", containers: [c({ cpu: 10, memory: 10 })] }), { cpuUnits: 512, memoryMiB: 1024 });
    assert.deepEqual(reservationOf({ containers: [c({ cpu: 256, memory: 64 }), c({ cpu: 128, memoryReservation: 32 })] }), { cpuUnits: 384, memoryMiB: 96 });
    assert.deepEqual(reservationOf({ containers: [c({})] }), { cpuUnits: 0, memoryMiB: 0 });
  });
  const r = { cpuUnits: 256, memoryMiB: 64 };
  const cases: [string, Parameters<typeof sampleOf>[1], Parameters<typeof sampleOf>[2], number | undefined][] = [
    ["no earlier round", undefined, { at: 1000, cpuNs: 5e8, memoryBytes: 0 }, undefined],
    ["one full core for 2 s is 1024 units", { at: 0, cpuNs: 0, memoryBytes: 0 }, { at: 2000, cpuNs: 2e9, memoryBytes: 0 }, 1024],
    ["a quarter core", { at: 0, cpuNs: 1e9, memoryBytes: 0 }, { at: 4000, cpuNs: 2e9, memoryBytes: 0 }, 256],
    ["counters went backwards (replaced container)", { at: 0, cpuNs: 5e9, memoryBytes: 0 }, { at: 1000, cpuNs: 1e9, memoryBytes: 0 }, undefined],
  ];
  for (const [name, prev, cur, units] of cases) {
    it(`sample: ${name}`, () => assert.equal(sampleOf("t", prev, cur, r)?.cpuUnitsUsed, units));
  }
  it("memory in use leaves out the droppable page cache, as docker stats does", () => {
    const s = { memory_stats: { usage: 100 * 2 ** 20, stats: { inactive_file: 30 * 2 ** 20 } } } as unknown as ContainerStats;
    assert.equal(memoryInUse(s), 70 * 2 ** 20);
    assert.equal(sampleOf("t", { at: 0, cpuNs: 0, memoryBytes: 0 }, { at: 1000, cpuNs: 0, memoryBytes: memoryInUse(s) }, r)?.memoryMiBUsed, 70);
  });
});
