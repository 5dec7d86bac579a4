// The CLI as a subprocess against a real control plane (no agent: services exist, tasks wait
// for capacity). Output and exit codes of each command, -o json/yaml parsed back, apply twice
// changing nothing, and the error lines.
import { CreateClusterCommand, DescribeServicesCommand, ListTaskDefinitionsCommand } from "@aws-sdk/client-ecs";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parse as parseYaml } from "yaml";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { berth, oneErrorLine, shellTaskDefinition, writeFiles } from "./harness.js";

describe("berth CLI against a control plane", { timeout: 240_000 }, () => {
  let s: TestServer;
  let dir: string;
  const run = (...args: string[]) => berth(s.url, args);

  before(async () => {
    s = await startTestServer();
    await s.ecs.send(new CreateClusterCommand({ clusterName: "default" }));
    dir = mkdtempSync(join(tmpdir(), "berth-cli-"));
    writeFiles(join(dir, "app"), {
      "web-taskdef.json": shellTaskDefinition("web", "exec sleep 600"),
      "web-service.json": { serviceName: "web", taskDefinition: "web", desiredCount: 2, deploymentConfiguration: { minimumHealthyPercent: 50, maximumPercent: 200 } },
      "notes.txt": "not a document",
    });
  });
  after(async () => {
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("apply creates, a second apply changes nothing, a changed file updates", async () => {
    const first = await run("apply", "-f", join(dir, "app"));
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout, "taskdef/web:1 registered\nservice/web created\n");

    const second = await run("apply", "-f", join(dir, "app"));
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.stdout, "taskdef/web:1 unchanged\nservice/web unchanged\n");
    const revisions = await s.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: "web" }));
    assert.equal(revisions.taskDefinitionArns?.length, 1);
    const svc = (await s.ecs.send(new DescribeServicesCommand({ cluster: "default", services: ["web"] }))).services![0]!;
    assert.equal(svc.deployments?.length, 1, "no new deployment");

    writeFiles(join(dir, "app"), {
      "web-service.json": { serviceName: "web", taskDefinition: "web", desiredCount: 3, deploymentConfiguration: { minimumHealthyPercent: 50, maximumPercent: 200 } },
    });
    const dry = await run("apply", "-f", join(dir, "app"), "--dry-run");
    assert.equal(dry.stdout, "taskdef/web:1 unchanged\nservice/web would be configured (desiredCount 2 → 3)\n");
    const third = await run("apply", "-f", join(dir, "app", "web-service.json"));
    assert.equal(third.stdout, "service/web configured (desiredCount 2 → 3)\n");
  });

  it("get lists as tables, and -o json / yaml / name give the API's objects back", async () => {
    const [table, json, yaml, name, wide, clusters, taskdefs, deployments] = await Promise.all([
      run("get", "services"),
      run("get", "services", "-o", "json"),
      run("get", "svc", "web", "-o", "yaml"),
      run("get", "services", "-o", "name"),
      run("get", "services", "-o", "wide"),
      run("get", "clusters", "-o", "json"),
      run("get", "taskdefs", "web"),
      run("get", "deployments"),
    ]);
    for (const r of [table, json, yaml, name, wide, clusters, taskdefs, deployments]) assert.equal(r.code, 0, r.stderr);
    const [header, row] = table.stdout.trimEnd().split("\n");
    assert.match(header!, /^NAME\s+STATUS\s+DESIRED\s+RUNNING\s+PENDING\s+TASK DEFINITION\s+ROLLOUT\s+AGE\s+WAITING$/);
    // No agent: the service waits for an instance, and its row says so.
    assert.match(row!, /^web\s+ACTIVE\s+3\s+0\s+0\s+web:1\s+IN_PROGRESS\s+\d+s\s+cannot place a task: no container instance met all of its requirements$/);
    const parsed = JSON.parse(json.stdout) as { services: { serviceName: string; desiredCount: number; serviceArn: string }[] };
    assert.equal(parsed.services[0]!.serviceName, "web");
    assert.equal(parsed.services[0]!.desiredCount, 3);
    assert.match(parsed.services[0]!.serviceArn, /^arn:aws:ecs:us-east-1:000000000000:service\/default\/web$/);
    assert.equal((parseYaml(yaml.stdout) as { services: { serviceName: string }[] }).services[0]!.serviceName, "web");
    assert.equal(name.stdout, "service/web\n");
    assert.match(wide.stdout.split("\n")[0]!, /DEPLOYMENTS\s+TYPE\s+LAUNCH TYPE\s+AGE\s+ARN\s+WAITING$/);
    assert.equal((JSON.parse(clusters.stdout) as { clusters: { clusterName: string }[] }).clusters[0]!.clusterName, "default");
    // CPU and MEMORY set per container only: their sum, marked.
    assert.match(taskdefs.stdout, /^web:1\s+ACTIVE\s+app\s+busybox\s+64 \(sum\)\s+32 \(sum\)\s+bridge/m);
    assert.match(deployments.stdout, /^web\s+ecs-svc\/\d+\s+PRIMARY\s+IN_PROGRESS\s+web:1\s+3\s+0\s+0\s+0/m);
  });

  it("rollout status in a pipe says what it waits for, and its --timeout error repeats it", async () => {
    const r = await run("rollout", "status", "web", "--timeout", "2s");
    assert.equal(r.code, 5, r.stderr);
    assert.match(r.stdout, /^ecs-svc\/\d+ IN_PROGRESS \(web:1\): 0 of 3 running, 0 pending, 0 failed\nwaiting \(\d+s\): cannot place a task: no container instance met all of its requirements\n/);
    assert.match(oneErrorLine(r), /still in progress after the --timeout \(.*; waiting: cannot place a task: no container instance met all of its requirements\)$/);
  });

  it("describe shows a service as events, deployments, tasks; a taskdef in full", async () => {
    const [svc, td, tdJson] = await Promise.all([run("describe", "service", "web"), run("describe", "taskdef", "web:1"), run("describe", "td", "web", "-o", "json")]);
    assert.equal(svc.code, 0, svc.stderr);
    const at = (h: string) => svc.stdout.indexOf(h);
    assert.ok(at("Service:") < at("Events") && at("Events") < at("Deployments") && at("Deployments") < at("Tasks"), svc.stdout);
    assert.match(svc.stdout, /Scheduling:\s+REPLICA, rolling update: minimumHealthyPercent 50, maximumPercent 200/);
    assert.match(td.stdout, /Task definition: web:1/);
    assert.match(td.stdout, /command:\s+\["exec sleep 600"\]/);
    assert.match(td.stdout, /healthCheck:\s+\["CMD-SHELL","true"\] every 5s, timeout 2s, 2 retries/);
    assert.equal((JSON.parse(tdJson.stdout) as { taskDefinition: { revision: number } }).taskDefinition.revision, 1);
  });

  it("scale, deploy a new image, rollout undo", async () => {
    const scaled = await run("scale", "web", "1");
    assert.equal(scaled.stdout, "service/web scaled: desired count 3 → 1\n");
    const deployed = await run("deploy", "web", "--image", "busybox:1.37");
    assert.equal(deployed.code, 0, deployed.stderr);
    assert.match(deployed.stdout, /^taskdef\/web:2 registered \(container app: busybox → busybox:1\.37\)\nservice\/web deploying web:2 as ecs-svc\/\d+\n/);
    const svc = (await s.ecs.send(new DescribeServicesCommand({ cluster: "default", services: ["web"] }))).services![0]!;
    assert.match(svc.taskDefinition!, /web:2$/);
    const undo = await run("rollout", "undo", "web");
    assert.equal(undo.code, 0, undo.stderr);
    assert.match(undo.stdout, /^service\/web rolled back: web:2 → web:1 \(deployment ecs-svc\/\d+\)/);
  });

  it("explain: the decision log of a service, and dictionary entries", async () => {
    const [log, logJson, term, unknown, both] = await Promise.all([
      run("explain", "service", "web"),
      run("explain", "service", "web", "-o", "json"),
      run("explain", "maxSurge"),
      run("explain", "flux-capacitor"),
      run("explain", "service"),
    ]);
    assert.equal(log.code, 0, log.stderr);
    assert.match(log.stdout, /^Decision log of service web \(cluster default\), oldest first: \d+ pass/);
    assert.match(log.stdout, /bounds {2}desired \d+ · healthy \d+, keep at least \d+ \(minimumHealthyPercent 50\)/);
    const parsed = JSON.parse(logJson.stdout) as { serviceArn: string; decisions: { at: number; bounds: { maximumPercent: number } }[] };
    assert.ok(parsed.decisions.length > 0);
    assert.equal(parsed.decisions[0]!.bounds.maximumPercent, 200);
    assert.equal(term.code, 0);
    assert.match(term.stdout, /maxSurge/);
    assert.match(term.stdout, /maximumPercent/);
    assert.equal(unknown.code, 1);
    assert.equal(oneErrorLine(unknown), "error: no dictionary entry for 'flux-capacitor'; 'berth explain' lists every term");
    assert.match(both.stdout, /One word, two different things/, "one word is the dictionary, even 'service'");
  });

  it("events, logs and run say what there is", async () => {
    const events = await run("events");
    assert.equal(events.code, 0, events.stderr);
    assert.match(events.stdout, /^TIME\s+AGE\s+SERVICE\s+MESSAGE$/m);
    assert.match(events.stdout, /web\s+\(service web\)/);
    const ran = await run("--cluster", "default", "run", "web");
    assert.equal(ran.code, 1, "no instance can take it");
    assert.equal(oneErrorLine(ran), "error: No Container Instances were found in your cluster. (InvalidParameterException)");
  });

  it("translate: a Deployment to ECS JSON and back to a Deployment", async () => {
    writeFiles(join(dir, "k8s"), {
      "web.yaml": `apiVersion: apps/v1
kind: Deployment
metadata: {name: shop}
spec:
  replicas: 4
  selector: {matchLabels: {app: shop}}
  strategy: {rollingUpdate: {maxSurge: 25%, maxUnavailable: 25%}}
  template:
    metadata: {labels: {app: shop}}
    spec:
      initContainers: [{name: init, image: busybox}]
      containers: [{name: app, image: nginx:1.27, resources: {limits: {memory: 128Mi}}}]
`,
    });
    const toEcs = await run("translate", "-f", join(dir, "k8s", "web.yaml"));
    assert.equal(toEcs.code, 0, toEcs.stderr);
    const ecs = JSON.parse(toEcs.stdout) as { taskDefinitions: { family: string }[]; services: { desiredCount: number; deploymentConfiguration: object }[] };
    assert.equal(ecs.taskDefinitions[0]!.family, "shop");
    assert.equal(ecs.services[0]!.desiredCount, 4);
    assert.deepEqual(ecs.services[0]!.deploymentConfiguration, { maximumPercent: 125, minimumHealthyPercent: 75 });
    assert.match(toEcs.stderr, /initContainers/, "the report names what did not map");
    writeFiles(join(dir, "ecs"), { "shop.json": toEcs.stdout });
    const back = await run("translate", "-f", join(dir, "ecs", "shop.json"), "--to", "k8s");
    assert.equal(back.code, 0, back.stderr);
    const docs = back.stdout.split(/^---$/m).map((d) => parseYaml(d) as { kind: string; spec?: { replicas?: number } });
    const deployment = docs.find((d) => d.kind === "Deployment");
    assert.equal(deployment?.spec?.replicas, 4);
  });

  it("errors are one line with a documented exit code", async () => {
    const [unreachable, unknownService, unknownKind, badFlag, badFile, unknownCluster] = await Promise.all([
      berth("http://127.0.0.1:1", ["get", "services"]),
      run("describe", "service", "nope"),
      run("get", "pods"),
      run("get", "services", "--frobnicate"),
      run("apply", "-f", join(dir, "missing.json")),
      run("get", "services", "--cluster", "nowhere"),
    ]);
    assert.equal(unreachable.code, 3);
    assert.match(oneErrorLine(unreachable), /^error: cannot reach berth at http:\/\/127\.0\.0\.1:1 \(connection refused\); start it with 'berth up'/);
    assert.equal(unknownService.code, 1);
    assert.equal(oneErrorLine(unknownService), "error: service 'nope' not found in cluster 'default'; list services with 'berth get services --cluster default'");
    assert.equal(unknownKind.code, 2);
    assert.match(oneErrorLine(unknownKind), /^error: unknown resource type 'pods'; a pod is an ECS task: berth get tasks;/);
    assert.equal(badFlag.code, 2);
    assert.match(badFlag.stderr, /^error: unknown option '--frobnicate'\n\(see 'berth get --help'\)\n$/);
    assert.equal(badFile.code, 2);
    assert.match(oneErrorLine(badFile), /^error: -f .*missing\.json: no such file or directory$/);
    assert.equal(unknownCluster.code, 1);
    assert.match(oneErrorLine(unknownCluster), /^error: cluster 'nowhere' not found \(ClusterNotFoundException\)/);
  });

  it("delete removes a service and deregisters a revision", async () => {
    const del = await run("delete", "service", "web");
    assert.equal(del.code, 0, del.stderr);
    assert.match(del.stdout, /^service\/web deleted \(DRAINING/);
    const td = await run("delete", "taskdef", "web:2");
    assert.equal(td.stdout, "taskdef/web:2 deregistered (INACTIVE: running tasks keep it, no new ones use it)\n");
    const again = await run("get", "services");
    assert.equal(again.stdout, "No services found.\n");
  });
});
