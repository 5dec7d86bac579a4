// The CLI against a control plane with a real agent running real processes: apply and
// `rollout status` through a good revision and a crashing one (circuit breaker on), a
// Kubernetes Deployment applied and running, tasks run, described and stopped, and — in a
// terminal (tmux) — `get -w` and `rollout status` redrawing in place.
import { DeleteServiceCommand, DescribeServicesCommand, DescribeTaskDefinitionCommand } from "@aws-sdk/client-ecs";
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { BERTH_BIN } from "../helpers/process.js";
import type { TestServer } from "../helpers/server.js";
import { berth, oneErrorLine, shellTaskDefinition, startLiveCluster, writeFiles, type LiveCluster } from "./harness.js";
import { Terminal, tmuxMissing } from "./tmux.js";

const HELLO_DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: hello
  labels: {app: hello}
spec:
  replicas: 2
  selector: {matchLabels: {app: hello}}
  strategy:
    type: RollingUpdate
    rollingUpdate: {maxSurge: 1, maxUnavailable: 0}
  template:
    metadata: {labels: {app: hello}}
    spec:
      hostNetwork: true
      terminationGracePeriodSeconds: 2
      containers:
        - name: app
          image: busybox
          command: ["sh", "-c"]
          args: ["echo hello; exec sleep 600"]
          resources:
            requests: {cpu: 100m, memory: 32Mi}
            limits: {memory: 64Mi}
          livenessProbe:
            exec: {command: ["true"]}
            periodSeconds: 5
            failureThreshold: 2
`;

describe("berth CLI with a running agent", { timeout: 300_000 }, () => {
  let live: LiveCluster;
  let s: TestServer;
  let dir: string;
  const run = (...args: string[]) => berth(s.url, args, { timeoutMs: 150_000 });

  before(async () => {
    live = await startLiveCluster("cli-live");
    s = live.server;
    dir = live.dir;
    writeFiles(join(dir, "app"), {
      "web-taskdef.json": shellTaskDefinition("web", "echo serving; exec sleep 600"),
      "web-service.json": {
        serviceName: "web",
        taskDefinition: "web",
        desiredCount: 2,
        deploymentConfiguration: { minimumHealthyPercent: 50, maximumPercent: 200, deploymentCircuitBreaker: { enable: true, rollback: true } },
      },
    });
    writeFiles(join(dir, "k8s"), { "hello.yaml": HELLO_DEPLOYMENT });
  });

  after(async () => {
    await live?.close();
  });

  it("apply, then rollout status succeeds; a Deployment manifest becomes a running ECS service", async () => {
    const web = (async () => {
      const applied = await run("apply", "-f", join(dir, "app"));
      assert.equal(applied.stdout, "taskdef/web:1 registered\nservice/web created\n", applied.stderr);
      const status = await run("rollout", "status", "web", "--timeout", "90s");
      assert.equal(status.code, 0, status.stderr);
      assert.match(status.stdout, /deployment ecs-svc\/\d+ completed: service web runs 2 tasks of web:1\n$/);
    })();
    const hello = (async () => {
      const applied = await run("apply", "-f", join(dir, "k8s", "hello.yaml"));
      assert.equal(applied.code, 0, applied.stderr);
      assert.equal(applied.stdout, "taskdef/hello:1 registered\nservice/hello created\n");
      assert.match(applied.stderr, /^translated 1 Kubernetes manifests: 1 task definitions, 1 services/);
      const status = await run("rollout", "status", "hello", "--timeout", "90s");
      assert.equal(status.code, 0, status.stderr);
      const again = await run("apply", "-f", join(dir, "k8s"));
      assert.equal(again.stdout, "taskdef/hello:1 unchanged\nservice/hello unchanged\n");
    })();
    await Promise.all([web, hello]);

    const svc = (await s.ecs.send(new DescribeServicesCommand({ cluster: "default", services: ["hello"] }))).services![0]!;
    assert.equal(svc.desiredCount, 2);
    assert.equal(svc.runningCount, 2);
    assert.deepEqual(
      { max: svc.deploymentConfiguration?.maximumPercent, min: svc.deploymentConfiguration?.minimumHealthyPercent },
      { max: 150, min: 100 },
      "maxSurge 1 / maxUnavailable 0 at 2 replicas",
    );
    const td = (await s.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: svc.taskDefinition! }))).taskDefinition!;
    const c = td.containerDefinitions![0]!;
    assert.equal(td.networkMode, "host");
    assert.deepEqual([c.entryPoint, c.command], [["sh", "-c"], ["echo hello; exec sleep 600"]]);
    assert.deepEqual([c.cpu, c.memory, c.memoryReservation, c.stopTimeout], [103, 64, 32, 2]);
    assert.deepEqual(c.healthCheck?.command, ["CMD", "true"]);
  });

  it("run, get tasks, describe task, logs and stop", async () => {
    const failed = await run("run", "web", "--wait", "--", "echo bye; exit 7");
    assert.equal(failed.code, 1, failed.stderr);
    assert.match(failed.stdout, /^task\/[0-9a-f]{32} STOPPED \(web:1\) on instance [0-9a-f]{32}: Essential container in task exited \(exit code 7\)\n$/);
    assert.equal(oneErrorLine(failed), "error: 1 of 1 tasks failed");

    const started = await run("run", "web");
    assert.equal(started.code, 0, started.stderr);
    const id = /^task\/([0-9a-f]{32}) started \(web:1, [A-Z]+\)$/m.exec(started.stdout)?.[1];
    assert.ok(id, started.stdout);
    const tasks = JSON.parse((await run("get", "tasks", "-a", "-o", "json")).stdout) as { tasks: { taskArn: string; group: string }[] };
    assert.ok(tasks.tasks.some((t) => t.taskArn.endsWith(id) && t.group === "family:web"));
    const [described, logs] = await Promise.all([run("describe", "task", id.slice(0, 8)), run("logs", id.slice(0, 8))]);
    assert.match(described.stdout, new RegExp(`^Task:\\s+${id}$`, "m"));
    assert.match(described.stdout, /^Containers \(1\):\n\s+NAME\s+IMAGE\s+STATUS\s+HEALTH\s+EXIT\s+REASON\n\s+app\s+busybox/m);
    // Served through the control plane (test/cli/logs.test.ts covers them); the task may not have written its line yet.
    assert.equal(logs.code, 0, logs.stderr);
    assert.match(logs.stdout, /^(serving\n)?$/);
    const stopped = await run("stop", id.slice(0, 8));
    assert.match(stopped.stdout, new RegExp(`^task/${id} stopping \\(was (PENDING|RUNNING)\\)\\n$`));
  });

  describe("in a terminal", { skip: tmuxMissing() }, () => {
    let term: Terminal;
    const env = () => ({ BERTH_ENDPOINT: s.url, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true", TERM: "xterm-256color" });
    before(() => (term = new Terminal()));
    after(() => term.close());

    it("get -w redraws the table in place when the service scales", async () => {
      const w = term.open([process.execPath, BERTH_BIN, "get", "services", "web", "-w", "--interval", "0.3"], env());
      await term.until(w, (sc) => /^web\s+ACTIVE\s+2\s+2\s/m.test(sc));
      const scaled = await run("scale", "web", "3");
      assert.equal(scaled.code, 0, scaled.stderr);
      const screens = await term.until(w, (sc) => /^web\s+ACTIVE\s+3\s+3\s/m.test(sc));
      const last = screens[screens.length - 1]!;
      assert.equal(last.match(/^NAME\s+STATUS/gm)?.length, 1, `one header, redrawn in place:\n${last}`);
      assert.equal(last.match(/^web\s/gm)?.length, 1, `one row for web:\n${last}`);
      assert.match(last, /every 0\.3s · cluster default · Ctrl-C to stop/);
    });

    it("rollout status shows the deployments live and ends with exit code 0", async () => {
      const deployed = await run("deploy", "web", "--image", "busybox:1.37");
      assert.equal(deployed.code, 0, deployed.stderr);
      const w = term.open([process.execPath, BERTH_BIN, "rollout", "status", "web", "--interval", "0.3"], env());
      const screens = await term.until(w, (sc) => /EXIT=\d+/.test(sc), 120_000);
      const last = screens[screens.length - 1]!;
      assert.match(last, /EXIT=0/, last);
      assert.equal(last.match(/Rollout of service web/g)?.length, 1, `the progress block is redrawn, not repeated:\n${last}`);
      assert.match(last, /deployment ecs-svc\/\d+ completed: service web runs 3 tasks of web:2/);
      assert.ok(
        screens.some((sc) => /ecs-svc\/\d+ \*\s+PRIMARY\s+IN_PROGRESS\s+web:2/.test(sc)),
        `the rollout was seen in progress:\n${screens.join("\n-----\n")}`,
      );
    });
  });

  describe("a service that cannot become healthy", () => {
    // A command that exits at once, no circuit breaker: the rollout never ends, and every
    // waiting command must say why (the stop reason), with the time it has waited.
    before(async () => {
      writeFiles(join(dir, "crashy"), {
        "crashy-taskdef.json": shellTaskDefinition("crashy", "echo crashing; exit 3"),
        "crashy-service.json": { serviceName: "crashy", taskDefinition: "crashy", desiredCount: 1 },
      });
      const applied = await run("apply", "-f", join(dir, "crashy"));
      assert.equal(applied.code, 0, applied.stderr);
    });
    after(async () => {
      await s.ecs.send(new DeleteServiceCommand({ cluster: "default", service: "crashy", force: true }));
    });

    it("rollout status in a pipe prints the reason with the time waited; get services shows it too", async () => {
      const status = await run("rollout", "status", "crashy", "--timeout", "4s");
      assert.equal(status.code, 5, `${status.stdout}\n${status.stderr}`);
      assert.match(status.stdout, /^(still )?waiting \(\d+s\): .*Essential container in task exited/m);
      assert.match(oneErrorLine(status), /still in progress after the --timeout \(.*; waiting: .+\)$/);
      const got = await run("get", "services", "crashy");
      assert.match(got.stdout, /^NAME\s+.*\s+WAITING\n/);
      assert.match(got.stdout, /^crashy\s+ACTIVE\s+1\s+.*IN_PROGRESS\s+\d+s\s+.*Essential container in task exited/m);
    });

    it("in a terminal, rollout status keeps one live line with the time waited and the reason", { skip: tmuxMissing() }, async () => {
      const term = new Terminal();
      try {
        const env = { BERTH_ENDPOINT: s.url, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true", TERM: "xterm-256color" };
        const w = term.open([process.execPath, BERTH_BIN, "rollout", "status", "crashy", "--interval", "0.3", "--timeout", "60s"], env);
        const screens = await term.until(w, (sc) => /^\s+[|/\\-] waiting \d+s: .*Essential container in task exited/m.test(sc));
        const last = screens[screens.length - 1]!;
        assert.equal(last.match(/ waiting \d+s: /g)?.length, 1, `one live line, rewritten in place:\n${last}`);
      } finally {
        term.close();
      }
    });
  });

  it("rollout status fails (exit 4) on a crashing revision; describe shows where the tasks died", async () => {
    writeFiles(join(dir, "crash"), {
      "web-taskdef.json": shellTaskDefinition("web", "echo crashing; exit 3"),
      "web-service.json": {
        serviceName: "web",
        taskDefinition: "web",
        deploymentConfiguration: { minimumHealthyPercent: 50, maximumPercent: 200, deploymentCircuitBreaker: { enable: true, rollback: true } },
      },
    });
    const applied = await run("apply", "-f", join(dir, "crash"));
    assert.match(applied.stdout, /^taskdef\/web:(\d+) registered\nservice\/web configured \(taskDefinition web:\d+ → web:\d+\)\n$/);
    const status = await run("rollout", "status", "web", "--timeout", "120s");
    assert.equal(status.code, 4, `${status.stdout}\n${status.stderr}`);
    assert.match(oneErrorLine(status), /^error: deployment ecs-svc\/\d+ of service web failed: ECS deployment circuit breaker: tasks failed to start; the service (is rolling|was rolled) back to web:\d+/);

    const [described, log, events] = await Promise.all([run("describe", "service", "web", "--limit", "20"), run("explain", "service", "web"), run("events", "--service", "web")]);
    const text = described.stdout;
    assert.ok(text.indexOf("Events") < text.indexOf("Deployments") && text.indexOf("Deployments") < text.indexOf("Stopped tasks"), text);
    assert.match(text, /deployment failed: tasks failed to start\./);
    assert.match(text, /reason: Essential container in task exited\n\s+container app: STOPPED, exit code 3/);
    assert.match(log.stdout, /setRolloutState: ecs-svc\/\d+ → FAILED: ECS deployment circuit breaker: tasks failed to start\./);
    assert.match(events.stdout, /web\s+\(service web\) rolling back to deployment ecs-svc\/\d+\./);
  });
});
