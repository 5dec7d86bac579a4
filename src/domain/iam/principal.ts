// Who made a request, as IAM names it: the account's root, an IAM user, or a role session.
// Request authentication (src/api/sigv4) puts one on each request's context; until it does, a
// request without one is the root of the account it is scoped to. Pure.

export type PrincipalKind = "root" | "user" | "assumed-role";

export interface Principal {
  kind: PrincipalKind;
  /**
   * root `arn:aws:iam::<acct>:root`; user `arn:aws:iam::<acct>:user/<path><name>`;
   * assumed-role `arn:aws:sts::<acct>:assumed-role/<role>/<session>`.
   */
  arn: string;
  /** What aws:userid and GetCallerIdentity's UserId say: `<acct>`, `AIDA…`, `AROA…:<session>`. */
  userId: string;
  /** assumed-role only: the role's ARN (`arn:aws:iam::<acct>:role/<path><name>`). */
  roleArn?: string;
}

/** A principal with the account it acts in: what a request's context carries. */
export interface CallerIdentity extends Principal {
  accountId: string;
}

export function rootPrincipal(accountId: string): CallerIdentity {
  return { kind: "root", arn: `arn:aws:iam::${accountId}:root`, userId: accountId, accountId };
}

/** The caller of a request: its principal, or the root of the account when none was found. */
export function callerOf(ctx: { principal?: CallerIdentity; scope: { accountId: string } }): CallerIdentity {
  return ctx.principal ?? rootPrincipal(ctx.scope.accountId);
}
