// IAM's and STS's error codes and messages (aws-neighbors.md §3.2; HTTP statuses from the
// botocore models' error traits), made by the domain and rendered at the API edge in the query
// protocol's XML envelope.
import { AwsError } from "../../model/index.js";

export type EntityKind = "user" | "role";

export const iamErrors = {
  /** Syntax and range failures, in AWS's validation wording. */
  validation: (message: string) => new AwsError("ValidationError", message),
  /** `1 validation error detected: Value 'a b' at 'userName' failed to satisfy constraint: …` */
  constraint: (member: string, value: string, constraint: string) =>
    new AwsError("ValidationError", `1 validation error detected: Value '${value.slice(0, 200)}' at '${lowerFirst(member)}' failed to satisfy constraint: ${constraint}`),
  invalidInput: (message: string) => new AwsError("InvalidInput", message),
  noSuchEntity: (message: string) => new AwsError("NoSuchEntity", message, 404),
  noSuchUser: (name: string) => new AwsError("NoSuchEntity", `The user with name ${name} cannot be found.`, 404),
  noSuchRole: (name: string) => new AwsError("NoSuchEntity", `The role with name ${name} cannot be found.`, 404),
  noSuchInlinePolicy: (kind: EntityKind, name: string) => new AwsError("NoSuchEntity", `The ${kind} policy with name ${name} cannot be found.`, 404),
  noSuchPolicy: (arn: string) => new AwsError("NoSuchEntity", `Policy ${arn} was not found.`, 404),
  notAttachable: (arn: string) => new AwsError("NoSuchEntity", `Policy ${arn} does not exist or is not attachable.`, 404),
  noSuchPolicyVersion: (arn: string, version: string) => new AwsError("NoSuchEntity", `Policy ${arn} version ${version} does not exist or is not attachable.`, 404),
  noSuchAccessKey: (id: string) => new AwsError("NoSuchEntity", `The Access Key with id ${id} cannot be found.`, 404),
  alreadyExists: (kind: "User" | "Role", name: string) => new AwsError("EntityAlreadyExists", `${kind} with name ${name} already exists.`, 409),
  policyAlreadyExists: (name: string) => new AwsError("EntityAlreadyExists", `A policy called ${name} already exists. Duplicate names are not allowed.`, 409),
  deleteConflict: (message: string) => new AwsError("DeleteConflict", message, 409),
  limitExceeded: (message: string) => new AwsError("LimitExceeded", message, 409),
  malformedPolicy: (message: string) => new AwsError("MalformedPolicyDocument", message),
  /** STS's and IAM's denial (query protocol: AccessDenied, HTTP 403). */
  accessDenied: (callerArn: string, action: string, resource: string) =>
    new AwsError("AccessDenied", `User: ${callerArn} is not authorized to perform: ${action} on resource: ${resource}`, 403),
  /** A service principal (ecs-tasks.amazonaws.com) that a role's trust policy does not admit. */
  serviceDenied: (service: string, action: string, resource: string) =>
    new AwsError("AccessDenied", `Service: ${service} is not authorized to perform: ${action} on resource: ${resource}`, 403),
};

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}
