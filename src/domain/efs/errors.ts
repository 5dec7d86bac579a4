// EFS's error codes and messages. EFS errors carry ErrorCode and Message in the body (and some
// a resource id besides, as FileSystemAlreadyExists its FileSystemId); the HTTP status is the
// model's for each exception.
import { AwsError } from "../../model/index.js";

export class EfsError extends AwsError {
  constructor(
    code: string,
    message: string,
    status: number,
    readonly fields: Record<string, unknown> = {},
  ) {
    super(code, message, status);
  }
}

export const efsErrors = {
  badRequest: (message: string) => new EfsError("BadRequest", message, 400),
  fileSystemNotFound: (id: string) => new EfsError("FileSystemNotFound", `File system '${id.slice(0, 128)}' does not exist.`, 404),
  accessPointNotFound: (id: string) => new EfsError("AccessPointNotFound", `Access point '${id.slice(0, 128)}' does not exist.`, 404),
  mountTargetNotFound: (id: string) => new EfsError("MountTargetNotFound", `Mount target '${id.slice(0, 128)}' does not exist.`, 404),
  fileSystemAlreadyExists: (id: string, token: string) =>
    new EfsError("FileSystemAlreadyExists", `File system '${id}' already exists with creation token '${token}'.`, 409, { FileSystemId: id }),
  accessPointAlreadyExists: (id: string, token: string) =>
    new EfsError("AccessPointAlreadyExists", `Access point '${id}' already exists with client token '${token}'.`, 409, { AccessPointId: id }),
  fileSystemInUse: (id: string, mountTargets: number) =>
    new EfsError("FileSystemInUse", `File system '${id}' has ${mountTargets} mount target(s); delete them before the file system.`, 409),
  accessPointLimitExceeded: (id: string, max: number) =>
    new EfsError("AccessPointLimitExceeded", `File system '${id}' already has the maximum of ${max} access points.`, 403),
  mountTargetConflict: (message: string) => new EfsError("MountTargetConflict", message, 409),
  subnetNotFound: (id: string) => new EfsError("SubnetNotFound", `The subnet ID '${id.slice(0, 128)}' does not exist.`, 400),
  securityGroupNotFound: (id: string) => new EfsError("SecurityGroupNotFound", `The security group '${id.slice(0, 128)}' does not exist.`, 400),
  ipAddressInUse: (ip: string) => new EfsError("IpAddressInUse", `The IP address ${ip} is already in use in the subnet.`, 409),
  noFreeAddresses: (subnetId: string) => new EfsError("NoFreeAddressesInSubnet", `Subnet '${subnetId}' has no free IP address.`, 409),
};
