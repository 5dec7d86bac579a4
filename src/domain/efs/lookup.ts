// Reads of EFS records from the cache, with EFS's errors for ids that are malformed or unknown.
import type { Scope } from "../../model/index.js";
import type { Deps } from "../deps.js";
import { efsErrors } from "./errors.js";
import { ACCESS_POINT_ID, efsKeys, FILE_SYSTEM_ID, MOUNT_TARGET_ID, type AccessPointRecord, type FileSystemRecord, type MountTargetRecord } from "./records.js";

export const listFileSystems = (deps: Deps, scope: Scope) => deps.cache.list<FileSystemRecord>(efsKeys.fileSystems(scope));
export const listAccessPoints = (deps: Deps, scope: Scope) => deps.cache.list<AccessPointRecord>(efsKeys.accessPoints(scope));
export const listMountTargets = (deps: Deps, scope: Scope) => deps.cache.list<MountTargetRecord>(efsKeys.mountTargets(scope));

/** The id in an id or an ARN (EFS accepts either where it takes a file system). */
const idOf = (ref: string) => (ref.startsWith("arn:") ? ref.slice(ref.lastIndexOf("/") + 1) : ref);

export function findFileSystem(deps: Deps, scope: Scope, ref: string): FileSystemRecord | undefined {
  const id = idOf(ref);
  return FILE_SYSTEM_ID.test(id) ? deps.cache.get<FileSystemRecord>(efsKeys.fileSystem(scope, id)) : undefined;
}

export function getFileSystem(deps: Deps, scope: Scope, ref: string): FileSystemRecord {
  const fs = findFileSystem(deps, scope, ref);
  if (!fs) throw efsErrors.fileSystemNotFound(ref);
  return fs;
}

export function findAccessPoint(deps: Deps, scope: Scope, ref: string): AccessPointRecord | undefined {
  const id = idOf(ref);
  return ACCESS_POINT_ID.test(id) ? deps.cache.get<AccessPointRecord>(efsKeys.accessPoint(scope, id)) : undefined;
}

export function getAccessPoint(deps: Deps, scope: Scope, ref: string): AccessPointRecord {
  const ap = findAccessPoint(deps, scope, ref);
  if (!ap) throw efsErrors.accessPointNotFound(ref);
  return ap;
}

export function getMountTarget(deps: Deps, scope: Scope, ref: string): MountTargetRecord {
  const id = idOf(ref);
  const mt = MOUNT_TARGET_ID.test(id) ? deps.cache.get<MountTargetRecord>(efsKeys.mountTarget(scope, id)) : undefined;
  if (!mt) throw efsErrors.mountTargetNotFound(ref);
  return mt;
}

/**
 * One page of records in key order: `marker` is the id of the first record of the page (the
 * previous page's NextMarker). EFS pages at 100 by default; a marker that names no record is
 * refused.
 */
export function pageByMarker<T>(items: T[], idOfItem: (t: T) => string, max: number | undefined, marker: string | undefined): { items: T[]; next?: string } {
  const size = max ?? 100;
  if (!Number.isInteger(size) || size < 1) throw efsErrors.badRequest(`MaxItems must be a positive integer, found ${size}.`);
  let start = 0;
  if (marker !== undefined) {
    start = items.findIndex((t) => idOfItem(t) === marker);
    if (start < 0) throw efsErrors.badRequest(`Marker '${marker.slice(0, 128)}' is not a marker of this listing.`);
  }
  const page = items.slice(start, start + size);
  const following = items[start + size];
  return { items: page, ...(following ? { next: idOfItem(following) } : {}) };
}

/** What a task launch reads to resolve its EFS volumes (task-volumes.ts). */
export function efsLookupFor(deps: Deps, scope: Scope) {
  return {
    fileSystem: (id: string) => findFileSystem(deps, scope, id),
    accessPoint: (id: string) => findAccessPoint(deps, scope, id),
  };
}
