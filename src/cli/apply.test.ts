import type { Service } from "@aws-sdk/client-ecs";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { canonicalJson, planServiceUpdate, subsetEqual, taskDefinitionDigest } from "./apply-diff.js";
import { toEcsDocuments } from "./apply-command.js";
import { classify, parseText } from "./apply-documents.js";
import { APPLIED_TAG, registerInputFrom, withImage } from "./taskdef-input.js";

const td = { family: "web", containerDefinitions: [{ name: "app", image: "busybox", memory: 32 }] };

describe("classify", () => {
  it("tells task definitions, services, clusters and manifests apart", () => {
    const docs = classify(
      [td, { serviceName: "web", taskDefinition: "web" }, { clusterName: "c" }, { apiVersion: "apps/v1", kind: "Deployment" }],
      "f.json",
    );
    assert.deepEqual(
      docs.map((d) => d.kind),
      ["taskdef", "service", "cluster", "k8s"],
    );
  });
  it("opens translate's output and describe-task-definition's, dropping output-only fields", () => {
    const bundle = classify({ taskDefinitions: [td], services: [{ serviceName: "web" }], report: [] }, "b.json");
    assert.deepEqual(bundle.map((d) => d.kind), ["taskdef", "service"]);
    const described = classify(
      { taskDefinition: { ...td, revision: 3, status: "ACTIVE", taskDefinitionArn: "arn:x", registeredAt: 1 }, tags: [{ key: "a", value: "b" }] },
      "d.json",
    );
    assert.equal(described[0]!.kind, "taskdef");
    assert.deepEqual((described[0] as { input: object }).input, { ...td, tags: [{ key: "a", value: "b" }] });
  });
  it("names the file and the keys it found when it cannot tell", () => {
    assert.throws(() => classify({ foo: 1, bar: 2 }, "x.json"), /x\.json: cannot tell what this is;.*found keys foo, bar/);
  });
});

describe("parseText", () => {
  it("reads JSON, and YAML streams of several documents", () => {
    assert.equal(parseText(JSON.stringify(td), "a.json").length, 1);
    const yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: b}\n";
    const docs = parseText(yaml, "k.yaml");
    assert.deepEqual(docs.map((d) => d.source), ["k.yaml#1", "k.yaml#2"]);
  });
  it("says where JSON is broken", () => {
    assert.throws(() => parseText('{"family": ', "bad.json"), /bad\.json:1:11: not valid JSON/);
  });
});

describe("taskDefinitionDigest", () => {
  it("ignores key order and apply's own tag, and sees every other change", () => {
    const a = taskDefinitionDigest({ family: "web", containerDefinitions: [{ name: "app", image: "x" }] });
    const b = taskDefinitionDigest({ containerDefinitions: [{ image: "x", name: "app" }], family: "web", tags: [{ key: APPLIED_TAG, value: "old" }] });
    const c = taskDefinitionDigest({ family: "web", containerDefinitions: [{ name: "app", image: "y" }] });
    assert.equal(a, b);
    assert.notEqual(a, c);
    assert.equal(canonicalJson({ b: 1, a: [2, { d: 3, c: undefined }] }), '{"a":[2,{"d":3}],"b":1}');
  });
});

describe("subsetEqual", () => {
  it("is true when every field the document gives matches", () => {
    assert.ok(subsetEqual({ maximumPercent: 200 }, { maximumPercent: 200, minimumHealthyPercent: 100 }));
    assert.ok(!subsetEqual({ maximumPercent: 150 }, { maximumPercent: 200 }));
    assert.ok(!subsetEqual([{ type: "spread" }], []));
    assert.ok(subsetEqual(undefined, 3));
  });
});

describe("planServiceUpdate", () => {
  const current: Service = {
    serviceName: "web",
    taskDefinition: "arn:aws:ecs:us-east-1:0:task-definition/web:1",
    desiredCount: 2,
    schedulingStrategy: "REPLICA",
    launchType: "EC2",
    deploymentConfiguration: { maximumPercent: 200, minimumHealthyPercent: 100, deploymentCircuitBreaker: { enable: false, rollback: false } },
  };
  it("changes nothing when the document matches, ECS's defaults included", () => {
    const plan = planServiceUpdate(
      { serviceName: "web", taskDefinition: "web", desiredCount: 2, deploymentConfiguration: { maximumPercent: 200 } },
      current,
      "default",
      current.taskDefinition,
    );
    assert.deepEqual(plan, { changes: [], fixed: [] });
  });
  it("updates only what differs, and says what", () => {
    const plan = planServiceUpdate(
      { serviceName: "web", desiredCount: 3, deploymentConfiguration: { maximumPercent: 150 } },
      current,
      "default",
      "arn:aws:ecs:us-east-1:0:task-definition/web:2",
    );
    assert.deepEqual(plan.update, {
      cluster: "default",
      service: "web",
      taskDefinition: "arn:aws:ecs:us-east-1:0:task-definition/web:2",
      desiredCount: 3,
      deploymentConfiguration: { maximumPercent: 150 },
    });
    assert.deepEqual(plan.changes, ["taskDefinition web:1 → web:2", "desiredCount 2 → 3", "deploymentConfiguration changed"]);
  });
  it("reports fields that cannot change in place", () => {
    const plan = planServiceUpdate({ serviceName: "web", launchType: "FARGATE" }, current, "default");
    assert.deepEqual(plan.fixed, ["launchType EC2 → FARGATE"]);
  });
});

describe("withImage", () => {
  it("replaces the only container's image, or the named one's", () => {
    const input = registerInputFrom({ ...td, revision: 1, status: "ACTIVE" }, [{ key: APPLIED_TAG, value: "d" }]);
    assert.equal(input.tags, undefined);
    const next = withImage(input, "busybox:2");
    assert.equal(next.input.containerDefinitions![0]!.image, "busybox:2");
    assert.equal(next.from, "busybox");
  });
  it("asks for --container when there are several", () => {
    const two = { family: "web", containerDefinitions: [{ name: "a" }, { name: "b" }] };
    assert.throws(() => withImage(two, "x"), /has 2 containers \(a, b\); name one with --container/);
    assert.throws(() => withImage(two, "x", "c"), /has no container 'c'/);
  });
});

describe("toEcsDocuments: Kubernetes Services", () => {
  const manifests = (type: string, appProtocol?: string) => `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: busybox
          command: ["httpd"]
          ports: [{containerPort: 8080, name: http}]
          resources: {limits: {memory: 64Mi}}
          readinessProbe: {httpGet: {path: /ready, port: http}, periodSeconds: 10}
---
apiVersion: v1
kind: Service
metadata: {name: front}
spec:
  type: ${type}
  selector: {app: web}
  ports: [{port: 80, targetPort: http${appProtocol ? `, appProtocol: ${appProtocol}` : ""}}]
`;
  const translate = async (text: string) => {
    const lines: string[] = [];
    const docs = await toEcsDocuments(parseText(text, "web.yaml"), { cluster: "default", region: "us-east-1", defaultSubnets: async () => ["subnet-a"] }, (l) => lines.push(l));
    return { docs, lines };
  };
  it("a LoadBalancer Service becomes a network load balancer for its ECS service, with the readiness probe as its health check", async () => {
    const { docs } = await translate(manifests("LoadBalancer"));
    assert.equal(docs.exposures?.length, 1);
    const e = docs.exposures![0]!;
    assert.deepEqual(
      { source: e.source, name: e.name, ecsService: e.ecsService, port: e.port, containerName: e.containerName, containerPort: e.containerPort, protocol: e.protocol, path: e.healthCheck?.path },
      { source: "Service/front", name: "front", ecsService: "web", port: 80, containerName: "web", containerPort: 8080, protocol: "TCP", path: "/ready" },
    );
  });
  it("an http appProtocol asks for an application load balancer", async () => {
    assert.equal((await translate(manifests("LoadBalancer", "http"))).docs.exposures![0]!.protocol, "HTTP");
  });
  it("a ClusterIP Service makes no load balancer, and says why", async () => {
    const { docs, lines } = await translate(manifests("ClusterIP"));
    assert.deepEqual(docs.exposures, []);
    assert.ok(lines.some((l) => l.includes("Service/front: ClusterIP wiring noted, not applied")), lines.join("\n"));
  });
});
