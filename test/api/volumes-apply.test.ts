// `berth apply -f` of a Deployment with PersistentVolumeClaims (issue 16): the ReadWriteMany
// claim's EFS file system is created (once, however often the files are applied) and its id put
// in the task definition; the ReadWriteOnce claim becomes the service's volumeConfigurations.
import { CreateClusterCommand, DescribeServicesCommand, DescribeTaskDefinitionCommand } from "@aws-sdk/client-ecs";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { berth } from "../cli/harness.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

const MANIFESTS = `apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: media}
spec:
  accessModes: [ReadWriteMany]
  resources: {requests: {storage: 5Gi}}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: pgdata}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 2Gi}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: store}
spec:
  replicas: 1
  selector: {matchLabels: {app: store}}
  template:
    metadata: {labels: {app: store}}
    spec:
      hostNetwork: true
      containers:
        - name: app
          image: busybox
          command: ["sleep", "600"]
          resources: {limits: {memory: 64Mi}}
          volumeMounts:
            - {name: media, mountPath: /media}
            - {name: data, mountPath: /data}
      volumes:
        - name: media
          persistentVolumeClaim: {claimName: media}
        - name: data
          persistentVolumeClaim: {claimName: pgdata}
`;

describe("berth apply with PersistentVolumeClaims", { timeout: 120_000 }, () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({ loadBalancers: false });
    await s.ecs.send(new CreateClusterCommand({ clusterName: "default" }));
    writeFileSync(join(s.dataDir, "store.yaml"), MANIFESTS);
  });
  after(async () => {
    if (s) await s.close();
  });

  it("creates the shared claim's file system once and wires both claims into the task definition and service", async () => {
    const file = join(s.dataDir, "store.yaml");
    const first = await berth(s.url, ["apply", "-f", file], { timeoutMs: 90_000 });
    assert.equal(first.code, 0, first.stderr);
    const created = /PersistentVolumeClaim\/media: created EFS file system (fs-[0-9a-f]{17})/.exec(first.stdout);
    assert.ok(created, first.stdout);
    const fsId = created[1]!;

    const td = (await s.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: "store" }))).taskDefinition!;
    const byName = new Map((td.volumes ?? []).map((v) => [v.name, v]));
    assert.equal(byName.get("media")?.efsVolumeConfiguration?.fileSystemId, fsId);
    assert.equal(byName.get("data")?.configuredAtLaunch, true);
    const svc = (await s.ecs.send(new DescribeServicesCommand({ services: ["store"] }))).services![0]!;
    assert.deepEqual(svc.deployments?.[0]?.volumeConfigurations?.map((c) => [c.name, c.managedEBSVolume?.sizeInGiB]), [["data", 2]]);

    const again = await berth(s.url, ["apply", "-f", file], { timeoutMs: 90_000 });
    assert.equal(again.code, 0, again.stderr);
    assert.doesNotMatch(again.stdout, /created EFS file system/, "the file system is found again by its creation token");
    const td2 = (await s.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: "store" }))).taskDefinition!;
    assert.equal(td2.revision, td.revision, "nothing changed, nothing registered");
  });

  it("applies berth translate's output: its fileSystems are made as for the manifests", async () => {
    const yaml = join(s.dataDir, "gallery.yaml");
    writeFileSync(yaml, MANIFESTS.replace(/name: media}/, "name: gallery}").replace(/claimName: media}/, "claimName: gallery}").replace(/name: store}/, "name: gallery-app}").replace(/app: store/g, "app: gallery"));
    const translated = await berth(s.url, ["translate", "-f", yaml], { timeoutMs: 60_000 });
    assert.equal(translated.code, 0, translated.stderr);
    assert.deepEqual(JSON.parse(translated.stdout).fileSystems, [{ claimName: "gallery", creationToken: "k8s-pvc-gallery" }]);
    const bundle = join(s.dataDir, "gallery.json");
    writeFileSync(bundle, translated.stdout);
    const applied = await berth(s.url, ["apply", "-f", bundle], { timeoutMs: 90_000 });
    assert.equal(applied.code, 0, applied.stderr);
    const fsId = /PersistentVolumeClaim\/gallery: created EFS file system (fs-[0-9a-f]{17})/.exec(applied.stdout)?.[1];
    assert.ok(fsId, applied.stdout);
    const td = (await s.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: "gallery-app" }))).taskDefinition!;
    assert.equal(td.volumes?.find((v) => v.name === "media")?.efsVolumeConfiguration?.fileSystemId, fsId);
  });
});
