// CreateFileSystem, DescribeFileSystems, DeleteFileSystem. A file system is a record plus a
// directory (`<data dir>/efs/<fs id>`): the record is committed first, then the directory made,
// so a crash between the two leaves a file system whose directory the next launch of a task
// using it makes (ensureRoot); deleting removes the record (and its access points) first, then
// the directory.
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { Scope } from "../../model/index.js";
import { commit, guardOf, put, type Deps } from "../deps.js";
import { efsErrors } from "./errors.js";
import { listAccessPoints, listFileSystems, listMountTargets, getFileSystem, pageByMarker } from "./lookup.js";
import { efsArn, efsId, efsKeys, type EfsTag, type FileSystemRecord } from "./records.js";
import { directorySize } from "./usage.js";

/** The EFS domain's dependencies: the store, and where file systems' directories live. */
export interface EfsDeps extends Deps {
  /** `<data dir>/efs`: each file system is a directory under it. */
  efsRoot: string;
}

export interface CreateFileSystemInput {
  CreationToken: string;
  PerformanceMode?: string;
  Encrypted?: boolean;
  KmsKeyId?: string;
  ThroughputMode?: string;
  ProvisionedThroughputInMibps?: number;
  AvailabilityZoneName?: string;
  Backup?: boolean;
  Tags?: EfsTag[];
}

export async function createFileSystem(deps: EfsDeps, scope: Scope, input: CreateFileSystemInput) {
  const throughput = input.ThroughputMode ?? "bursting";
  // EFS: provisioned throughput is given exactly when the mode is provisioned.
  if (throughput === "provisioned" && input.ProvisionedThroughputInMibps === undefined) {
    throw efsErrors.badRequest("ProvisionedThroughputInMibps is required when ThroughputMode is provisioned.");
  }
  if (throughput !== "provisioned" && input.ProvisionedThroughputInMibps !== undefined) {
    throw efsErrors.badRequest(`ProvisionedThroughputInMibps can only be set when ThroughputMode is provisioned, found ThroughputMode ${throughput}.`);
  }
  if (input.KmsKeyId !== undefined && !input.Encrypted) throw efsErrors.badRequest("KmsKeyId can only be given for an encrypted file system (Encrypted true).");
  if (input.PerformanceMode === "maxIO" && input.AvailabilityZoneName) throw efsErrors.badRequest("The maxIO performance mode is not supported on One Zone file systems.");
  checkTags(input.Tags);
  const id = efsId("fs");
  const record: FileSystemRecord = {
    FileSystemId: id,
    FileSystemArn: efsArn(scope, "file-system", id),
    CreationToken: input.CreationToken,
    OwnerId: scope.accountId,
    CreationTime: deps.clock.now(),
    LifeCycleState: "available",
    PerformanceMode: input.PerformanceMode ?? "generalPurpose",
    ThroughputMode: throughput,
    ...(input.ProvisionedThroughputInMibps !== undefined ? { ProvisionedThroughputInMibps: input.ProvisionedThroughputInMibps } : {}),
    Encrypted: input.Encrypted ?? false,
    ...(input.KmsKeyId ? { KmsKeyId: input.KmsKeyId } : {}),
    ...(input.AvailabilityZoneName ? { AvailabilityZoneName: input.AvailabilityZoneName } : {}),
    Tags: input.Tags ?? [],
    rootPath: join(deps.efsRoot, id),
  };
  const created = await commit(deps, () => {
    // The creation token makes CreateFileSystem idempotent: a second call with it names the first.
    const same = listFileSystems(deps, scope).find((f) => f.CreationToken === input.CreationToken);
    if (same) throw efsErrors.fileSystemAlreadyExists(same.FileSystemId, input.CreationToken);
    const key = efsKeys.fileSystem(scope, id);
    const tokenKey = efsKeys.token(scope, "fs", input.CreationToken);
    return { guards: [{ key, modRevision: 0 }, { key: tokenKey, modRevision: 0 }], ops: [put(key, record), put(tokenKey, id)], result: record };
  });
  ensureRoot(created);
  return view(deps, scope, created);
}

/** Makes the file system's directory if it is missing (idempotent). */
export function ensureRoot(fs: FileSystemRecord): void {
  mkdirSync(fs.rootPath, { recursive: true, mode: 0o755 });
}

/** A file system as EFS describes it: with its mount target count, its size and its Name tag. */
export function view(deps: Deps, scope: Scope, fs: FileSystemRecord) {
  const { rootPath, ...shown } = fs;
  const name = fs.Tags.find((t) => t.Key === "Name")?.Value;
  return {
    ...shown,
    ...(name !== undefined ? { Name: name } : {}),
    NumberOfMountTargets: listMountTargets(deps, scope).filter((m) => m.FileSystemId === fs.FileSystemId).length,
    SizeInBytes: { Value: directorySize(rootPath), Timestamp: deps.clock.now() },
  };
}

export function describeFileSystems(deps: Deps, scope: Scope, input: { FileSystemId?: string; CreationToken?: string; MaxItems?: number; Marker?: string }) {
  if (input.FileSystemId !== undefined && input.CreationToken !== undefined) {
    throw efsErrors.badRequest("Specify either FileSystemId or CreationToken, not both.");
  }
  let all = listFileSystems(deps, scope);
  if (input.FileSystemId !== undefined) all = [getFileSystem(deps, scope, input.FileSystemId)];
  if (input.CreationToken !== undefined) all = all.filter((f) => f.CreationToken === input.CreationToken);
  const page = pageByMarker(all, (f) => f.FileSystemId, input.MaxItems, input.Marker);
  return {
    FileSystems: page.items.map((f) => view(deps, scope, f)),
    ...(input.Marker !== undefined ? { Marker: input.Marker } : {}),
    ...(page.next ? { NextMarker: page.next } : {}),
  };
}

export async function deleteFileSystem(deps: EfsDeps, scope: Scope, input: { FileSystemId: string }): Promise<void> {
  const removed = await commit(deps, () => {
    const fs = getFileSystem(deps, scope, input.FileSystemId);
    const mounts = listMountTargets(deps, scope).filter((m) => m.FileSystemId === fs.FileSystemId);
    if (mounts.length > 0) throw efsErrors.fileSystemInUse(fs.FileSystemId, mounts.length);
    // The file system's access points go with it, in the same commit.
    const points = listAccessPoints(deps, scope).filter((a) => a.FileSystemId === fs.FileSystemId);
    const keys = [
      efsKeys.fileSystem(scope, fs.FileSystemId),
      efsKeys.token(scope, "fs", fs.CreationToken),
      ...points.flatMap((a) => [efsKeys.accessPoint(scope, a.AccessPointId), efsKeys.token(scope, "fsap", a.ClientToken)]),
    ];
    return { guards: keys.map((k) => guardOf(deps, k)), ops: keys.map((key) => ({ kind: "delete" as const, key })), result: fs };
  });
  rmSync(removed.rootPath, { recursive: true, force: true });
}

function checkTags(tags: EfsTag[] | undefined): void {
  const seen = new Set<string>();
  for (const t of tags ?? []) {
    if (seen.has(t.Key)) throw efsErrors.badRequest(`Tag key '${t.Key.slice(0, 128)}' is given more than once.`);
    seen.add(t.Key);
  }
  if ((tags?.length ?? 0) > 50) throw efsErrors.badRequest(`At most 50 tags are allowed, found ${tags!.length}.`);
}

export { checkTags };
