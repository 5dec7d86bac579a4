// The CLI as a newcomer meets it in the first hour (issue 18), as a subprocess against a control
// plane with a real agent running processes: apply writes nothing unless every document is
// right, a plain Kubernetes Deployment applies into something that runs, and the small things —
// a pipe closed early, a task being stopped, errors that name the task definition, the sizes of
// a task definition set per container.
import { ListClustersCommand, ListTaskDefinitionFamiliesCommand } from "@aws-sdk/client-ecs";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { BERTH_BIN } from "../helpers/process.js";
import type { TestServer } from "../helpers/server.js";
import { berth, oneErrorLine, startLiveCluster, writeFiles, type LiveCluster } from "./harness.js";

const PLAIN_DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata: {name: plain}
spec:
  # One replica: the process runtime binds container ports on the host, one task per port.
  replicas: 1
  selector: {matchLabels: {app: plain}}
  template:
    metadata: {labels: {app: plain}}
    spec:
      terminationGracePeriodSeconds: 2
      containers:
        - name: app
          image: busybox
          command: ["sh", "-c", "exec sleep 600"]
          ports: [{containerPort: 8080}]
          resources: {limits: {memory: 32Mi}}
          livenessProbe: {exec: {command: ["true"]}, periodSeconds: 5}
`;

const taskdef = (family: string, over: object = {}) => ({
  family,
  containerDefinitions: [{ name: "app", image: "busybox", cpu: 64, memory: 16, command: ["sh", "-c", "exec sleep 600"], stopTimeout: 2, ...over }],
});

describe("berth CLI: a newcomer's first hour", { timeout: 240_000 }, () => {
  let live: LiveCluster;
  let s: TestServer;
  let dir: string;
  const run = (...args: string[]) => berth(s.url, args, { timeoutMs: 120_000 });
  const families = async () => (await s.ecs.send(new ListTaskDefinitionFamiliesCommand({}))).families ?? [];

  before(async () => {
    live = await startLiveCluster("cli-first-hour");
    s = live.server;
    dir = live.dir;
  });
  after(async () => {
    await live?.close();
  });

  it("apply to a cluster that does not exist registers nothing", async () => {
    const app = writeFiles(join(dir, "app"), { "td.json": taskdef("web"), "svc.json": { serviceName: "web", taskDefinition: "web", desiredCount: 1 } });
    const r = await run("apply", "-f", app, "--cluster", "nope");
    assert.equal(r.code, 1);
    assert.match(oneErrorLine(r), /^error: nothing applied: service\/web: cluster 'nope' not found;/);
    assert.equal(r.stdout, "");
    assert.deepEqual(await families(), []);
  });

  it("apply lists every problem of the files, and writes none of them", async () => {
    const bad = writeFiles(join(dir, "bad"), {
      "cluster.json": { clusterName: "lab" },
      "td-good.json": taskdef("good"),
      "td-bad.json": { family: "bad", containerDefinitions: [] },
      "svc.json": { serviceName: "svc", taskDefinition: "ghost", desiredCount: 1, deploymentConfiguration: { maximumPercent: 90 } },
    });
    const r = await run("apply", "-f", bad);
    assert.equal(r.code, 1);
    const lines = r.stderr.trimEnd().split("\n");
    assert.equal(lines[0], "error: nothing applied; 3 problems:");
    assert.match(lines[1]!, /^ {2}taskdef\/bad: Task definition must have at least one container definition\. \(ClientException\)$/);
    assert.match(lines[2]!, /^ {2}service\/svc: Invalid parameter 'deploymentConfiguration\.maximumPercent'/);
    assert.match(lines[3]!, /^ {2}service\/svc: task definition 'ghost' is not registered/);
    assert.deepEqual(await families(), []);
    const clusters = (await s.ecs.send(new ListClustersCommand({}))).clusterArns ?? [];
    assert.ok(!clusters.some((c) => c.endsWith("/lab")), clusters.join(" "));
  });

  it("a plain Kubernetes Deployment applies as awsvpc in the default VPC's subnets and runs", async () => {
    const k8s = writeFiles(join(dir, "k8s"), { "plain.yaml": PLAIN_DEPLOYMENT });
    const applied = await run("apply", "-f", k8s);
    assert.equal(applied.code, 0, applied.stderr);
    assert.equal(applied.stdout, "taskdef/plain:1 registered\nservice/plain created\n");
    assert.match(applied.stderr, /service\/plain: awsvpc with the default VPC's subnets \(subnet-[0-9a-f]+(, subnet-[0-9a-f]+)*\), as no subnets were named/);
    const status = await run("rollout", "status", "plain", "--timeout", "90s");
    assert.equal(status.code, 0, status.stdout + status.stderr);
    const td = JSON.parse((await run("describe", "taskdef", "plain", "-o", "json")).stdout);
    assert.equal(td.taskDefinition.networkMode, "awsvpc");
    const translated = JSON.parse((await run("translate", "-f", k8s)).stdout);
    assert.equal(translated.taskDefinitions[0].networkMode, "awsvpc");
  });

  it("get tasks NAME finds a task that is being stopped", async () => {
    // It ignores SIGTERM, so it stays RUNNING with desired STOPPED until its stopTimeout.
    writeFiles(join(dir, "slow"), { "td.json": taskdef("slow", { command: ["sh", "-c", "trap '' TERM; while :; do sleep 0.2; done"], stopTimeout: 20 }) });
    assert.equal((await run("apply", "-f", join(dir, "slow"))).code, 0);
    const started = await run("run", "slow");
    const id = /task\/([0-9a-f]{32})/.exec(started.stdout)?.[1];
    assert.ok(id, started.stdout + started.stderr);
    for (let i = 0; i < 100 && !/RUNNING\s+RUNNING/.test((await run("get", "tasks", id)).stdout); i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal((await run("stop", id)).code, 0);
    const got = await run("get", "tasks", id.slice(0, 12));
    assert.equal(got.code, 0, got.stderr);
    assert.match(got.stdout, new RegExp(`^${id}\\s+slow:1\\s+RUNNING\\s+STOPPED\\s`, "m"));
  });

  it("errors name the task definition ECS's message leaves out", async () => {
    const missing = await run("run", "ghost:3");
    assert.equal(missing.code, 1);
    assert.equal(oneErrorLine(missing), "error: Unable to describe task definition 'ghost:3' (ClientException): it is not registered; list them with 'berth get taskdefs'");
  });

  it("get taskdefs shows CPU and MEMORY set per container as their sum", async () => {
    const r = await run("get", "taskdefs", "plain:1");
    assert.equal(r.code, 0, r.stderr);
    const [header, row] = r.stdout.trimEnd().split("\n");
    assert.match(header!, /CPU\s+MEMORY/);
    assert.match(row!, /\s32 \(sum\)\s/);
  });

  it("a reader that closes the pipe early ends berth quietly (head, grep -m1)", async () => {
    const child = spawn(process.execPath, [BERTH_BIN, "get", "tasks", "-a", "-o", "json"], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, BERTH_ENDPOINT: s.url, NO_COLOR: "1" },
    });
    child.stdout.destroy();
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once("close", resolve));
    assert.equal(stderr, "");
    assert.equal(code, 0);
  });
});
