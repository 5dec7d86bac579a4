// What berth stores for its EFS subset, and where. Records keep EFS's wire member names so the
// API hands them out as they are; members the API computes (NumberOfMountTargets, SizeInBytes,
// Name) are added when shown. A file system is a directory on the control plane's host
// (`rootPath`, never shown), which agents bind-mount (docs/volumes.md).
import { randomBytes } from "node:crypto";
import type { Scope } from "../../model/index.js";
import { scopePrefix } from "../keys.js";

export interface EfsTag {
  Key: string;
  Value: string;
}

export interface FileSystemRecord {
  FileSystemId: string;
  FileSystemArn: string;
  CreationToken: string;
  OwnerId: string;
  /** Epoch ms (the serializer sends epoch seconds). */
  CreationTime: number;
  LifeCycleState: "available";
  PerformanceMode: string;
  ThroughputMode: string;
  ProvisionedThroughputInMibps?: number;
  Encrypted: boolean;
  KmsKeyId?: string;
  AvailabilityZoneName?: string;
  AvailabilityZoneId?: string;
  Tags: EfsTag[];
  /** The directory that is the file system's root, on the control plane's host. */
  rootPath: string;
}

export interface AccessPointRecord {
  AccessPointId: string;
  AccessPointArn: string;
  ClientToken: string;
  FileSystemId: string;
  PosixUser?: { Uid: number; Gid: number; SecondaryGids?: number[] };
  RootDirectory: { Path: string; CreationInfo?: { OwnerUid: number; OwnerGid: number; Permissions: string } };
  OwnerId: string;
  LifeCycleState: "available";
  Tags: EfsTag[];
}

export interface MountTargetRecord {
  MountTargetId: string;
  FileSystemId: string;
  SubnetId: string;
  VpcId: string;
  IpAddress: string;
  AvailabilityZoneName: string;
  AvailabilityZoneId: string;
  OwnerId: string;
  LifeCycleState: "available";
  SecurityGroups: string[];
}

const efs = (s: Scope) => `${scopePrefix(s)}efs-`;

export const efsKeys = {
  fileSystems: (s: Scope) => `${efs(s)}file-systems/`,
  fileSystem: (s: Scope, id: string) => `${efs(s)}file-systems/${id}`,
  accessPoints: (s: Scope) => `${efs(s)}access-points/`,
  accessPoint: (s: Scope, id: string) => `${efs(s)}access-points/${id}`,
  mountTargets: (s: Scope) => `${efs(s)}mount-targets/`,
  mountTarget: (s: Scope, id: string) => `${efs(s)}mount-targets/${id}`,
  /**
   * A creation or client token, held by the file system or access point made with it: created
   * with modRevision 0 in the same commit, so two concurrent calls with one token cannot both
   * make a resource.
   */
  token: (s: Scope, kind: "fs" | "fsap", token: string) => `${efs(s)}tokens/${kind}/${encodeURIComponent(token)}`,
};

/** EFS's ids: a prefix and 17 hex digits (fs-0123456789abcdef0). */
export const efsId = (prefix: "fs" | "fsap" | "fsmt"): string => `${prefix}-${randomBytes(9).toString("hex").slice(0, 17)}`;

export const efsArn = (s: Scope, kind: "file-system" | "access-point", id: string) => `arn:aws:elasticfilesystem:${s.region}:${s.accountId}:${kind}/${id}`;

export const FILE_SYSTEM_ID = /^fs-[0-9a-f]{8,40}$/;
export const ACCESS_POINT_ID = /^fsap-[0-9a-f]{8,40}$/;
export const MOUNT_TARGET_ID = /^fsmt-[0-9a-f]{8,40}$/;
