// CloudWatch metrics: the aggregation as table tests (pure), then the operations through the
// clients people use — the AWS CLI (get-metric-statistics, list-metrics) and boto3
// (put_metric_data, get_metric_data with its paginator, list_metrics, modeled exceptions) —
// each response parsed by the client, and what was put survives a restart of the control plane.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import pino from "pino";
import { startControlPlane, type ControlPlane } from "../../src/api/control-plane.js";
import { metrics } from "../../src/domain/index.js";
import { AWS_ENV, missingTool, run } from "../helpers/aws-cli.js";

const M = 60_000;
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

describe("AWS/ECS rollup (pure)", () => {
  const sample = (task: string, service: string | undefined, at: number, cpu: number, mem: number, cpuRes = 256, memRes = 512) => ({
    taskArn: `arn:aws:ecs:us-east-1:000000000000:task/c1/${task}`,
    clusterName: "c1",
    ...(service ? { serviceName: service } : {}),
    timestamp: at,
    cpuUnitsUsed: cpu,
    cpuUnitsReserved: cpuRes,
    memoryMiBUsed: mem,
    memoryMiBReserved: memRes,
  });
  const books = [{ clusterName: "c1", registeredCpu: 2048, registeredMemory: 4096, remainingCpu: 1536, remainingMemory: 3072 }];
  const value = (rows: metrics.MetricRow[], name: string, dims: number) => rows.find((r) => r.metricName === name && r.dimensions.length === dims)?.summary;

  const cases: { name: string; samples: ReturnType<typeof sample>[]; check(rows: metrics.MetricRow[]): void }[] = [
    {
      name: "a service's tasks: each task's mean over the minute as a share of its reservation",
      samples: [sample("a", "web", T0 + 5_000, 256, 128), sample("a", "web", T0 + 25_000, 128, 128), sample("b", "web", T0 + 10_000, 64, 256)],
      check(rows) {
        // task a: mean 192 of 256 = 75 %; task b: 64 of 256 = 25 %.
        assert.deepEqual(value(rows, "CPUUtilization", 2), { count: 2, sum: 100, min: 25, max: 75 });
        assert.deepEqual(value(rows, "MemoryUtilization", 2), { count: 2, sum: 75, min: 25, max: 50 });
        // cluster: (192 + 64) of 2048 registered; memory (128 + 256) of 4096.
        assert.deepEqual(value(rows, "CPUUtilization", 1), { count: 1, sum: 12.5, min: 12.5, max: 12.5 });
        assert.deepEqual(value(rows, "MemoryUtilization", 1), { count: 1, sum: 9.375, min: 9.375, max: 9.375 });
        assert.deepEqual(value(rows, "CPUReservation", 1), { count: 1, sum: 25, min: 25, max: 25 });
        assert.deepEqual(value(rows, "MemoryReservation", 1), { count: 1, sum: 25, min: 25, max: 25 });
      },
    },
    {
      name: "samples outside the minute are left out; a standalone task counts for the cluster only",
      samples: [sample("a", undefined, T0 + 1_000, 1024, 0), sample("a", undefined, T0 + M, 2048, 0)],
      check(rows) {
        assert.equal(value(rows, "CPUUtilization", 2), undefined);
        assert.equal(value(rows, "CPUUtilization", 1)?.sum, 50);
      },
    },
    {
      name: "a task that reserves no CPU has no CPU utilization of its own",
      samples: [sample("a", "web", T0 + 1_000, 100, 256, 0, 512)],
      check(rows) {
        assert.equal(value(rows, "CPUUtilization", 2), undefined);
        assert.equal(value(rows, "MemoryUtilization", 2)?.sum, 50);
      },
    },
  ];
  for (const c of cases) it(c.name, () => c.check(metrics.rollupMinute(T0, c.samples, books)));

  it("periods merge minutes aligned on the start, and every statistic follows", () => {
    const pts = [
      { time: T0, unit: "Percent", count: 1, sum: 10, min: 10, max: 10 },
      { time: T0 + M, unit: "Percent", count: 3, sum: 90, min: 20, max: 40 },
      { time: T0 + 5 * M, unit: "Percent", count: 1, sum: 5, min: 5, max: 5 },
      { time: T0 + 10 * M, unit: "Percent", count: 1, sum: 99, min: 99, max: 99 },
    ];
    const out = metrics.periods(pts, T0, T0 + 10 * M, 5 * M);
    assert.deepEqual(out, [
      { time: T0, unit: "Percent", count: 4, sum: 100, min: 10, max: 40 },
      { time: T0 + 5 * M, unit: "Percent", count: 1, sum: 5, min: 5, max: 5 },
    ]);
    const p = out[0]!;
    assert.deepEqual(
      (["SampleCount", "Average", "Sum", "Minimum", "Maximum"] as const).map((s) => metrics.statisticOf(p, s)),
      [4, 25, 100, 10, 40],
    );
  });

  const put = metrics.metricRequests.putMetricDataRows;
  const refusals: [string, unknown, string, RegExp][] = [
    ["AWS/ namespaces", { Namespace: "AWS/ECS", MetricData: [{ MetricName: "m", Value: 1 }] }, "InvalidParameterValue", /Namespace/],
    ["Value with StatisticValues", { Namespace: "x", MetricData: [{ MetricName: "m", Value: 1, StatisticValues: { SampleCount: 1, Sum: 1, Minimum: 1, Maximum: 1 } }] }, "InvalidParameterCombination", /MetricData\.member\.1\.Value/],
    ["no value", { Namespace: "x", MetricData: [{ MetricName: "m" }] }, "MissingParameter", /MetricData\.member\.1\.Value/],
    ["Values and Counts of different sizes", { Namespace: "x", MetricData: [{ MetricName: "m", Values: [1, 2], Counts: [1] }] }, "InvalidParameterValue", /Counts/],
    ["a value past 2^360", { Namespace: "x", MetricData: [{ MetricName: "m", Value: 2 ** 361 }] }, "InvalidParameterValue", /Value/],
    ["a timestamp three weeks old", { Namespace: "x", MetricData: [{ MetricName: "m", Value: 1, Timestamp: T0 - 21 * 24 * 3600_000 }] }, "InvalidParameterValue", /Timestamp/],
    ["no MetricData", { Namespace: "x" }, "MissingParameter", /MetricData/],
  ];
  for (const [name, input, code, message] of refusals) {
    it(`PutMetricData refuses ${name}`, () => {
      assert.throws(() => put(input as metrics.metricRequests.PutMetricDataInput, T0), (err: Error & { code?: string }) => err.code === code && message.test(err.message));
    });
  }

  it("PutMetricData folds Values/Counts and StatisticValues into one summary each", () => {
    const rows = put(
      {
        Namespace: "App",
        MetricData: [
          { MetricName: "lat", Values: [10, 20], Counts: [3, 1], Timestamp: T0 + 30_000 },
          { MetricName: "lat", StatisticValues: { SampleCount: 2, Sum: 8, Minimum: 3, Maximum: 5 } },
        ],
      },
      T0 + 40_000,
    );
    assert.deepEqual(rows.map((r) => [r.time, r.unit, r.summary]), [
      [T0, "None", { count: 4, sum: 50, min: 10, max: 20 }],
      [T0, "None", { count: 2, sum: 8, min: 3, max: 5 }],
    ]);
  });
});

describe("CloudWatch through the AWS CLI and boto3", () => {
  let dataDir: string;
  let cp: ControlPlane;
  let skip: string | undefined;
  const start = () => startControlPlane({ dataDir, port: 0, logger: pino({ level: "silent" }), scheduler: false, loadBalancers: false });
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "berth-cw-"));
    cp = await start();
    skip = (await missingTool("aws", ["--version"])) ?? (await missingTool("python3", ["-c", "import boto3"]));
  });
  after(async () => {
    await cp.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const aws = async (...args: string[]) => {
    const { stdout } = await run("aws", ["--endpoint-url", cp.url, "--output", "json", "cloudwatch", ...args], { env: { ...process.env, ...AWS_ENV } });
    return stdout.trim() ? (JSON.parse(stdout) as Record<string, unknown>) : {};
  };
  const awsError = async (...args: string[]) => {
    try {
      await aws(...args);
    } catch (err) {
      return String((err as { stderr?: string }).stderr);
    }
    throw new Error("expected the CLI to fail");
  };
  const py = async (script: string) => {
    const { stdout } = await run("python3", ["-c", script, cp.url], { env: { ...process.env, ...AWS_ENV } });
    return JSON.parse(stdout) as Record<string, unknown>;
  };
  const PY_HEAD = `
import boto3, json, sys, datetime
cw = boto3.client("cloudwatch", endpoint_url=sys.argv[1])
now = datetime.datetime.now(datetime.timezone.utc)
`;

  it("boto3 put_metric_data, then get_metric_data (paged), list_metrics and modeled exceptions", async (t) => {
    if (skip) return t.skip(skip);
    const out = await py(`${PY_HEAD}
dims = [{"Name": "Route", "Value": "/api"}]
m = now.replace(second=30, microsecond=0) - datetime.timedelta(minutes=3)
for i in range(3):
    cw.put_metric_data(Namespace="Shop", MetricData=[
        {"MetricName": "Latency", "Dimensions": dims, "Timestamp": m + datetime.timedelta(minutes=i), "Value": 10.0 * (i + 1), "Unit": "Milliseconds"},
        {"MetricName": "Latency", "Dimensions": dims, "Timestamp": m + datetime.timedelta(minutes=i), "Values": [1.0, 3.0], "Counts": [2.0, 2.0], "Unit": "Milliseconds"},
    ])
cw.put_metric_data(Namespace="Shop", MetricData=[{"MetricName": "Orders", "StatisticValues": {"SampleCount": 4, "Sum": 40, "Minimum": 5, "Maximum": 15}, "Unit": "Count"}])
q = {"Id": "lat", "MetricStat": {"Metric": {"Namespace": "Shop", "MetricName": "Latency", "Dimensions": dims}, "Period": 60, "Stat": "Maximum"}}
full = cw.get_metric_data(MetricDataQueries=[q], StartTime=now - datetime.timedelta(minutes=10), EndTime=now + datetime.timedelta(minutes=1), ScanBy="TimestampAscending")
pages = list(cw.get_paginator("get_metric_data").paginate(MetricDataQueries=[q], StartTime=now - datetime.timedelta(minutes=10), EndTime=now + datetime.timedelta(minutes=1), MaxDatapoints=1))
listed = cw.list_metrics(Namespace="Shop", Dimensions=[{"Name": "Route"}])["Metrics"]
errors = {}
for name, call in [
    ("aws", lambda: cw.put_metric_data(Namespace="AWS/ECS", MetricData=[{"MetricName": "x", "Value": 1}])),
    ("both", lambda: cw.put_metric_data(Namespace="Shop", MetricData=[{"MetricName": "x", "Value": 1, "StatisticValues": {"SampleCount": 1, "Sum": 1, "Minimum": 1, "Maximum": 1}}])),
]:
    try:
        call(); errors[name] = "no error"
    except cw.exceptions.InvalidParameterValueException as e:
        errors[name] = "InvalidParameterValueException:" + e.response["Error"]["Code"]
    except cw.exceptions.InvalidParameterCombinationException as e:
        errors[name] = "InvalidParameterCombinationException:" + e.response["Error"]["Code"]
r = full["MetricDataResults"][0]
print(json.dumps({"values": r["Values"], "status": r["StatusCode"], "label": r["Label"], "stamps": [t.isoformat() for t in r["Timestamps"]],
  "pageSizes": [len(p["MetricDataResults"][0]["Values"]) for p in pages], "listed": listed, "errors": errors}))
`);
    assert.deepEqual(out.values, [10, 20, 30], "the Maximum of each minute, oldest first");
    assert.equal(out.status, "Complete");
    assert.equal(out.label, "Latency");
    assert.equal((out.stamps as string[]).length, 3);
    assert.deepEqual(out.pageSizes, [1, 1, 1], "MaxDatapoints 1 pages one value at a time through NextToken");
    assert.deepEqual(out.listed, [{ Namespace: "Shop", MetricName: "Latency", Dimensions: [{ Name: "Route", Value: "/api" }] }]);
    assert.deepEqual(out.errors, { aws: "InvalidParameterValueException:InvalidParameterValue", both: "InvalidParameterCombinationException:InvalidParameterCombination" });
  });

  it("the query protocol (older botocore's choice) answers the same operations in XML", async (t) => {
    if (skip) return t.skip(skip);
    const out = await py(`
import boto3, botocore.session, copy, json, sys, datetime
# This botocore sends awsJson 1.0; with the model's protocol set to query it sends what
# botocore before 1.42.7 did: Action=...&Version=2010-08-01, and parses XML answers.
session = botocore.session.get_session()
loader = session.get_component("data_loader")
original = loader.load_service_model
def as_query(name, type_name, api_version=None):
    m = original(name, type_name, api_version)
    if name == "cloudwatch" and type_name == "service-2":
        m = copy.deepcopy(m); m["metadata"]["protocol"] = "query"; m["metadata"]["protocols"] = ["query"]
    return m
loader.load_service_model = as_query
cw = boto3.Session(botocore_session=session).client("cloudwatch", endpoint_url=sys.argv[1])
assert cw.meta.service_model.protocol == "query"
now = datetime.datetime.now(datetime.timezone.utc)
cw.put_metric_data(Namespace="Legacy", MetricData=[{"MetricName": "Hits", "Dimensions": [{"Name": "App", "Value": "a"}], "Values": [2.0, 4.0], "Unit": "Count"}])
stats = cw.get_metric_statistics(Namespace="Legacy", MetricName="Hits", Dimensions=[{"Name": "App", "Value": "a"}], StartTime=now - datetime.timedelta(minutes=5), EndTime=now + datetime.timedelta(minutes=1), Period=360, Statistics=["Sum", "SampleCount"])
data = cw.get_metric_data(MetricDataQueries=[{"Id": "h", "MetricStat": {"Metric": {"Namespace": "Legacy", "MetricName": "Hits", "Dimensions": [{"Name": "App", "Value": "a"}]}, "Period": 60, "Stat": "Average"}}], StartTime=now - datetime.timedelta(minutes=5), EndTime=now + datetime.timedelta(minutes=1))
listed = cw.list_metrics(Namespace="Legacy")["Metrics"]
try:
    cw.put_metric_data(Namespace="AWS/Foo", MetricData=[{"MetricName": "x", "Value": 1}]); err = "none"
except cw.exceptions.InvalidParameterValueException as e:
    err = e.response["Error"]["Code"]
dp = stats["Datapoints"][0]
print(json.dumps({"sum": dp["Sum"], "n": dp["SampleCount"], "unit": dp["Unit"], "avg": data["MetricDataResults"][0]["Values"], "listed": listed, "err": err}))
`);
    assert.deepEqual(out, { sum: 6, n: 2, unit: "Count", avg: [3], listed: [{ Namespace: "Legacy", MetricName: "Hits", Dimensions: [{ Name: "App", Value: "a" }] }], err: "InvalidParameterValue" });
  });

  it("aws cloudwatch get-metric-statistics and list-metrics parse, and what was put survives a restart", async (t) => {
    if (skip) return t.skip(skip);
    await cp.close();
    cp = await start();
    const end = new Date(Date.now() + 60_000).toISOString();
    const begin = new Date(Date.now() - 10 * 60_000).toISOString();
    const stats = await aws(
      "get-metric-statistics", "--namespace", "Shop", "--metric-name", "Latency", "--dimensions", "Name=Route,Value=/api",
      "--start-time", begin, "--end-time", end, "--period", "600", "--statistics", "Average", "Sum", "Minimum", "Maximum", "SampleCount",
    );
    assert.equal(stats.Label, "Latency");
    const dps = stats.Datapoints as Record<string, number | string>[];
    // 3 single values (10, 20, 30) and 3 × (1 ×2, 3 ×2) in one or two 10-minute periods.
    const total = (k: string) => dps.reduce((a, d) => a + (d[k] as number), 0);
    assert.equal(total("SampleCount"), 15);
    assert.equal(total("Sum"), 60 + 24);
    assert.equal(Math.max(...dps.map((d) => d.Maximum as number)), 30);
    assert.equal(Math.min(...dps.map((d) => d.Minimum as number)), 1);
    assert.ok(dps.every((d) => d.Unit === "Milliseconds"));
    const listed = await aws("list-metrics", "--namespace", "Shop");
    assert.deepEqual((listed.Metrics as { MetricName: string }[]).map((m) => m.MetricName).sort(), ["Latency", "Orders"]);
    const period = await awsError("get-metric-statistics", "--namespace", "Shop", "--metric-name", "Latency", "--start-time", begin, "--end-time", end, "--period", "90", "--statistics", "Average");
    assert.match(period, /InvalidParameterValue.*Period must be a multiple of 60/);
    const both = await awsError("get-metric-statistics", "--namespace", "Shop", "--metric-name", "Latency", "--start-time", begin, "--end-time", end, "--period", "60", "--statistics", "Average", "--extended-statistics", "p99");
    assert.match(both, /InvalidParameterCombination/);
    const backwards = await awsError("get-metric-statistics", "--namespace", "Shop", "--metric-name", "Latency", "--start-time", end, "--end-time", begin, "--period", "60", "--statistics", "Average");
    assert.match(backwards, /InvalidParameterValue.*StartTime/);
  });
});
