// The deployment timeline's series, computed from task records in the page (static/chart.js is
// a browser module with no DOM use in timelineSeries, so node runs it as it is).
import assert from "node:assert/strict";
import { test } from "node:test";

interface Series {
  name: string;
  points: [number, number][];
  step: boolean;
  color: string;
}
const chart = "./static/chart.js";
const { timelineSeries } = (await import(chart)) as { timelineSeries: (tasks: object[], now?: number) => Series[] };

test("timelineSeries: running tasks per deployment, one step per start and stop, oldest deployment first", () => {
  const tasks = [
    // the new deployment: started at 100 and 110 (epoch seconds as the API sends them)
    { startedBy: "ecs-svc/new", createdAt: 99, startedAt: 100 },
    { startedBy: "ecs-svc/new", createdAt: 109, startedAt: 110 },
    // the old one: two tasks from 10, stopped at 105 and 115
    { startedBy: "ecs-svc/old", startedAt: 10, stoppedAt: 105 },
    { startedBy: "ecs-svc/old", startedAt: 10, stoppedAt: 115 },
    // a task that never started counts from its creation; one with neither is left out
    { startedBy: "ecs-svc/new", createdAt: 120 },
    { startedBy: "ecs-svc/new" },
  ];
  const series = timelineSeries(tasks, 200_000);
  assert.deepEqual(
    series.map((s) => [s.name, s.points]),
    [
      ["ecs-svc/old", [[10_000, 0], [10_000, 1], [10_000, 2], [105_000, 1], [115_000, 0], [200_000, 0]]],
      ["ecs-svc/new", [[100_000, 0], [100_000, 1], [110_000, 2], [120_000, 3], [200_000, 3]]],
    ],
  );
  assert.ok(series.every((s) => s.step && /^#[0-9a-f]{6}$/.test(s.color)));
  assert.notEqual(series[0]!.color, series[1]!.color);
});

test("timelineSeries: a stop and a start at the same instant count the stop first; no tasks, no series", () => {
  const series = timelineSeries([{ startedBy: "d", startedAt: 5, stoppedAt: 7 }, { startedBy: "d", startedAt: 7 }], 10_000);
  assert.deepEqual(series[0]!.points, [[5_000, 0], [5_000, 1], [7_000, 0], [7_000, 1], [10_000, 1]]);
  assert.deepEqual(timelineSeries([]), []);
});
