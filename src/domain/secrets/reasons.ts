// The words a task's stoppedReason carries when its secrets cannot be read at start, as ECS
// (Fargate) writes them: one prefix, the provider's part, then what the provider said, e.g.
//   ResourceInitializationError: unable to pull secrets or registry auth: execution resource
//   retrieval failed: unable to retrieve secret from asm: service call has been retried 1
//   time(s): retrieved secret from Secrets Manager did not contain json key password
// berth does not retry a lookup that has an answer, so the count is always 1, as ECS reports
// for answers that were not network failures.
const PREFIX = "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: ";

const PROVIDER = {
  asm: "unable to retrieve secret from asm: service call has been retried 1 time(s): ",
  ssm: "unable to retrieve secrets from ssm: service call has been retried 1 time(s): ",
};

/**
 * A stoppedReason for a secret that could not be read. `detail` is what the provider said,
 * e.g. for a denial the caller checked:
 * `AccessDeniedException: User: <role session ARN> is not authorized to perform: ssm:GetParameters on resource: <ARN> …`.
 */
export function secretRetrievalFailure(provider: "asm" | "ssm", detail: string): string {
  return PREFIX + PROVIDER[provider] + detail;
}
