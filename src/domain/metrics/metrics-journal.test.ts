// Metrics through the shared journal (metrics-service.ts): which entries read back from etcd are
// taken, and two servers' Metrics on one journal (played in memory; metrics.db and its ledger
// real, in memory) — PutMetricData on one is on the other, merged once however often the entry
// is handed over, and a server that starts later catches up before it answers.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import pino from "pino";
import { systemClock } from "../../model/index.js";
import type { Deps } from "../deps.js";
import { Metrics, parseMetricsEntry } from "./metrics-service.js";
import { memoryJournal } from "../../../test/helpers/memory-journal.js";

describe("parseMetricsEntry", () => {
  const row = { namespace: "App", metricName: "m", dimensions: [{ Name: "a", Value: "b" }], unit: "Count", time: 60_000, summary: { count: 1, sum: 2, min: 2, max: 2 } };
  const sample = { taskArn: "arn:t", timestamp: 1, cpuUnitsUsed: 1, cpuUnitsReserved: 2, memoryMiBUsed: 3, memoryMiBReserved: 4 };
  const scope = { accountId: "000000000000", region: "us-east-1" };
  const cases: [what: string, kind: string, body: unknown, ok: boolean][] = [
    ["a merge", "merge", { scope: "000000000000/us-east-1", rows: [row] }, true],
    ["a merge with a row without its summary", "merge", { scope: "x", rows: [{ ...row, summary: { count: 1 } }] }, false],
    ["a merge with a bad dimension", "merge", { scope: "x", rows: [{ ...row, dimensions: [{ Name: 1 }] }] }, false],
    ["a merge with a non-finite time", "merge", { scope: "x", rows: [{ ...row, time: null }] }, false],
    ["samples", "samples", { scope, clusterName: "c", samples: [sample] }, true],
    ["samples without a scope", "samples", { clusterName: "c", samples: [] }, false],
    ["samples without a cluster", "samples", { scope, samples: [] }, false],
    ["an unknown kind", "put", { scope: "x", rows: [] }, false],
  ];
  for (const [what, kind, body, ok] of cases) it(`${ok ? "takes" : "refuses"} ${what}`, () => assert.equal(parseMetricsEntry(kind, body) !== undefined, ok));
  it("drops samples that are not samples", () => {
    const got = parseMetricsEntry("samples", { scope, clusterName: "c", samples: [sample, { ...sample, cpuUnitsUsed: -1 }, "x"] });
    assert.deepEqual(got, { kind: "samples", scope, clusterName: "c", samples: [sample] });
  });
});

describe("Metrics on a shared journal", () => {
  const deps = { clock: systemClock, cache: { get: () => undefined, list: () => [] } } as unknown as Deps;
  const scope = { accountId: "000000000000", region: "us-east-1" };
  const minute = Math.floor(Date.now() / 60_000) * 60_000 - 60_000;
  const stats = (m: Metrics) =>
    m.getMetricStatistics(scope, { Namespace: "App", MetricName: "Jobs", StartTime: minute, EndTime: minute + 60_000, Period: 60, Statistics: ["Sum", "SampleCount"] }).Datapoints.map((d) => [(d as Record<string, unknown>).Sum, (d as Record<string, unknown>).SampleCount]);

  it("merges a PutMetricData once on every server", async () => {
    const mem = memoryJournal();
    const open = () => new Metrics(deps, { dataDir: ":memory:", logger: pino({ level: "silent" }), journal: mem.journal });
    const a = open();
    const b = open();
    try {
      await a.follow();
      await b.follow();
      await a.putMetricData(scope, { Namespace: "App", MetricData: [{ MetricName: "Jobs", Timestamp: minute + 1000, Values: [1, 2], Counts: [1, 3] }] });
      // Handed over to both followers (a's own included), then again.
      mem.deliver(mem.entries[0]!);
      assert.deepEqual(stats(a), [[7, 4]]);
      assert.deepEqual(stats(b), [[7, 4]]);
      // A server that starts afterwards has it before its first answer.
      const c = open();
      try {
        await c.follow();
        assert.deepEqual(stats(c), [[7, 4]]);
      } finally {
        c.close();
      }
    } finally {
      a.close();
      b.close();
    }
  });
});
