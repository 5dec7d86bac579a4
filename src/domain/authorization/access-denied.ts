// The words AWS uses when a policy refuses a request (aws-neighbors.md §3.4): who asked, the
// action, the resource, and why — nothing allowed it, or a statement denied it. Pure.

export interface Denial {
  /** The caller's ARN as IAM names it (a role session's `assumed-role` ARN). */
  principalArn: string;
  /** `service:Action`, in AWS's spelling. */
  action: string;
  /** The first resource the request was refused on ("*" for actions without one). */
  resource: string;
  /** True when a Deny statement matched; false when no Allow did. */
  explicit: boolean;
}

export function accessDeniedMessage(d: Denial): string {
  const head = `User: ${d.principalArn} is not authorized to perform: ${d.action} on resource: ${d.resource}`;
  return d.explicit ? `${head} with an explicit deny in an identity-based policy` : `${head} because no identity-based policy allows the ${d.action} action`;
}
