// ELBv2's error codes and messages (aws-neighbors.md §1.10), created by the domain and rendered
// at the API edge in the query protocol's XML envelope: all `Sender`, HTTP 400.
import { AwsError } from "../../model/index.js";

export const elbErrors = {
  validation: (message: string) => new AwsError("ValidationError", message),
  loadBalancerNotFound: () => new AwsError("LoadBalancerNotFound", "One or more load balancers not found"),
  targetGroupNotFound: () => new AwsError("TargetGroupNotFound", "One or more target groups not found"),
  /** A forward action naming a target group that does not exist. */
  forwardTargetGroupNotFound: (arn: string) => new AwsError("TargetGroupNotFound", `Target group '${arn}' not found`),
  listenerNotFound: () => new AwsError("ListenerNotFound", "The specified listener does not exist."),
  ruleNotFound: () => new AwsError("RuleNotFound", "The specified rule does not exist."),
  duplicateTargetGroupName: () => new AwsError("DuplicateTargetGroupName", "A target group with the specified name already exists."),
  duplicateLoadBalancerName: () => new AwsError("DuplicateLoadBalancerName", "A load balancer with the specified name already exists."),
  duplicateListener: () => new AwsError("DuplicateListener", "A listener with the specified port already exists."),
  priorityInUse: () => new AwsError("PriorityInUse", "The specified priority is in use."),
  invalidTarget: (detail: string) =>
    new AwsError("InvalidTarget", `The specified target does not exist, is not in the same VPC as the target group, or has an unsupported instance type. ${detail}`),
  targetsNotRunning: (ids: string[]) =>
    new AwsError("InvalidTarget", `The following targets are not in a running state and cannot be registered: ${ids.map((i) => `'${i}'`).join(", ")}`),
  resourceInUse: (message: string) => new AwsError("ResourceInUse", message),
  invalidConfiguration: (message: string) => new AwsError("InvalidConfigurationRequest", message),
  incompatibleProtocols: (message: string) => new AwsError("IncompatibleProtocols", message),
  unsupportedProtocol: (message: string) => new AwsError("UnsupportedProtocol", message),
  invalidAction: (message: string) => new AwsError("InvalidLoadBalancerAction", message),
  operationNotPermitted: (message: string) => new AwsError("OperationNotPermitted", message),
  associationLimit: (arns: string[]) =>
    new AwsError("TargetGroupAssociationLimit", `The following target groups cannot be associated with more than one load balancer: ${arns.join(", ")}`),
  subnetNotFound: (id: string) => new AwsError("SubnetNotFound", `The specified subnet does not exist: '${id}'`),
  invalidSubnet: (message: string) => new AwsError("InvalidSubnet", message),
  invalidSecurityGroup: (id: string) => new AwsError("InvalidSecurityGroup", `The security group '${id}' does not exist in the load balancer's VPC`),
  duplicateTagKeys: (key: string) => new AwsError("DuplicateTagKeys", `Tag key '${key}' is specified more than once`),
  tooManyTags: (arn: string, limit: number) =>
    new AwsError("TooManyTags", `The quota for the number of tags that can be assigned to '${arn}' has been reached (${limit})`),
  tooMany: (code: "TooManyLoadBalancers" | "TooManyTargetGroups" | "TooManyListeners" | "TooManyRules" | "TooManyTargets", what: string, limit: number) =>
    new AwsError(code, `You have reached the limit of ${limit} ${what}`),
};
