// Metrics end to end with the process runtime: a service whose task burns a CPU while reserving
// 256 units shows CPUUtilization far above 50 % for {ClusterName, ServiceName} through
// `aws cloudwatch get-metric-statistics`; the metadata endpoint's /stats and /task/stats carry
// the real counters; berth's /metrics scrape parses and its request counter moves.
// The agent samples every second and the control plane rolls up every half second here (20 s
// each in production).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { CreateServiceCommand, DescribeServicesCommand, ListTasksCommand } from "@aws-sdk/client-ecs";
import type { Agent } from "../../src/agent/index.js";
import { AWS_ENV, missingTool, run } from "../helpers/aws-cli.js";
import { type Cluster, dockerSkipReason, startCluster, TEST_IMAGE, until } from "./harness.js";

/** Prometheus text → sample lines as [name{labels}, value]. */
function parseExposition(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{[^}]*\})?) (\S+)$/.exec(line);
    assert.ok(m, `not an exposition line: ${line}`);
    out.set(m[1]!, Number(m[2]));
  }
  return out;
}

/** The service's CPUUtilization datapoints (Average) through the AWS CLI. */
async function serviceCpu(url: string, service: string): Promise<number[]> {
  const { stdout } = await run(
    "aws",
    ["--endpoint-url", url, "--output", "json", "cloudwatch", "get-metric-statistics", "--namespace", "AWS/ECS", "--metric-name", "CPUUtilization",
      "--dimensions", "Name=ClusterName,Value=default", `Name=ServiceName,Value=${service}`, "--start-time", new Date(Date.now() - 5 * 60_000).toISOString(),
      "--end-time", new Date(Date.now() + 60_000).toISOString(), "--period", "60", "--statistics", "Average"],
    { env: { ...process.env, ...AWS_ENV } },
  );
  return (JSON.parse(stdout) as { Datapoints: { Average: number }[] }).Datapoints.map((d) => d.Average);
}

const dockerSkip = await dockerSkipReason();

describe("task metrics with the docker runtime (the engine's stats)", { timeout: 240_000, ...(dockerSkip ? { skip: dockerSkip } : {}) }, () => {
  let c: Cluster;
  before(async () => {
    c = await startCluster({ metricsRollupMs: 500 });
    await c.startAgent({ runtime: "docker", metricsIntervalMs: 1000 });
  });
  after(async () => {
    await c?.close();
  });

  it("a CPU-burning container's service shows CPUUtilization well above 50 %", async (t) => {
    const skip = await missingTool("aws", ["--version"]);
    if (skip) return t.skip(skip);
    const td = await c.registerTaskDefinition("burn-docker", [{ name: "burn", image: TEST_IMAGE, cpu: 256, memory: 64, essential: true, command: ["sh", "-c", "while :; do :; done"] }]);
    await c.ecs.send(new CreateServiceCommand({ cluster: "default", serviceName: "burner-docker", taskDefinition: td, desiredCount: 1 }));
    const averages = await until("a CPUUtilization datapoint above 50 %", async () => {
      const a = await serviceCpu(c.cp.url, "burner-docker");
      return a.some((v) => v > 50) ? a : undefined;
    }, 120_000, 2000);
    assert.ok(Math.max(...averages) > 50);
  });
});

describe("task metrics with the process runtime", { timeout: 240_000 }, () => {
  let c: Cluster;
  let agent: Agent;
  let taskArn: string;
  before(async () => {
    c = await startCluster({ metricsRollupMs: 500 });
    agent = await c.startAgent({ metricsIntervalMs: 1000 });
    const td = await c.registerTaskDefinition("burn", [{ name: "burn", image: "busybox", cpu: 256, memory: 64, essential: true, command: ["sh", "-c", "while :; do :; done"] }]);
    await c.ecs.send(new CreateServiceCommand({ cluster: "default", serviceName: "burner", taskDefinition: td, desiredCount: 1 }));
    taskArn = await until("the service's task", async () => (await c.ecs.send(new ListTasksCommand({ cluster: "default", serviceName: "burner" }))).taskArns?.[0], 30_000, 200);
    await c.waitTask(taskArn, "RUNNING", (t) => t.lastStatus === "RUNNING", 30_000);
  });
  after(async () => {
    await c?.close();
  });

  it("aws cloudwatch get-metric-statistics shows the service's CPUUtilization well above 50 %", async (t) => {
    const skip = await missingTool("aws", ["--version"]);
    if (skip) return t.skip(skip);
    const stats = async (dims: string[], metric = "CPUUtilization") => {
      const { stdout } = await run(
        "aws",
        ["--endpoint-url", c.cp.url, "--output", "json", "cloudwatch", "get-metric-statistics", "--namespace", "AWS/ECS", "--metric-name", metric,
          "--dimensions", ...dims, "--start-time", new Date(Date.now() - 5 * 60_000).toISOString(), "--end-time", new Date(Date.now() + 60_000).toISOString(),
          "--period", "60", "--statistics", "Average", "Maximum", "SampleCount"],
        { env: { ...process.env, ...AWS_ENV } },
      );
      return (JSON.parse(stdout) as { Datapoints: { Average: number; Maximum: number; SampleCount: number; Unit: string }[] }).Datapoints;
    };
    const service = ["Name=ClusterName,Value=default", "Name=ServiceName,Value=burner"];
    const points = await until("a CPUUtilization datapoint above 50 %", async () => {
      const dps = await stats(service);
      return dps.some((d) => d.Average > 50) ? dps : undefined;
    }, 120_000, 2000);
    const best = points.reduce((a, b) => (b.Average > a.Average ? b : a));
    assert.equal(best.Unit, "Percent");
    assert.equal(best.SampleCount, 1, "one task in the service");
    // A busy loop uses most of one core: some hundreds of percent of 256 units on an idle host.
    assert.ok(best.Average > 50, `CPUUtilization ${best.Average}`);
    const mem = await stats(service, "MemoryUtilization");
    assert.ok(mem.length > 0 && mem.every((d) => d.Average > 0 && d.Average < 100), JSON.stringify(mem));
    const cluster = await stats(["Name=ClusterName,Value=default"], "CPUReservation");
    // 256 units reserved of what the instance registers.
    const registered = (await c.instance(agent.containerInstanceArn)) as { registeredResources?: { name?: string; integerValue?: number }[] };
    const cpu = registered.registeredResources!.find((r) => r.name === "CPU")!.integerValue!;
    assert.ok(cluster.some((d) => Math.abs(d.Maximum - (256 / cpu) * 100) < 1e-6), `${JSON.stringify(cluster)} vs 256/${cpu}`);
  });

  it("the metadata endpoint's /stats and /task/stats carry the task's real counters", async () => {
    const rec = agent.engine.tasks.get(taskArn)!.record;
    const container = rec.containers[0]!;
    const base = `${agent.metadataBaseUrl}/v4/${container.metadataToken}`;
    const one = (await (await fetch(`${base}/stats`)).json()) as { cpu_stats: { cpu_usage: { total_usage: number } }; memory_stats: { usage: number } };
    assert.ok(one.cpu_stats.cpu_usage.total_usage > 0, JSON.stringify(one.cpu_stats));
    assert.ok(one.memory_stats.usage > 0);
    const all = (await (await fetch(`${base}/task/stats`)).json()) as Record<string, { cpu_stats: { cpu_usage: { total_usage: number } } }>;
    const later = all[container.runtimeId!]!;
    assert.ok(later.cpu_stats.cpu_usage.total_usage > one.cpu_stats.cpu_usage.total_usage, "the busy loop's CPU time grows");
  });

  it("GET /metrics answers Prometheus text: requests, agents connected, tasks by status", async () => {
    const scrape = async () => {
      const res = await fetch(`${c.cp.url}/metrics`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
      return parseExposition(await res.text());
    };
    const key = 'berth_api_requests_total{service="ecs",operation="DescribeServices",code="200"}';
    const before = await scrape();
    await c.ecs.send(new DescribeServicesCommand({ cluster: "default", services: ["burner"] }));
    await c.ecs.send(new DescribeServicesCommand({ cluster: "default", services: ["burner"] }));
    const after = await scrape();
    assert.equal((after.get(key) ?? 0) - (before.get(key) ?? 0), 2);
    assert.equal(after.get("berth_agents_connected"), 1);
    assert.ok((after.get('berth_tasks{last_status="RUNNING"}') ?? 0) >= 1);
    assert.ok((after.get('berth_api_request_duration_seconds_count{service="ecs",operation="DescribeServices"}') ?? 0) >= 2);
    assert.equal(after.get('berth_api_request_duration_seconds_bucket{service="ecs",operation="DescribeServices",le="+Inf"}'), after.get('berth_api_request_duration_seconds_count{service="ecs",operation="DescribeServices"}'));
    assert.ok(after.has("berth_store_watch_lag_revisions"));
    assert.ok((after.get('berth_reconcile_pass_duration_seconds_count{outcome="ok"}') ?? 0) >= 1, "the service was reconciled");
  });
});
