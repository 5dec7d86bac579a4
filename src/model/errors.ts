// One error type for everything a client should see as an AWS exception. Domain code throws it
// with ECS's exception name; the API edge alone turns it into `{__type, message}` and a status.
// Anything else that escapes a handler is a server fault (500, ServerException).

export type EcsErrorType =
  | "AccessDeniedException"
  | "AttributeLimitExceededException"
  | "ClientException"
  | "ClusterContainsCapacityProviderException"
  | "ClusterContainsContainerInstancesException"
  | "ClusterContainsServicesException"
  | "ClusterContainsTasksException"
  | "ClusterNotFoundException"
  | "ConflictException"
  | "InvalidParameterException"
  | "LimitExceededException"
  | "NoUpdateAvailableException"
  | "PlatformUnknownException"
  | "ResourceInUseException"
  | "ResourceNotFoundException"
  | "ServerException"
  | "ServiceNotActiveException"
  | "ServiceNotFoundException"
  | "ServiceDeploymentNotFoundException"
  | "TargetNotConnectedException"
  | "TargetNotFoundException"
  | "TaskSetNotFoundException"
  | "UnsupportedFeatureException"
  | "UpdateInProgressException"
  // AWS Cloud Map (servicediscovery): its exception names carry no "Exception" suffix.
  | "CustomHealthNotFound"
  | "DuplicateRequest"
  | "InstanceNotFound"
  | "InvalidInput"
  | "NamespaceAlreadyExists"
  | "NamespaceNotFound"
  | "OperationNotFound"
  | "ResourceInUse"
  | "ServiceAlreadyExists"
  | "ServiceNotFound"
  // AWS Secrets Manager (besides InvalidParameterException, ResourceNotFoundException).
  | "InvalidRequestException"
  | "ResourceExistsException"
  | "InvalidNextTokenException"
  | "DecryptionFailure"
  // AWS Systems Manager Parameter Store: shape names as the ssm model spells them.
  | "ValidationException"
  | "ParameterNotFound"
  | "ParameterAlreadyExists"
  | "ParameterVersionNotFound"
  | "ParameterLimitExceeded"
  | "HierarchyLevelLimitExceededException"
  | "HierarchyTypeMismatchException"
  | "UnsupportedParameterType"
  | "InvalidKeyId"
  | "InvalidFilterKey"
  | "InvalidFilterOption"
  | "InvalidFilterValue"
  | "InvalidNextToken"
  | "InvalidResourceId"
  | "InvalidResourceType"
  | "TooManyTagsError"
  // CloudWatch (metrics): its query-protocol codes, which its JSON errors carry too.
  | "InvalidParameterValue"
  | "MissingParameter"
  | "InvalidParameterCombination"
  | "ParameterPatternMismatchException"
  | "InvalidAllowedPatternException"
  // CloudWatch Logs (besides InvalidParameterException, ResourceNotFoundException, LimitExceededException).
  | "ResourceAlreadyExistsException"
  | "OperationAbortedException"
  | "ServiceUnavailableException"
  | "TooManyTagsException"
  // Protocol-level errors, not in the ECS model but sent by every AWS JSON service.
  | "SerializationException"
  | "UnknownOperationException"
  | "IncompleteSignatureException"
  | "RequestEntityTooLargeException"
  | "ThrottlingException";

export class EcsError extends Error {
  constructor(
    readonly type: EcsErrorType,
    message: string,
    readonly status = type === "ServerException" ? 500 : 400,
    /** Extra members some exceptions carry, e.g. ConflictException's resourceIds. */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = type;
  }
}

export const clientError = (message: string) => new EcsError("ClientException", message);
export const invalidParameter = (message: string) => new EcsError("InvalidParameterException", message);
export const clusterNotFound = () => new EcsError("ClusterNotFoundException", "Cluster not found.");
