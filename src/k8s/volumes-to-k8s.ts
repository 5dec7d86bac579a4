// A task definition's storage → PersistentVolumeClaims (issue 16), the way back of
// volumes-to-ecs.ts: an EFS volume is storage every pod mounts at once (ReadWriteMany); a
// volume configured at launch is one writer's disk (ReadWriteOnce) of the size the service's
// volumeConfigurations give it. The pod's volume names the claim (pod-to-k8s.ts). Pure.

import type { CreateServiceCommandInput, RegisterTaskDefinitionCommandInput, Volume as EcsVolume } from "@aws-sdk/client-ecs";
import type { Manifest } from "./k8s-types.js";
import type { Reporter } from "./report.js";

/** The claim a pod volume stands for: named after the volume. */
export const claimNameOf = (v: EcsVolume) => v.name ?? "";

/** Is this volume one a claim stands for? */
export const isClaimVolume = (v: EcsVolume) => !!v.efsVolumeConfiguration || !!v.configuredAtLaunch;

export function claimsToK8s(
  td: RegisterTaskDefinitionCommandInput,
  svc: CreateServiceCommandInput | undefined,
  meta: (name: string) => Record<string, unknown>,
  r: Reporter,
): Manifest[] {
  return (td.volumes ?? []).flatMap((v, i): Manifest[] => {
    if (!isClaimVolume(v)) return [];
    const vr = r.child(`volumes[${i}]`);
    const name = claimNameOf(v);
    if (v.efsVolumeConfiguration) {
      const e = v.efsVolumeConfiguration;
      vr.info(
        "efsVolumeConfiguration",
        `became PersistentVolumeClaim '${name}' (ReadWriteMany): bind it to a PersistentVolume of file system ${e.fileSystemId ?? ""} (the EFS CSI driver${e.authorizationConfig?.accessPointId ? `, volumeHandle ${e.fileSystemId}::${e.authorizationConfig.accessPointId}` : ""})`,
      );
      vr.approximated("efsVolumeConfiguration", "an EFS file system has no size; the claim requests 1Gi, which EFS does not enforce");
      if (e.rootDirectory && e.rootDirectory !== "/") vr.unmapped("efsVolumeConfiguration.rootDirectory", "the directory is the PersistentVolume's (its volumeHandle path), not the claim's");
      return [claim(name, "ReadWriteMany", "1Gi", meta)];
    }
    const conf = svc?.volumeConfigurations?.find((c) => c.name === name)?.managedEBSVolume;
    if (!conf?.sizeInGiB) vr.approximated("configuredAtLaunch", "no volumeConfigurations give the volume a size here; the claim requests 1Gi");
    if (conf?.volumeType || conf?.iops || conf?.throughput) vr.unmapped("configuredAtLaunch", "the volume type, iops and throughput are a StorageClass's parameters; not derived");
    vr.info(
      "configuredAtLaunch",
      `became PersistentVolumeClaim '${name}' (ReadWriteOnce); ECS gives each task its own volume, where the pods of a Deployment share one claim (a StatefulSet's volumeClaimTemplates give each pod its own)`,
    );
    return [claim(name, "ReadWriteOnce", `${conf?.sizeInGiB ?? 1}Gi`, meta)];
  });
}

function claim(name: string, mode: string, storage: string, meta: (name: string) => Record<string, unknown>): Manifest {
  return { apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: meta(name), spec: { accessModes: [mode], resources: { requests: { storage } } } };
}
