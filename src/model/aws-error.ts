// An error for the AWS APIs other than ECS: EC2's codes (`InvalidVpcID.NotFound`), ELBv2's, ...
// each service has its own open set of codes, so the code is a string. Like EcsError it is
// created by the domain and rendered only at the API edge, in the service's wire protocol.
export class AwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = code;
  }
}
