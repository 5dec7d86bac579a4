// EC2's error codes and messages, as EC2 words them (the AWS CLI shows them verbatim).
import { AwsError } from "../../model/index.js";

export const ec2Errors = {
  invalidParameterValue: (message: string) => new AwsError("InvalidParameterValue", message),
  missingParameter: (name: string) => new AwsError("MissingParameter", `The request must contain the parameter ${name}`),
  vpcNotFound: (id: string) => new AwsError("InvalidVpcID.NotFound", `The vpc ID '${id}' does not exist`),
  subnetNotFound: (id: string) => new AwsError("InvalidSubnetID.NotFound", `The subnet ID '${id}' does not exist`),
  groupNotFound: (id: string) => new AwsError("InvalidGroup.NotFound", `The security group '${id}' does not exist`),
  groupNameNotFound: (name: string, vpcId: string) =>
    new AwsError("InvalidGroup.NotFound", `The security group '${name}' does not exist in VPC '${vpcId}'`),
  eniNotFound: (id: string) => new AwsError("InvalidNetworkInterfaceID.NotFound", `The networkInterface ID '${id}' does not exist`),
  malformed: (kind: string, id: string, prefix: string) =>
    new AwsError(`${kind}.Malformed`, `Invalid id: "${id}" (expecting "${prefix}-...")`),
  vpcRange: (cidr: string) => new AwsError("InvalidVpc.Range", `The CIDR '${cidr}' is invalid.`),
  subnetRange: (cidr: string) => new AwsError("InvalidSubnet.Range", `The CIDR '${cidr}' is invalid.`),
  subnetConflict: (cidr: string) => new AwsError("InvalidSubnet.Conflict", `The CIDR '${cidr}' conflicts with another subnet`),
  dependency: (message: string) => new AwsError("DependencyViolation", message),
  groupDuplicate: (name: string, vpcId: string) =>
    new AwsError("InvalidGroup.Duplicate", `The security group '${name}' already exists for VPC '${vpcId}'`),
  permissionDuplicate: (rule: string) => new AwsError("InvalidPermission.Duplicate", `the specified rule "${rule}" already exists`),
  permissionNotFound: () => new AwsError("InvalidPermission.NotFound", "The specified rule does not exist in this security group."),
  cannotDeleteDefault: (id: string) =>
    new AwsError("CannotDelete", `the specified group: "${id}" name: "default" cannot be deleted by a user`),
};
