// CreateAccessPoint, DescribeAccessPoints, DeleteAccessPoint. An access point is a record only:
// its root directory is made (with its CreationInfo owner and mode) by the agent that first
// mounts it, as EFS makes it when a client first connects through the access point.
import type { Scope } from "../../model/index.js";
import { commit, guardOf, put, type Deps } from "../deps.js";
import { efsErrors } from "./errors.js";
import { checkTags } from "./file-systems.js";
import { getAccessPoint, getFileSystem, listAccessPoints, pageByMarker } from "./lookup.js";
import { efsArn, efsId, efsKeys, type AccessPointRecord, type EfsTag } from "./records.js";

/** EFS's limit of access points per file system. */
const MAX_ACCESS_POINTS = 10_000;

export interface CreateAccessPointInput {
  ClientToken: string;
  FileSystemId: string;
  PosixUser?: AccessPointRecord["PosixUser"];
  RootDirectory?: AccessPointRecord["RootDirectory"];
  Tags?: EfsTag[];
}

export async function createAccessPoint(deps: Deps, scope: Scope, input: CreateAccessPointInput) {
  checkTags(input.Tags);
  const path = input.RootDirectory?.Path ?? "/";
  const info = input.RootDirectory?.CreationInfo;
  if (info && !/^[0-7]{3,4}$/.test(info.Permissions)) throw efsErrors.badRequest(`RootDirectory.CreationInfo.Permissions '${info.Permissions}' is not an octal mode.`);
  const id = efsId("fsap");
  return commit(deps, () => {
    const fs = getFileSystem(deps, scope, input.FileSystemId);
    const all = listAccessPoints(deps, scope);
    // The client token makes CreateAccessPoint idempotent: the same request answers the same access point.
    const same = all.find((a) => a.ClientToken === input.ClientToken);
    if (same) {
      if (same.FileSystemId === fs.FileSystemId) return { guards: [], ops: [], result: view(same) };
      throw efsErrors.accessPointAlreadyExists(same.AccessPointId, input.ClientToken);
    }
    const count = all.filter((a) => a.FileSystemId === fs.FileSystemId).length;
    if (count >= MAX_ACCESS_POINTS) throw efsErrors.accessPointLimitExceeded(fs.FileSystemId, MAX_ACCESS_POINTS);
    const record: AccessPointRecord = {
      AccessPointId: id,
      AccessPointArn: efsArn(scope, "access-point", id),
      ClientToken: input.ClientToken,
      FileSystemId: fs.FileSystemId,
      ...(input.PosixUser ? { PosixUser: input.PosixUser } : {}),
      RootDirectory: { Path: path, ...(info ? { CreationInfo: info } : {}) },
      OwnerId: scope.accountId,
      LifeCycleState: "available",
      Tags: input.Tags ?? [],
    };
    const key = efsKeys.accessPoint(scope, id);
    const tokenKey = efsKeys.token(scope, "fsap", input.ClientToken);
    // Guarded by the file system, so a concurrent DeleteFileSystem cannot leave an orphan.
    return {
      guards: [{ key, modRevision: 0 }, { key: tokenKey, modRevision: 0 }, guardOf(deps, efsKeys.fileSystem(scope, fs.FileSystemId))],
      ops: [put(key, record), put(tokenKey, id)],
      result: view(record),
    };
  });
}

const view = (a: AccessPointRecord) => {
  const name = a.Tags.find((t) => t.Key === "Name")?.Value;
  return { ...a, ...(name !== undefined ? { Name: name } : {}) };
};

export function describeAccessPoints(deps: Deps, scope: Scope, input: { AccessPointId?: string; FileSystemId?: string; MaxResults?: number; NextToken?: string }) {
  if (input.AccessPointId !== undefined && input.FileSystemId !== undefined) {
    throw efsErrors.badRequest("AccessPointId and FileSystemId are mutually exclusive; give one of them.");
  }
  let all = listAccessPoints(deps, scope);
  if (input.AccessPointId !== undefined) all = [getAccessPoint(deps, scope, input.AccessPointId)];
  if (input.FileSystemId !== undefined) {
    const fs = getFileSystem(deps, scope, input.FileSystemId);
    all = all.filter((a) => a.FileSystemId === fs.FileSystemId);
  }
  const page = pageByMarker(all, (a) => a.AccessPointId, input.MaxResults, input.NextToken);
  return { AccessPoints: page.items.map(view), ...(page.next ? { NextToken: page.next } : {}) };
}

export async function deleteAccessPoint(deps: Deps, scope: Scope, input: { AccessPointId: string }): Promise<void> {
  await commit(deps, () => {
    const ap = getAccessPoint(deps, scope, input.AccessPointId);
    const keys = [efsKeys.accessPoint(scope, ap.AccessPointId), efsKeys.token(scope, "fsap", ap.ClientToken)];
    return { guards: keys.map((k) => guardOf(deps, k)), ops: keys.map((key) => ({ kind: "delete" as const, key })), result: undefined };
  });
}
