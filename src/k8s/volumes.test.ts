import assert from "node:assert/strict";
import { test } from "node:test";
import { toEcs } from "./to-ecs.js";
import { toK8s } from "./to-k8s.js";

const deployment = (volumes: object[], kind = "Deployment") => ({
  apiVersion: kind === "Pod" ? "v1" : "apps/v1",
  kind,
  metadata: { name: "db" },
  spec:
    kind === "Pod"
      ? { containers: [{ name: "db", image: "postgres", volumeMounts: volumes.map((v: any) => ({ name: v.name, mountPath: `/mnt/${v.name}` })) }], volumes }
      : {
          replicas: 2,
          selector: { matchLabels: { app: "db" } },
          template: {
            metadata: { labels: { app: "db" } },
            spec: { containers: [{ name: "db", image: "postgres", volumeMounts: volumes.map((v: any) => ({ name: v.name, mountPath: `/mnt/${v.name}` })) }], volumes },
          },
        },
});
const claim = (name: string, accessModes: string[], storage?: string, extra: object = {}) => ({
  apiVersion: "v1",
  kind: "PersistentVolumeClaim",
  metadata: { name },
  spec: { accessModes, ...(storage ? { resources: { requests: { storage } } } : {}), ...extra },
});
const infraRole = "arn:aws:iam::000000000000:role/ecsInfrastructureRole";

test("toEcs: pod volumes become ECS volumes, a claim EFS (shared) or EBS (one writer), the report says which and why", () => {
  const table: [string, object[], { volumes: unknown[]; launch?: unknown; fileSystems?: unknown; report: RegExp[] }][] = [
    ["an emptyDir: a task-scoped volume", [deployment([{ name: "scratch", emptyDir: {} }])], { volumes: [{ name: "scratch" }], report: [] }],
    [
      "a hostPath: a bind mount",
      [deployment([{ name: "logs", hostPath: { path: "/var/log", type: "Directory" } }])],
      { volumes: [{ name: "logs", host: { sourcePath: "/var/log" } }], report: [/approximated .*hostPath\.type.*'Directory' check is not made/] },
    ],
    [
      "a ReadWriteMany claim: an EFS-style file system apply creates",
      [deployment([{ name: "shared", persistentVolumeClaim: { claimName: "media" } }]), claim("media", ["ReadWriteMany"], "5Gi")],
      {
        volumes: [{ name: "shared", efsVolumeConfiguration: { fileSystemId: "k8s-pvc-media", rootDirectory: "/" } }],
        fileSystems: [{ claimName: "media", creationToken: "k8s-pvc-media" }],
        report: [/info .*claim 'media' \(ReadWriteMany\): every task mounts it at once, so it became an EFS-style file system/],
      },
    ],
    [
      "a ReadWriteOnce claim: a volume configured at launch, sized from the claim",
      [deployment([{ name: "data", persistentVolumeClaim: { claimName: "pgdata" } }]), claim("pgdata", ["ReadWriteOnce"], "1500Mi")],
      {
        volumes: [{ name: "data", configuredAtLaunch: true }],
        launch: [{ name: "data", managedEBSVolume: { sizeInGiB: 2, filesystemType: "ext4", roleArn: infraRole } }],
        report: [/approximated .*1500Mi was rounded up to 2 GiB/, /info .*claim 'pgdata' \(ReadWriteOnce\): one writer at a time, so it became a volume configured at launch/],
      },
    ],
    [
      "a claim that is not in the input",
      [deployment([{ name: "data", persistentVolumeClaim: { claimName: "ghost" } }])],
      { volumes: [], report: [/unmapped .*no PersistentVolumeClaim 'ghost' is in the input/] },
    ],
    [
      "a block claim",
      [deployment([{ name: "data", persistentVolumeClaim: { claimName: "raw" } }]), claim("raw", ["ReadWriteOnce"], "1Gi", { volumeMode: "Block" })],
      { volumes: [], report: [/unmapped .*raw block device/] },
    ],
    [
      "two ReadWriteOnce claims: only one volume may be configured at launch",
      [deployment([{ name: "a", persistentVolumeClaim: { claimName: "a" } }, { name: "b", persistentVolumeClaim: { claimName: "b" } }]), claim("a", ["ReadWriteOnce"], "1Gi"), claim("b", ["ReadWriteOnce"], "1Gi")],
      { volumes: [{ name: "a", configuredAtLaunch: true }], launch: [{ name: "a", managedEBSVolume: { sizeInGiB: 1, filesystemType: "ext4", roleArn: infraRole } }], report: [/unmapped .*one volume configured at launch/] },
    ],
    [
      "a bare pod's ReadWriteOnce claim: RunTask's, not translated",
      [deployment([{ name: "data", persistentVolumeClaim: { claimName: "pgdata" } }], "Pod"), claim("pgdata", ["ReadWriteOnce"], "1Gi")],
      { volumes: [], report: [/unmapped .*RunTask is given/] },
    ],
  ];
  for (const [name, manifests, want] of table) {
    const t = toEcs(manifests);
    assert.deepEqual(t.taskDefinitions[0]!.volumes ?? [], want.volumes, `${name}: volumes`);
    assert.deepEqual(t.services[0]?.volumeConfigurations, want.launch, `${name}: volumeConfigurations`);
    assert.deepEqual(t.fileSystems, want.fileSystems ?? [], `${name}: file systems`);
    const lines = t.report.map((e) => `${e.kind} ${e.path}: ${e.reason}`);
    for (const re of want.report) assert.ok(lines.some((l) => re.test(l)), `${name}: ${re} in\n${lines.join("\n")}`);
  }
});

test("toK8s: EFS volumes and volumes configured at launch come back as claims of their access mode and size", () => {
  const t = toK8s({
    taskDefinition: {
      family: "db",
      containerDefinitions: [{ name: "db", image: "postgres", mountPoints: [{ sourceVolume: "data", containerPath: "/data" }, { sourceVolume: "media", containerPath: "/media" }] }],
      volumes: [
        { name: "data", configuredAtLaunch: true },
        { name: "media", efsVolumeConfiguration: { fileSystemId: "fs-0123456789abcdef0", transitEncryption: "ENABLED", authorizationConfig: { accessPointId: "fsap-0123456789abcdef0" } } },
        { name: "scratch" },
      ],
    },
    service: { serviceName: "db", taskDefinition: "db", desiredCount: 1, volumeConfigurations: [{ name: "data", managedEBSVolume: { sizeInGiB: 20, roleArn: infraRole } }] },
  });
  const claims = t.manifests.filter((m) => m.kind === "PersistentVolumeClaim");
  assert.deepEqual(claims, [
    { apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name: "data" }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "20Gi" } } } },
    { apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name: "media" }, spec: { accessModes: ["ReadWriteMany"], resources: { requests: { storage: "1Gi" } } } },
  ]);
  const deploymentSpec = t.manifests.find((m) => m.kind === "Deployment")!.spec as any;
  assert.deepEqual(deploymentSpec.template.spec.volumes, [
    { name: "data", persistentVolumeClaim: { claimName: "data" } },
    { name: "media", persistentVolumeClaim: { claimName: "media" } },
    { name: "scratch", emptyDir: {} },
  ]);
  const lines = t.report.map((e) => `${e.kind} ${e.path}: ${e.reason}`).join("\n");
  assert.match(lines, /volumeHandle fs-0123456789abcdef0::fsap-0123456789abcdef0/);
  assert.doesNotMatch(lines, /volumeConfigurations.*not derived/);

  // And the claims go back to ECS as they came.
  const back = toEcs(t.manifests);
  assert.deepEqual(back.taskDefinitions[0]!.volumes, [
    { name: "data", configuredAtLaunch: true },
    { name: "media", efsVolumeConfiguration: { fileSystemId: "k8s-pvc-media", rootDirectory: "/" } },
    { name: "scratch" },
  ]);
  assert.equal(back.services[0]!.volumeConfigurations?.[0]?.managedEBSVolume?.sizeInGiB, 20);
});
