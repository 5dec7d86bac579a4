import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { toEcs } from "./to-ecs.js";
import { formatReport, type ReportEntry } from "./report.js";

const TESTDATA = fileURLToPath(new URL("./testdata/", import.meta.url));
const OPTIONS = { cluster: "shop", accountId: "123456789012" };

function translate(file: string) {
  return toEcs(readFileSync(`${TESTDATA}${file}`, "utf8"), OPTIONS);
}

function has(report: readonly ReportEntry[], kind: ReportEntry["kind"], path: string, reason?: RegExp): void {
  const found = report.find((e) => e.kind === kind && e.path === path && (!reason || reason.test(e.reason)));
  assert.ok(found, `expected a report entry '${kind} ${path}'${reason ? ` matching ${reason}` : ""}; got:\n${formatReport(report)}`);
}

// Each manifest in testdata/*.yaml translates to the ECS documents in testdata/*.ecs.json, and
// reports the same fields (kind and path; the reasons are checked below, where they matter).
describe("toEcs corpus", () => {
  for (const yaml of readdirSync(TESTDATA).filter((f) => f.endsWith(".yaml"))) {
    it(`${yaml} translates to ${yaml.replace(/\.yaml$/, ".ecs.json")}`, () => {
      const expected = JSON.parse(readFileSync(`${TESTDATA}${yaml.replace(/\.yaml$/, ".ecs.json")}`, "utf8"));
      const got = translate(yaml);
      assert.deepEqual(got.taskDefinitions, expected.taskDefinitions);
      assert.deepEqual(got.services, expected.services);
      assert.deepEqual(got.loadBalancers, expected.loadBalancers);
      assert.deepEqual(got.report.map((e) => `${e.kind} ${e.path}`), expected.report);
    });
  }
});

describe("toEcs: a web Deployment with percents and probes", () => {
  const r = translate("web-percent.yaml");
  const td = r.taskDefinitions[0];
  const c = td?.containerDefinitions?.[0];

  it("turns maxSurge 50% at 3 replicas into the maximumPercent that allows the same 5 tasks", () => {
    assert.deepEqual(r.services[0]?.deploymentConfiguration, { maximumPercent: 167, minimumHealthyPercent: 100 });
    has(r.report, "info", "Deployment/web.spec.strategy.rollingUpdate.maxSurge", /allows 5 pods in total; maximumPercent 167/);
  });
  it("swaps the words: command → entryPoint, args → command", () => {
    assert.deepEqual(c?.entryPoint, ["/usr/local/bin/shop"]);
    assert.deepEqual(c?.command, ["serve", "--port=8080"]);
  });
  it("reads a Secret key from Secrets Manager and copies given ConfigMap values, env winning over envFrom", () => {
    assert.deepEqual(c?.secrets, [
      { name: "DATABASE_URL", valueFrom: "arn:aws:secretsmanager:us-east-1:123456789012:secret:web-secrets:DATABASE_URL::" },
    ]);
    assert.deepEqual(c?.environment?.map((e) => e.name), ["CFG_LOG_LEVEL", "CFG_FEATURE_FLAGS", "PORT", "LOG_LEVEL"]);
  });
  it("makes the exec liveness probe the health check, and the httpGet readiness probe the target group's", () => {
    assert.deepEqual(c?.healthCheck, { command: ["CMD", "/usr/local/bin/shop", "health"], interval: 15, timeout: 3, retries: 4, startPeriod: 10 });
    assert.deepEqual(r.loadBalancers[0]?.healthCheck, {
      protocol: "HTTP", path: "/healthz", port: 8080, intervalSeconds: 10, timeoutSeconds: 2, healthyThresholdCount: 2, unhealthyThresholdCount: 3,
    });
    has(r.report, "approximated", "Deployment/web.spec.template.spec.containers[0].readinessProbe", /target group health check/);
  });
  it("uses the IRSA role of the ServiceAccount as the task role, and the grace period as stopTimeout", () => {
    assert.equal(td?.taskRoleArn, "arn:aws:iam::123456789012:role/web-app");
    assert.equal(c?.stopTimeout, 45);
  });
  it("converts quantities: 250m → 256 units, 512Mi hard, 256Mi soft, limits summed at task level", () => {
    assert.equal(c?.cpu, 256);
    assert.equal(c?.memory, 512);
    assert.equal(c?.memoryReservation, 256);
    assert.equal(td?.cpu, "512");
  });
  it("wires the LoadBalancer Service's named targetPort to the container port", () => {
    assert.deepEqual(
      { ...r.loadBalancers[0], healthCheck: undefined },
      { source: "Service/web", serviceType: "LoadBalancer", ecsService: "web", containerName: "web", containerPort: 8080, port: 80, protocol: "tcp", portName: "http", healthCheck: undefined },
    );
  });
});

describe("toEcs: absolute rollout numbers, init containers and sidecars", () => {
  const r = translate("api-absolute.yaml");
  const defs = r.taskDefinitions[0]?.containerDefinitions ?? [];

  it("converts maxSurge 2 / maxUnavailable 1 at 10 replicas to 120 / 90", () => {
    assert.deepEqual(r.services[0]?.deploymentConfiguration, { maximumPercent: 120, minimumHealthyPercent: 90 });
  });
  it("chains init containers with dependsOn SUCCESS and sidecars with START", () => {
    assert.deepEqual(defs.map((d) => [d.name, d.essential, d.dependsOn]), [
      ["migrate", false, undefined],
      ["log-router", false, [{ containerName: "migrate", condition: "SUCCESS" }]],
      ["api", undefined, [{ containerName: "log-router", condition: "START" }]],
    ]);
    has(r.report, "approximated", "Deployment/orders-api.spec.template.spec.initContainers[0]", /dependsOn SUCCESS/);
  });
  it("folds a startup probe into startPeriod and reports the readiness-only check", () => {
    assert.equal(defs[2]?.healthCheck?.startPeriod, 60);
    assert.deepEqual(defs[2]?.healthCheck?.command, ["CMD-SHELL", "grpc_health_probe -addr=:9000"]);
    has(r.report, "approximated", "Deployment/orders-api.spec.template.spec.containers[0].readinessProbe.timeoutSeconds", /Kubernetes' default/);
  });
  it("reports the downward API and the pull policy as not translated", () => {
    has(r.report, "unmapped", "Deployment/orders-api.spec.template.spec.containers[0].env[1].valueFrom.fieldRef");
    has(r.report, "unmapped", "Deployment/orders-api.spec.template.spec.containers[0].imagePullPolicy");
  });
});

describe("toEcs: a DaemonSet", () => {
  const r = translate("daemonset.yaml");
  it("becomes a DAEMON service whose minimumHealthyPercent mirrors maxUnavailable", () => {
    const s = r.services[0];
    assert.equal(s?.schedulingStrategy, "DAEMON");
    assert.equal(s?.desiredCount, undefined);
    assert.deepEqual(s?.deploymentConfiguration, { maximumPercent: 100, minimumHealthyPercent: 90 });
  });
  it("keeps host networking, the host PID namespace, host paths and the node selector", () => {
    const td = r.taskDefinitions[0];
    assert.equal(td?.networkMode, "host");
    assert.equal(td?.pidMode, "host");
    assert.deepEqual(td?.placementConstraints, [{ type: "memberOf", expression: "attribute:ecs.os-type == linux" }]);
    assert.deepEqual(td?.containerDefinitions?.[0]?.portMappings, [{ containerPort: 9100, name: "metrics", hostPort: 9100 }]);
    has(r.report, "unmapped", "DaemonSet/node-exporter.spec.template.spec.tolerations");
  });
  it("needs the node count for an absolute maxUnavailable", () => {
    const yaml = readFileSync(`${TESTDATA}daemonset.yaml`, "utf8").replace("maxUnavailable: 10%", "maxUnavailable: 2");
    assert.equal(toEcs(yaml, { nodeCount: 8 }).services[0]?.deploymentConfiguration?.minimumHealthyPercent, 75);
    const without = toEcs(yaml);
    assert.equal(without.services[0]?.deploymentConfiguration?.minimumHealthyPercent, 0);
    has(without.report, "approximated", "DaemonSet/node-exporter.spec.updateStrategy.rollingUpdate.maxUnavailable", /pass nodeCount/);
  });
});

describe("toEcs: node affinity, topology spread and anti-affinity", () => {
  const r = translate("worker-placement.yaml");
  it("writes nodeSelector and required node affinity as memberOf constraints", () => {
    assert.deepEqual(r.taskDefinitions[0]?.placementConstraints, [
      { type: "memberOf", expression: "attribute:ecs.cpu-architecture == arm64 and attribute:workload-class == batch" },
      {
        type: "memberOf",
        expression: "(attribute:ecs.instance-type in [m7g.large, m7g.xlarge] and attribute:spot !exists) or attribute:ecs.availability-zone == us-east-1a",
      },
    ]);
  });
  it("spreads by zone then instance, and keeps copies on distinct instances", () => {
    const s = r.services[0];
    assert.deepEqual(s?.placementStrategy, [
      { type: "spread", field: "attribute:ecs.availability-zone" },
      { type: "spread", field: "instanceId" },
    ]);
    assert.deepEqual(s?.placementConstraints, [{ type: "distinctInstance" }]);
    has(r.report, "approximated", "Deployment/worker.spec.template.spec.topologySpreadConstraints[1].whenUnsatisfiable", /DoNotSchedule/);
    has(r.report, "unmapped", "Deployment/worker.spec.template.spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution");
  });
  it("uses 134 for the default 25% surge at 6 replicas (3 + ceil(1.5) = 8 = floor(6 × 1.34))", () => {
    assert.deepEqual(r.services[0]?.deploymentConfiguration, { maximumPercent: 134, minimumHealthyPercent: 75 });
  });
  it("reports $(VAR) expansion, which ECS does not do", () => {
    has(r.report, "approximated", "Deployment/worker.spec.template.spec.containers[0].args", /\$\(VAR\)/);
  });
});

describe("toEcs: input handling", () => {
  it("opens List objects and skips empty documents", () => {
    const list = { apiVersion: "v1", kind: "List", items: [{ apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, spec: { containers: [{ name: "c", image: "busybox" }] } }] };
    assert.equal(toEcs([list]).taskDefinitions[0]?.family, "p");
    assert.equal(toEcs("---\n---\n").taskDefinitions.length, 0);
  });
  it("throws on broken YAML, naming the document", () => {
    assert.throws(() => toEcs("kind: Pod\n---\nkind: [unclosed\n"), /Invalid YAML in document #2/);
  });
  it("reports kinds it does not translate, and bad quantities, instead of throwing", () => {
    const r = toEcs([
      { apiVersion: "batch/v1", kind: "CronJob", metadata: { name: "c" } },
      { apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, spec: { containers: [{ name: "c", image: "x", resources: { requests: { cpu: "lots" } } }] } },
    ]);
    has(r.report, "unmapped", "CronJob/c", /EventBridge Scheduler/);
    has(r.report, "unmapped", "Pod/p.spec.containers[0].resources.requests.cpu", /Invalid quantity 'lots'/);
  });
  it("makes names ECS accepts", () => {
    const r = toEcs([{ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web.v2" }, spec: { template: { spec: { containers: [{ name: "c", image: "x" }] } } } }]);
    assert.equal(r.services[0]?.serviceName, "web-v2");
    has(r.report, "approximated", "Deployment/web.v2.metadata.name");
  });
  it("reports every field it does not know, never dropping one silently", () => {
    const r = toEcs([
      { apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, spec: { priorityClassName: "high", futureField: 1, containers: [{ name: "c", image: "x", somethingNew: true }] } },
    ]);
    has(r.report, "unmapped", "Pod/p.spec.priorityClassName", /priorities/);
    has(r.report, "unmapped", "Pod/p.spec.futureField");
    has(r.report, "unmapped", "Pod/p.spec.containers[0].somethingNew");
  });
  it("reports no empty field: [], {} and null set nothing, so nothing is lost", () => {
    // As `kubectl create deployment --dry-run=client -o yaml` writes them.
    const r = toEcs([
      {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "web", creationTimestamp: null },
        spec: {
          selector: { matchLabels: { app: "web" } },
          strategy: {},
          template: {
            metadata: { labels: { app: "web" }, creationTimestamp: null },
            spec: { tolerations: [], volumes: [], securityContext: {}, containers: [{ name: "c", image: "x", resources: {}, ports: [], securityContext: {}, lifecycle: { postStart: {} } }] },
          },
        },
        status: {},
      },
    ]);
    assert.deepEqual(r.report.filter((e) => e.kind === "unmapped").map((e) => e.path), []);
  });
});
