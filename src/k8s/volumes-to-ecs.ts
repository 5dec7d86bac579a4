// A pod's volumes → a task definition's volumes, and what the launch must add (issue 16):
//   emptyDir              → a task-scoped volume (a name, no host sourcePath): shared by the task's
//                           containers, removed with the task
//   hostPath              → a bind mount of the instance's path
//   PersistentVolumeClaim → ReadWriteMany / ReadOnlyMany: an EFS-style file system every task
//                           shares (berth apply creates it, found again by its creation token);
//                           ReadWriteOnce / ReadWriteOncePod: a volume configured at launch, an
//                           EBS-style volume of the claim's size per task (the service's
//                           volumeConfigurations)
// Pure.

import type { ServiceVolumeConfiguration, Volume as EcsVolume } from "@aws-sdk/client-ecs";
import type { EcsContext } from "./ecs-context.js";
import type { PersistentVolumeClaimSpec, Volume } from "./k8s-types.js";
import { parseQuantity } from "./quantity.js";
import type { Reporter } from "./report.js";

/** An EFS file system a claim stands for, made by `berth apply` and found by its creation token. */
export interface ClaimFileSystem {
  claimName: string;
  creationToken: string;
}

export interface PodVolumes {
  volumes: EcsVolume[];
  /** For the service: the configuredAtLaunch volume's EBS-style settings. */
  volumeConfigurations: ServiceVolumeConfiguration[];
  fileSystems: ClaimFileSystem[];
}

/**
 * The creation token of the file system a ReadWriteMany claim becomes. Until `berth apply`
 * creates it, the task definition's fileSystemId holds this token (apply puts the id there).
 */
export const claimCreationToken = (claimName: string) => `k8s-pvc-${claimName}`;

/** The role ECS uses to manage EBS volumes for tasks (ECS's documented name for it). */
export const infrastructureRoleArn = (accountId: string) => `arn:aws:iam::${accountId}:role/ecsInfrastructureRole`;

const GIB = 1024n ** 3n;

export function volumesToEcs(volumes: readonly Volume[], ctx: EcsContext, standalone: boolean, r: Reporter): PodVolumes {
  const out: PodVolumes = { volumes: [], volumeConfigurations: [], fileSystems: [] };
  volumes.forEach((v, i) => {
    const vr = r.child(`volumes[${i}]`);
    if (v.emptyDir) {
      if (v.emptyDir.medium === "Memory") {
        vr.approximated("emptyDir.medium", "became a task-scoped volume on disk; memory-backed storage is linuxParameters.tmpfs, per container");
      }
      if (v.emptyDir.sizeLimit !== undefined) vr.unmapped("emptyDir.sizeLimit", "a task-scoped volume has no size limit of its own");
      // A volume with a name alone is ECS's task-scoped bind mount: the agent makes its
      // directory, the task's containers share it, and it goes with the task.
      out.volumes.push({ name: v.name });
      return;
    }
    if (v.hostPath) {
      if (v.hostPath.type) vr.approximated("hostPath.type", `ECS bind-mounts the path as it is; the '${v.hostPath.type}' check is not made`);
      out.volumes.push({ name: v.name, host: { sourcePath: v.hostPath.path } });
      return;
    }
    if (v.persistentVolumeClaim) {
      claimToEcs(v, ctx, standalone, vr, out);
      return;
    }
    const kind = Object.keys(v).find((k) => k !== "name") ?? "unknown";
    const reasons: Record<string, string> = {
      configMap: "ECS does not project configuration as files; pass it as environment or fetch it in an init container",
      secret: "ECS injects secrets as environment variables, not files",
      projected: "ECS does not project configuration as files",
    };
    vr.unmapped("", `${kind} volume: ${reasons[kind] ?? "ECS volumes are bind mounts, Docker volumes, EFS or EBS; this source has no counterpart"}`);
  });
  return out;
}

function claimToEcs(v: Volume, ctx: EcsContext, standalone: boolean, vr: Reporter, out: PodVolumes): void {
  const claimName = v.persistentVolumeClaim?.claimName ?? "";
  const claim = ctx.claims.get(claimName);
  if (!claim) {
    vr.unmapped("persistentVolumeClaim.claimName", `no PersistentVolumeClaim '${claimName}' is in the input; its access mode decides between EFS and EBS`);
    return;
  }
  if (claim.volumeMode === "Block") {
    vr.unmapped("persistentVolumeClaim", `claim '${claimName}' asks for a raw block device; ECS mounts file systems only`);
    return;
  }
  if (claim.storageClassName !== undefined) vr.info("persistentVolumeClaim", `storage class '${claim.storageClassName}' is not carried; berth's volumes are directories and file system images on the instances`);
  const modes = claim.accessModes ?? [];
  const shared = modes.includes("ReadWriteMany") || modes.includes("ReadOnlyMany");
  if (shared) {
    const creationToken = claimCreationToken(claimName);
    out.volumes.push({ name: v.name, efsVolumeConfiguration: { fileSystemId: creationToken, rootDirectory: "/" } });
    if (!out.fileSystems.some((f) => f.creationToken === creationToken)) out.fileSystems.push({ claimName, creationToken });
    vr.info(
      "persistentVolumeClaim",
      `claim '${claimName}' (${modes.join(", ")}): every task mounts it at once, so it became an EFS-style file system; berth apply creates it (creation token '${creationToken}') and puts its id in fileSystemId`,
    );
    return;
  }
  if (standalone) {
    vr.unmapped("persistentVolumeClaim", `claim '${claimName}' (${modes.join(", ") || "no access mode"}) would be a volume configured at launch, which RunTask is given; this translation makes no RunTask request`);
    return;
  }
  if (out.volumeConfigurations.length > 0) {
    vr.unmapped("persistentVolumeClaim", `a task definition may have one volume configured at launch, and claim volume '${out.volumeConfigurations[0]!.name}' already is`);
    return;
  }
  const size = claimSizeGiB(claim, vr);
  out.volumes.push({ name: v.name, configuredAtLaunch: true });
  out.volumeConfigurations.push({
    name: v.name,
    managedEBSVolume: { sizeInGiB: size, filesystemType: "ext4", roleArn: infrastructureRoleArn(ctx.options.accountId) },
  });
  vr.info(
    "persistentVolumeClaim",
    `claim '${claimName}' (${modes.join(", ") || "no access mode, read as ReadWriteOnce"}): one writer at a time, so it became a volume configured at launch, an EBS-style volume of ${size} GiB; ECS gives each task its own such volume, deleted with the task, where the pods of a Deployment share one claim`,
  );
}

/** The claim's requested storage in whole GiB, rounded up (at least 1). */
function claimSizeGiB(claim: PersistentVolumeClaimSpec, vr: Reporter): number {
  const storage = claim.resources?.requests?.storage;
  if (storage === undefined) {
    vr.approximated("persistentVolumeClaim", "the claim requests no storage; the volume is 1 GiB");
    return 1;
  }
  try {
    const q = parseQuantity(storage);
    const bytes = (q.num + q.den - 1n) / q.den;
    const gib = Number((bytes + GIB - 1n) / GIB);
    if (bytes % GIB !== 0n) vr.approximated("persistentVolumeClaim", `the claim's ${storage} was rounded up to ${gib} GiB, EBS's unit`);
    return Math.max(1, gib);
  } catch {
    vr.approximated("persistentVolumeClaim", `the claim's storage '${String(storage)}' is not a quantity; the volume is 1 GiB`);
    return 1;
  }
}
