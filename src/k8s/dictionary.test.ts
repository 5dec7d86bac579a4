import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { dictionaryEntries, explainTerm, formatEntry } from "./dictionary.js";

describe("explainTerm", () => {
  const table: [string, string][] = [
    ["maxSurge", "max-surge"],
    ["maximumPercent", "max-surge"],
    ["MAXSURGE", "max-surge"],
    ["maxUnavailable", "max-unavailable"],
    ["minimumHealthyPercent", "max-unavailable"],
    ["Deployment", "deployment"],
    ["Kubernetes Deployment", "deployment-service"],
    ["ECS deployment", "replicaset-deployments"],
    ["ReplicaSet", "replicaset-deployments"],
    ["Pod", "pod-task"],
    ["task", "pod-task"],
    ["PodSpec", "podspec-task-definition"],
    ["TaskDefinition", "podspec-task-definition"],
    ["task definition", "podspec-task-definition"],
    ["kubelet", "kubelet-agent"],
    ["kube-scheduler", "scheduler-placement"],
    ["kube scheduler", "scheduler-placement"],
    ["Service", "service"],
    ["ECS Service", "deployment-service"],
    ["Kubernetes Service", "k8s-service-target-group"],
    ["ClusterIP", "k8s-service-target-group"],
    ["Cluster", "cluster"],
    ["Node", "node-container-instance"],
    ["ContainerInstance", "node-container-instance"],
    ["container instance", "node-container-instance"],
    ["DaemonSet", "daemonset-daemon"],
    ["DAEMON", "daemonset-daemon"],
    ["nodeSelector", "node-selector-member-of"],
    ["memberOf", "node-selector-member-of"],
    ["topologySpreadConstraints", "topology-spread"],
    ["distinctInstance", "pod-anti-affinity"],
    ["serviceAccountName", "service-account-task-role"],
    ["taskRoleArn", "service-account-task-role"],
    ["terminationGracePeriodSeconds", "grace-period-stop-timeout"],
    ["stopTimeout", "grace-period-stop-timeout"],
    ["initContainers", "init-containers-depends-on"],
    ["replicas", "replicas-desired-count"],
    ["desiredCount", "replicas-desired-count"],
    ["labels", "labels-tags"],
    ["entryPoint", "command-entrypoint"],
    ["awsvpc", "pod-ip-awsvpc"],
    ["kubectl describe", "describe-events"],
  ];
  for (const [term, id] of table) {
    it(`finds '${term}'`, () => assert.equal(explainTerm(term)?.id, id));
  }
  it("returns undefined for an unknown word", () => {
    assert.equal(explainTerm("flux capacitor"), undefined);
  });
  it("explains both meanings of Service", () => {
    const e = explainTerm("Service");
    assert.ok(e);
    assert.match(e.explanation, /Kubernetes/);
    assert.match(e.explanation, /Deployment/);
    assert.deepEqual(e.seeAlso, ["deployment-service", "k8s-service-target-group"]);
  });
});

describe("dictionary entries", () => {
  it("covers every row of the seed's table", () => {
    for (const term of ["Deployment / ReplicaSet", "Pod", "PodSpec", "kube-scheduler", "kubelet", "kubectl describe", "Kubernetes Service", "ServiceAccount", "maxSurge", "maxUnavailable"]) {
      assert.ok(explainTerm(term), term);
    }
  });
  it("has see-also links that resolve, and every entry formats", () => {
    const ids = new Set(dictionaryEntries().map((e) => e.id));
    for (const e of dictionaryEntries()) {
      for (const s of e.seeAlso ?? []) assert.ok(ids.has(s), `${e.id} → ${s}`);
      const text = formatEntry(e);
      assert.ok(text.startsWith(`${e.kubernetes}  ↔  ${e.ecs}`));
      for (const line of text.split("\n")) assert.ok(line.length <= 100, `${e.id}: line too long: ${line}`);
    }
  });
});
