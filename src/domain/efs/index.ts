// berth's EFS subset (issue 16): file systems that are directories under the control plane's
// data directory, their access points and mount targets; and what a task's EFS volume resolves
// to when it is launched.
export { createFileSystem, describeFileSystems, deleteFileSystem, ensureRoot, type EfsDeps } from "./file-systems.js";
export { createAccessPoint, describeAccessPoints, deleteAccessPoint } from "./access-points.js";
export { createMountTarget, describeMountTargets, deleteMountTarget } from "./mount-targets.js";
export { efsLookupFor, findAccessPoint, findFileSystem } from "./lookup.js";
export { EfsError } from "./errors.js";
export type { AccessPointRecord, FileSystemRecord, MountTargetRecord } from "./records.js";
