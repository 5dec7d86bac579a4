import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import type { CreateServiceCommandInput, RegisterTaskDefinitionCommandInput } from "@aws-sdk/client-ecs";
import { toEcs } from "./to-ecs.js";
import { toK8s, type ToK8sInput } from "./to-k8s.js";
import { formatReport, type ReportEntry } from "./report.js";
import { toYaml } from "./yaml.js";
import { ecsBounds } from "./rollout-math.js";

const TESTDATA = fileURLToPath(new URL("./testdata/", import.meta.url));
const OPTIONS = { cluster: "shop", accountId: "123456789012" };

/** ECS → Kubernetes (as YAML text, as a person would save it) → ECS. */
function roundTrip(input: ToK8sInput) {
  const k8s = toK8s(input);
  const back = toEcs(toYaml(k8s.manifests), OPTIONS);
  return { k8s, back, taskDefinition: back.taskDefinitions[0], service: back.services[0] };
}

/** Deletes a field by a path such as "taskDefinition.containerDefinitions[2].logConfiguration". */
function without<T>(doc: T, paths: readonly string[], root: string): T {
  const copy = structuredClone(doc) as Record<string, unknown>;
  for (const path of paths) {
    if (!path.startsWith(`${root}.`)) continue;
    const parts = path.slice(root.length + 1).split(/\.|(?=\[)/).map((p) => (p.startsWith("[") ? Number(p.slice(1, -1)) : p));
    let at: unknown = copy;
    for (const p of parts.slice(0, -1)) at = (at as Record<string | number, unknown>)[p];
    delete (at as Record<string | number, unknown>)[parts[parts.length - 1] as string | number];
  }
  return copy as T;
}

function has(report: readonly ReportEntry[], kind: ReportEntry["kind"], path: string, reason?: RegExp): void {
  const found = report.find((e) => e.kind === kind && e.path === path && (!reason || reason.test(e.reason)));
  assert.ok(found, `expected a report entry '${kind} ${path}'${reason ? ` matching ${reason}` : ""}; got:\n${formatReport(report)}`);
}

// ECS documents written by hand come back unchanged through Kubernetes, except the fields
// listed as unmapped, each of which the report names.
describe("ECS → Kubernetes → ECS, hand-written ECS documents", () => {
  for (const file of readdirSync(`${TESTDATA}ecs`).filter((f) => f.endsWith(".json"))) {
    it(`${file} comes back the same for everything that maps`, () => {
      const doc = JSON.parse(readFileSync(`${TESTDATA}ecs/${file}`, "utf8")) as ToK8sInput & { unmapped: string[] };
      const { k8s, taskDefinition, service } = roundTrip(doc);
      assert.deepEqual(taskDefinition, without(doc.taskDefinition, doc.unmapped, "taskDefinition"));
      assert.deepEqual(service, doc.service ? without(doc.service, doc.unmapped, "service") : undefined);
      const family = (doc.taskDefinition as RegisterTaskDefinitionCommandInput).family;
      for (const path of doc.unmapped) {
        const reported = path
          .replace(/^taskDefinition\./, `TaskDefinition/${family}.`)
          .replace(/^service\./, `Service/${doc.service?.serviceName}.`);
        has(k8s.report, "unmapped", reported);
      }
      assert.deepEqual(k8s.report.filter((e) => e.kind === "unmapped").length, doc.unmapped.length, formatReport(k8s.report));
    });
  }
});

// The ECS documents the Kubernetes corpus translates to also come back unchanged.
describe("ECS → Kubernetes → ECS, the translated corpus", () => {
  for (const file of readdirSync(TESTDATA).filter((f) => f.endsWith(".ecs.json"))) {
    it(`${file} comes back the same`, () => {
      const expected = JSON.parse(readFileSync(`${TESTDATA}${file}`, "utf8"));
      for (const td of expected.taskDefinitions as RegisterTaskDefinitionCommandInput[]) {
        const service = (expected.services as CreateServiceCommandInput[]).find((s) => s.taskDefinition === td.family);
        const r = roundTrip({ taskDefinition: td, ...(service ? { service } : {}) });
        assert.deepEqual(r.taskDefinition, td);
        assert.deepEqual(r.service, service);
      }
    });
  }
});

const aTaskDefinition = (over: Partial<RegisterTaskDefinitionCommandInput> = {}): RegisterTaskDefinitionCommandInput => ({
  family: "app",
  networkMode: "awsvpc",
  containerDefinitions: [{ name: "app", image: "registry.example.com/app:1" }],
  tags: [{ key: "app", value: "app" }],
  ...over,
});
const aService = (over: Partial<CreateServiceCommandInput> = {}): CreateServiceCommandInput => ({
  serviceName: "app",
  cluster: "shop",
  taskDefinition: "app",
  desiredCount: 4,
  schedulingStrategy: "REPLICA",
  deploymentConfiguration: { maximumPercent: 200, minimumHealthyPercent: 100 },
  propagateTags: "TASK_DEFINITION",
  ...over,
});

describe("toK8s: rollout percents", () => {
  it("writes mirror percents when Kubernetes' rounding agrees", () => {
    const { k8s } = roundTrip({ taskDefinition: aTaskDefinition(), service: aService({ deploymentConfiguration: { maximumPercent: 200, minimumHealthyPercent: 50 } }) });
    const deployment = k8s.manifests.find((m) => m.kind === "Deployment") as { spec: { strategy: unknown } };
    assert.deepEqual(deployment.spec.strategy, { type: "RollingUpdate", rollingUpdate: { maxSurge: "100%", maxUnavailable: "50%" } });
  });

  it("keeps every ECS percent through the trip, or reports why not (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 100, max: 300 }), fc.integer({ min: 0, max: 100 }), (desired, maxP, minP) => {
        const deploymentConfiguration = { maximumPercent: maxP, minimumHealthyPercent: minP };
        const { k8s, service } = roundTrip({ taskDefinition: aTaskDefinition(), service: aService({ desiredCount: desired, deploymentConfiguration }) });
        const ecs = ecsBounds(desired, maxP, minP);
        const stuck = desired > 0 && ecs.maxTotal === desired && ecs.minHealthy === desired;
        if (stuck) {
          has(k8s.report, "approximated", "Service/app.deploymentConfiguration", /can neither start nor stop/);
        } else {
          assert.deepEqual(service?.deploymentConfiguration, deploymentConfiguration);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("mirrors a DAEMON minimumHealthyPercent as a DaemonSet maxUnavailable", () => {
    const { k8s, service } = roundTrip({
      taskDefinition: aTaskDefinition(),
      service: aService({ schedulingStrategy: "DAEMON", desiredCount: undefined, deploymentConfiguration: { maximumPercent: 100, minimumHealthyPercent: 0 } }),
    });
    const ds = k8s.manifests.find((m) => m.kind === "DaemonSet") as { spec: { updateStrategy: unknown } };
    assert.deepEqual(ds.spec.updateStrategy, { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "100%" } });
    assert.deepEqual(service?.deploymentConfiguration, { maximumPercent: 100, minimumHealthyPercent: 0 });
  });
});

describe("toK8s: fields", () => {
  it("reports no empty field of describe-task-definition's output ([] and {} set nothing)", () => {
    const td = aTaskDefinition({
      volumes: [],
      placementConstraints: [],
      containerDefinitions: [{ name: "app", image: "x", portMappings: [], environment: [], mountPoints: [], volumesFrom: [], ulimits: [] }],
    });
    const { k8s } = roundTrip({ taskDefinition: td, service: aService({ loadBalancers: [], placementStrategy: [], serviceRegistries: [] }) });
    assert.deepEqual(k8s.report.filter((e) => e.kind === "unmapped").map((e) => e.path), []);
  });

  it("turns CMD-SHELL into /bin/sh -c and back", () => {
    const td = aTaskDefinition({
      containerDefinitions: [{ name: "app", image: "x", healthCheck: { command: ["CMD-SHELL", "curl -f localhost || exit 1"], interval: 30, timeout: 5, retries: 3 } }],
    });
    const { k8s, taskDefinition } = roundTrip({ taskDefinition: td, service: aService() });
    const pod = (k8s.manifests.find((m) => m.kind === "Deployment") as { spec: { template: { spec: { containers: { livenessProbe: unknown }[] } } } }).spec.template.spec;
    assert.deepEqual(pod.containers[0]?.livenessProbe, {
      exec: { command: ["/bin/sh", "-c", "curl -f localhost || exit 1"] }, periodSeconds: 30, timeoutSeconds: 5, failureThreshold: 3,
    });
    assert.deepEqual(taskDefinition, td);
  });

  it("reports CPU units Kubernetes cannot express, and says whether they come back", () => {
    const td = aTaskDefinition({ containerDefinitions: [{ name: "app", image: "x", cpu: 100 }, { name: "b", image: "x", cpu: 1 }] });
    const { k8s, taskDefinition } = roundTrip({ taskDefinition: td, service: aService() });
    has(k8s.report, "approximated", "TaskDefinition/app.containerDefinitions[0].cpu", /97m \(which comes back as the same units\)/);
    has(k8s.report, "approximated", "TaskDefinition/app.containerDefinitions[1].cpu", /comes back as 0 units/);
    assert.equal(taskDefinition?.containerDefinitions?.[0]?.cpu, 100);
  });

  it("reports strategies and constraints Kubernetes has no per-workload form for", () => {
    const { k8s } = roundTrip({
      taskDefinition: aTaskDefinition(),
      service: aService({
        placementStrategy: [{ type: "binpack", field: "memory" }],
        placementConstraints: [{ type: "memberOf", expression: "attribute:ecs.instance-type =~ t3.*" }],
      }),
    });
    has(k8s.report, "unmapped", "Service/app.placementStrategy[0]", /MostAllocated/);
    has(k8s.report, "unmapped", "TaskDefinition/app.service.placementConstraints[0].expression", /no node-label counterpart/);
  });

  it("moves a service's memberOf into the pod spec and says it returns on the task definition", () => {
    const expression = "attribute:stack == prod";
    const { k8s, taskDefinition } = roundTrip({ taskDefinition: aTaskDefinition(), service: aService({ placementConstraints: [{ type: "memberOf", expression }] }) });
    has(k8s.report, "approximated", "TaskDefinition/app.service.placementConstraints[0]", /comes back as the task definition's/);
    assert.deepEqual(taskDefinition?.placementConstraints, [{ type: "memberOf", expression }]);
  });

  it("orders init containers as Kubernetes does and reports other orders", () => {
    const td = aTaskDefinition({
      containerDefinitions: [
        { name: "a", image: "x", essential: false },
        { name: "b", image: "x", essential: false },
        { name: "app", image: "x", dependsOn: [{ containerName: "a", condition: "SUCCESS" }, { containerName: "b", condition: "SUCCESS" }] },
      ],
    });
    const { k8s } = roundTrip({ taskDefinition: td, service: aService() });
    const spec = (k8s.manifests.find((m) => m.kind === "Deployment") as { spec: { template: { spec: { initContainers: { name: string }[] } } } }).spec.template.spec;
    assert.deepEqual(spec.initContainers.map((c) => c.name), ["a", "b"]);
    has(k8s.report, "approximated", "TaskDefinition/app.containerDefinitions[2].dependsOn", /one at a time/);
  });

  it("ignores the output-only fields of described resources", () => {
    const td = { ...aTaskDefinition(), taskDefinitionArn: "arn:aws:ecs:us-east-1:123456789012:task-definition/app:3", revision: 3, status: "ACTIVE" };
    const svc = { ...aService(), serviceArn: "arn:aws:ecs:us-east-1:123456789012:service/shop/app", runningCount: 4, events: [] };
    const { k8s } = roundTrip({ taskDefinition: td, service: svc } as ToK8sInput);
    assert.deepEqual(k8s.report.filter((e) => e.kind === "unmapped"), []);
  });

  it("writes a bare Pod for a task definition without a service", () => {
    const { k8s } = roundTrip({ taskDefinition: aTaskDefinition() });
    assert.deepEqual(k8s.manifests.map((m) => m.kind), ["Pod"]);
  });
});
