// Amazon EFS's operations as IAM sees them (Service Authorization Reference, "Amazon Elastic
// File System"): file system operations act on the file system, access point operations on the
// access point (creating one acts on its file system), mount target operations on their file
// system. A mount target id alone does not name its file system without a lookup, so
// DeleteMountTarget is evaluated against every file system of the account and region.
import { defined, boolText, isArn, result, str, tagContext, objs, type Input, type Resolver, type Scoped } from "./request-parts.js";

const idOf = (v: unknown) => {
  const s = str(v);
  return s && isArn(s) ? s.slice(s.lastIndexOf("/") + 1) : s;
};
const fsArn = (s: Scoped, id: unknown) => s.arn("elasticfilesystem", `file-system/${idOf(id) ?? "*"}`);
const apArn = (s: Scoped, id: unknown) => s.arn("elasticfilesystem", `access-point/${idOf(id) ?? "*"}`);

const onFileSystem: Resolver = (i, s) => result([fsArn(s, i.FileSystemId)]);
const created = (i: Input) => ({ ...tagContext(objs(i.Tags)), ...defined({ "elasticfilesystem:Encrypted": boolText(i.Encrypted) }) });

export const EFS_OPERATIONS: Record<string, Resolver> = {
  CreateFileSystem: (i, s) => result([fsArn(s, undefined)], created(i)),
  DescribeFileSystems: (i, s) => result(str(i.FileSystemId) ? [fsArn(s, i.FileSystemId)] : []),
  DeleteFileSystem: onFileSystem,
  CreateAccessPoint: (i, s) => result([fsArn(s, i.FileSystemId)], tagContext(objs(i.Tags))),
  DescribeAccessPoints: (i, s) => result(str(i.AccessPointId) ? [apArn(s, i.AccessPointId)] : str(i.FileSystemId) ? [fsArn(s, i.FileSystemId)] : []),
  DeleteAccessPoint: (i, s) => result([apArn(s, i.AccessPointId)]),
  CreateMountTarget: onFileSystem,
  DescribeMountTargets: (i, s) => result(str(i.FileSystemId) ? [fsArn(s, i.FileSystemId)] : str(i.AccessPointId) ? [apArn(s, i.AccessPointId)] : []),
  DeleteMountTarget: (_, s) => result([fsArn(s, undefined)]),
};
