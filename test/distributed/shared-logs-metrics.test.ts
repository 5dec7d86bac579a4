// CloudWatch Logs events and CloudWatch datapoints across several servers on one etcd (issue
// 15): each server keeps them in SQLite files of its own, and the writes reach the others
// through the journal beside the store's keys (store/etcd-journal.ts). The AWS CLI, unchanged,
// writes on one server and reads on another: the exact events in order, tokens and eventIds
// that mean the same on every server, a batch acknowledged by a server killed at once, a server
// started afterwards (it catches up before it answers), a deletion, and a server restarted
// after missing writes, which applies them and nothing twice.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { after, before, describe, it } from "node:test";
import Database from "better-sqlite3";
import { removeProcessContainers, spawnAgentProcess, until, type AgentProcess } from "../agent/harness.js";
import { AWS_ENV, missingTool, run } from "../helpers/aws-cli.js";
import { etcdMissing, startEtcd, type EtcdCluster } from "../helpers/etcd.js";
import { spawnServer, type ServerProcess } from "../helpers/process.js";

const skip = etcdMissing() ?? (await missingTool("aws", ["--version"]));

describe("log events and datapoints shared by every server on one etcd", { skip, timeout: 360_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), "berth-shared-logs-"));
  let etcd: EtcdCluster;
  const servers: ServerProcess[] = [];
  const tails = new Set<ChildProcess>();
  let agent: AgentProcess | undefined;
  let keyFile = "";

  const start = async (k: number) => {
    servers[k] = await spawnServer(join(dir, `s${k}`), ["--store", etcd.storeUrl("shared"), "--server-id", `s${k}`, "--secrets-key-file", keyFile, "--auth", "strict"]);
  };
  /** `aws <args>` against server k, JSON out; rejects with the CLI's stderr. */
  const aws = async (k: number, args: string[]) => {
    const { stdout } = await run("aws", [...args, "--endpoint-url", servers[k]!.url, "--output", "json"], { env: { ...process.env, ...AWS_ENV } });
    return stdout.trim() ? JSON.parse(stdout) : {};
  };
  /** Asks server k until `ok` holds of its answer (the write was made on another server). */
  const seen = <T>(what: string, k: number, args: string[], ok: (out: any) => T | undefined | false) =>
    until(what, async () => ok(await aws(k, args).catch(() => undefined)), 20_000, 100);
  const seenLong = <T>(what: string, k: number, args: string[], ok: (out: any) => T | undefined | false) =>
    until(what, async () => ok(await aws(k, args).catch(() => undefined)), 120_000, 2_000);
  const put = (k: number, group: string, stream: string, events: { timestamp: number; message: string }[]) =>
    aws(k, ["logs", "put-log-events", "--log-group-name", group, "--log-stream-name", stream, "--log-events", JSON.stringify(events)]);
  const readAll = (k: number, group: string, stream: string) =>
    aws(k, ["logs", "get-log-events", "--log-group-name", group, "--log-stream-name", stream, "--start-from-head"]).then((o) =>
      (o.events as { timestamp: number; message: string }[]).map((e) => [e.timestamp, e.message]),
    );

  const t0 = Date.now() - 60_000;
  /** Every event put into /app/web so far, in the order every server must show them. */
  const expected: [number, string][] = [];

  before(async () => {
    etcd = await startEtcd({ members: 1 });
    keyFile = join(dir, "secrets.key");
    writeFileSync(keyFile, `${randomBytes(32).toString("hex")}\n`, { mode: 0o600 });
    process.env.BERTH_ROOT_ACCESS_KEY_ID = AWS_ENV.AWS_ACCESS_KEY_ID;
    process.env.BERTH_ROOT_SECRET_ACCESS_KEY = AWS_ENV.AWS_SECRET_ACCESS_KEY;
    for (let k = 0; k < 3; k++) await start(k);
  });

  after(async () => {
    for (const t of tails) t.kill("SIGKILL");
    await agent?.kill("SIGKILL");
    await removeProcessContainers(join(dir, "agent")).catch(() => undefined);
    for (const s of servers) await s?.stop();
    await etcd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("reads on every server, in order, the events another accepted; tokens and eventIds carry over", async () => {
    await aws(0, ["logs", "create-log-group", "--log-group-name", "/app"]);
    await aws(0, ["logs", "create-log-stream", "--log-group-name", "/app", "--log-stream-name", "web"]);
    await put(0, "/app", "web", [
      { timestamp: t0, message: "GET /a 200" },
      { timestamp: t0 + 10, message: "ERROR db down" },
      { timestamp: t0 + 20, message: "GET /b 500" },
    ]);
    // A second batch with a timestamp the first had: it sorts after it (ingested later).
    await put(0, "/app", "web", [
      { timestamp: t0 + 10, message: "ERROR retry failed" },
      { timestamp: t0 + 30, message: "GET /c 200" },
    ]);
    expected.push([t0, "GET /a 200"], [t0 + 10, "ERROR db down"], [t0 + 10, "ERROR retry failed"], [t0 + 20, "GET /b 500"], [t0 + 30, "GET /c 200"]);
    for (const k of [0, 1, 2]) {
      await seen(`the events on server ${k}`, k, ["logs", "get-log-events", "--log-group-name", "/app", "--log-stream-name", "web", "--start-from-head"], (o) => o.events?.length === 5);
      assert.deepEqual(await readAll(k, "/app", "web"), expected);
    }
    const filtered = await Promise.all(
      [0, 1, 2].map((k) => aws(k, ["logs", "filter-log-events", "--log-group-name", "/app", "--filter-pattern", "ERROR"]).then((o) => o.events)),
    );
    for (const events of filtered) {
      assert.deepEqual(
        events.map((e: any) => [e.logStreamName, e.timestamp, e.message]),
        [["web", t0 + 10, "ERROR db down"], ["web", t0 + 10, "ERROR retry failed"]],
      );
      // The same eventIds everywhere: an event's seq comes from the journal's revision.
      assert.deepEqual(events.map((e: any) => e.eventId), filtered[0].map((e: any) => e.eventId));
    }
    // A page read on server 0 goes on from its token on server 2.
    const first = await aws(0, ["logs", "get-log-events", "--log-group-name", "/app", "--log-stream-name", "web", "--start-from-head", "--limit", "2"]);
    assert.equal(first.events.length, 2);
    const rest = await aws(2, ["logs", "get-log-events", "--log-group-name", "/app", "--log-stream-name", "web", "--start-from-head", "--next-token", first.nextForwardToken]);
    assert.deepEqual(rest.events.map((e: any) => [e.timestamp, e.message]), expected.slice(2));
    const streams = await Promise.all([0, 1, 2].map((k) => aws(k, ["logs", "describe-log-streams", "--log-group-name", "/app"]).then((o) => o.logStreams[0])));
    for (const s of streams) {
      assert.equal(s.firstEventTimestamp, t0);
      assert.equal(s.lastEventTimestamp, t0 + 30);
      assert.equal(s.storedBytes, streams[0].storedBytes);
      assert.equal(s.lastIngestionTime, streams[0].lastIngestionTime);
    }
    assert.equal(streams[0].storedBytes, expected.reduce((n, [, m]) => n + Buffer.byteLength(m) + 26, 0));
  });

  it("tails on one server the events another accepts (aws logs start-live-tail)", async () => {
    const tail = spawn("aws", ["logs", "start-live-tail", "--log-group-identifiers", "/app", "--endpoint-url", servers[2]!.url], {
      env: { ...process.env, ...AWS_ENV, AWS_DISABLE_HOST_PREFIX_INJECTION: "true" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    tails.add(tail);
    const printed: string[] = [];
    createInterface({ input: tail.stdout! }).on("line", (l) => printed.push(l));
    // The session starts at some point after the spawn: ping until the tail prints a ping.
    await until("the tail on server 2 to print a line put on server 1", async () => {
      await aws(1, ["logs", "create-log-stream", "--log-group-name", "/app", "--log-stream-name", "ping"]).catch(() => undefined);
      await put(1, "/app", "ping", [{ timestamp: Date.now(), message: "ping" }]);
      await new Promise((r) => setTimeout(r, 500));
      return printed.includes("ping");
    }, 30_000, 0);
    await put(0, "/app", "web", [{ timestamp: t0 + 40, message: "tailed from s0" }]);
    expected.push([t0 + 40, "tailed from s0"]);
    await until("the tail to print the event put on server 0", () => printed.includes("tailed from s0"), 10_000, 50);
    tail.kill("SIGTERM");
    tails.delete(tail);
  });

  it("keeps a batch acknowledged by a server killed right after", async () => {
    await put(0, "/app", "web", [{ timestamp: t0 + 50, message: "last words of s0" }]);
    await servers[0]!.stop("SIGKILL");
    expected.push([t0 + 50, "last words of s0"]);
    for (const k of [1, 2]) {
      await seen(`the batch on server ${k}`, k, ["logs", "get-log-events", "--log-group-name", "/app", "--log-stream-name", "web", "--start-from-head"], (o) => o.events?.length === expected.length);
      assert.deepEqual(await readAll(k, "/app", "web"), expected);
    }
    // Back on its data directory, the killed server has it once.
    await start(0);
    assert.deepEqual(await readAll(0, "/app", "web"), expected);
  });

  it("shows on every server the datapoints another was sent (put-metric-data)", async () => {
    const minute = Math.floor(Date.now() / 60_000) * 60_000 - 60_000;
    const at = new Date(minute + 5_000).toISOString();
    await aws(1, ["cloudwatch", "put-metric-data", "--namespace", "App", "--metric-data", JSON.stringify([{ MetricName: "Requests", Dimensions: [{ Name: "Service", Value: "web" }], Timestamp: at, Values: [3, 5], Counts: [1, 2], Unit: "Count" }])]);
    await aws(1, ["cloudwatch", "put-metric-data", "--namespace", "App", "--metric-data", JSON.stringify([{ MetricName: "Requests", Dimensions: [{ Name: "Service", Value: "web" }], Timestamp: at, Value: 7, Unit: "Count" }])]);
    const stats = ["cloudwatch", "get-metric-statistics", "--namespace", "App", "--metric-name", "Requests", "--dimensions", "Name=Service,Value=web", "--start-time", new Date(minute).toISOString(), "--end-time", new Date(minute + 60_000).toISOString(), "--period", "60", "--statistics", "Sum", "SampleCount", "Maximum"];
    for (const k of [0, 1, 2]) {
      const got = await seen(`the datapoints on server ${k}`, k, stats, (o) => o.Datapoints?.[0]?.SampleCount === 4 && o.Datapoints);
      assert.deepEqual(got.map((d: any) => [d.Sum, d.SampleCount, d.Maximum, d.Unit]), [[3 + 10 + 7, 4, 7, "Count"]]);
    }
    const data = await aws(2, ["cloudwatch", "get-metric-data", "--start-time", new Date(minute).toISOString(), "--end-time", new Date(minute + 60_000).toISOString(), "--metric-data-queries", JSON.stringify([{ Id: "r", MetricStat: { Metric: { Namespace: "App", MetricName: "Requests", Dimensions: [{ Name: "Service", Value: "web" }] }, Period: 60, Stat: "Sum" } }])]);
    assert.deepEqual(data.MetricDataResults[0].Values, [20]);
    const listed = await aws(0, ["cloudwatch", "list-metrics", "--namespace", "App"]);
    assert.deepEqual(listed.Metrics, [{ Namespace: "App", MetricName: "Requests", Dimensions: [{ Name: "Service", Value: "web" }] }]);
  });

  it("catches up a server started after the writes before it answers", async () => {
    await start(3);
    // No polling: the journal was applied before the API opened.
    assert.deepEqual(await readAll(3, "/app", "web"), expected);
    const listed = await aws(3, ["cloudwatch", "list-metrics", "--namespace", "App"]);
    assert.equal(listed.Metrics.length, 1);
  });

  it("removes a deleted group's events on every server; a group made again under its name starts empty", async () => {
    await aws(1, ["logs", "delete-log-group", "--log-group-name", "/app"]);
    for (const k of [0, 2, 3]) {
      await seen(`the group gone on server ${k}`, k, ["logs", "describe-log-groups", "--log-group-name-prefix", "/app"], (o) => o.logGroups?.length === 0);
    }
    await aws(2, ["logs", "create-log-group", "--log-group-name", "/app"]);
    await aws(2, ["logs", "create-log-stream", "--log-group-name", "/app", "--log-stream-name", "web"]);
    for (const k of [0, 1, 3]) {
      await seen(`the new stream on server ${k}`, k, ["logs", "describe-log-streams", "--log-group-name", "/app"], (o) => o.logStreams?.length === 1);
      assert.deepEqual(await readAll(k, "/app", "web"), []);
      const filtered = await aws(k, ["logs", "filter-log-events", "--log-group-name", "/app"]);
      assert.deepEqual(filtered.events, []);
    }
    // The rows themselves are gone from the servers' files, not only unreachable.
    await servers[3]!.stop();
    const db = new Database(join(dir, "s3", "log-events.db"), { readonly: true });
    try {
      assert.deepEqual(db.prepare("SELECT message FROM log_events").pluck().all(), []);
    } finally {
      db.close();
    }
  });

  it("applies on a restarted server what it missed while down, and nothing twice", async () => {
    await servers[2]!.stop("SIGTERM");
    await put(0, "/app", "web", [
      { timestamp: t0 + 100, message: "while s2 was down 1" },
      { timestamp: t0 + 101, message: "while s2 was down 2" },
    ]);
    const minute = Math.floor(Date.now() / 60_000) * 60_000 - 60_000;
    await aws(1, ["cloudwatch", "put-metric-data", "--namespace", "Down", "--metric-data", JSON.stringify([{ MetricName: "Jobs", Timestamp: new Date(minute + 1_000).toISOString(), Value: 2 }])]);
    await start(2);
    assert.deepEqual(await readAll(2, "/app", "web"), [[t0 + 100, "while s2 was down 1"], [t0 + 101, "while s2 was down 2"]]);
    const stats = ["cloudwatch", "get-metric-statistics", "--namespace", "Down", "--metric-name", "Jobs", "--start-time", new Date(minute).toISOString(), "--end-time", new Date(minute + 60_000).toISOString(), "--period", "60", "--statistics", "Sum", "SampleCount"];
    for (const k of [1, 2]) {
      const got = await aws(k, stats);
      assert.deepEqual(got.Datapoints.map((d: any) => [d.Sum, d.SampleCount]), [[2, 1]], `server ${k}`);
    }
    // The older datapoints were not merged again on the restart.
    const older = await aws(2, ["cloudwatch", "get-metric-statistics", "--namespace", "App", "--metric-name", "Requests", "--dimensions", "Name=Service,Value=web", "--start-time", new Date(Date.now() - 3_600_000).toISOString(), "--end-time", new Date(Date.now() + 60_000).toISOString(), "--period", "3600", "--statistics", "SampleCount"]);
    assert.equal(older.Datapoints[0].SampleCount, 4);
    // A second restart with nothing new: the same events, the same counts in the file.
    await servers[2]!.stop("SIGTERM");
    const count = () => {
      const db = new Database(join(dir, "s2", "log-events.db"), { readonly: true });
      try {
        return db.prepare("SELECT COUNT(*) FROM log_events").pluck().get() as number;
      } finally {
        db.close();
      }
    };
    const before = count();
    await start(2);
    assert.deepEqual(await readAll(2, "/app", "web"), [[t0 + 100, "while s2 was down 1"], [t0 + 101, "while s2 was down 2"]]);
    await servers[2]!.stop("SIGTERM");
    assert.equal(count(), before);
    await start(2);
  });

  it("shows on a server the AWS/ECS datapoints of an agent connected to another", async () => {
    await aws(0, ["ecs", "create-cluster", "--cluster-name", "default"]);
    // The agent signs with the root key from the environment, as the CLI does.
    Object.assign(process.env, AWS_ENV);
    agent = await spawnAgentProcess(servers[0]!.url, join(dir, "agent"));
    await aws(0, ["ecs", "register-task-definition", "--family", "sleeper", "--container-definitions", JSON.stringify([{ name: "app", image: "busybox", cpu: 128, memory: 32, essential: true, command: ["sh", "-c", "exec sleep 3600"] }])]);
    await aws(0, ["ecs", "run-task", "--cluster", "default", "--task-definition", "sleeper"]);
    // The agent samples every 20 s and each server rolls up every 20 s: the first datapoint comes within a minute.
    const cpu = (k: number) =>
      seenLong(`AWS/ECS CPUUtilization on server ${k}`, k, ["cloudwatch", "get-metric-statistics", "--namespace", "AWS/ECS", "--metric-name", "CPUUtilization", "--dimensions", "Name=ClusterName,Value=default",
        "--start-time", new Date(Date.now() - 5 * 60_000).toISOString(), "--end-time", new Date(Date.now() + 5 * 60_000).toISOString(), "--period", "60", "--statistics", "SampleCount"], (o) => o.Datapoints?.length > 0 && o.Datapoints);
    // Server 1 holds no agent: what it shows came through the journal.
    const [onOne, onZero] = await Promise.all([cpu(1), cpu(0)]);
    assert.ok(onOne.length >= 1 && onZero.length >= 1);
    await seenLong("AWS/ECS CPUUtilization listed on server 2", 2, ["cloudwatch", "list-metrics", "--namespace", "AWS/ECS", "--metric-name", "CPUUtilization"], (o) =>
      o.Metrics?.some((m: any) => m.Dimensions.length === 1 && m.Dimensions[0].Value === "default"),
    );
  });
});
