// The condition operators of IAM's policy grammar and how one is spelled: an optional set
// qualifier (`ForAllValues:` / `ForAnyValue:`), the operator, an optional `IfExists` suffix
// (every operator but Null takes it). Source: IAM User Guide, "IAM JSON policy elements:
// Condition operators" (reference_policies_elements_condition_operators.html).

export const CONDITION_OPERATORS: ReadonlySet<string> = new Set([
  "StringEquals",
  "StringNotEquals",
  "StringEqualsIgnoreCase",
  "StringNotEqualsIgnoreCase",
  "StringLike",
  "StringNotLike",
  "NumericEquals",
  "NumericNotEquals",
  "NumericLessThan",
  "NumericLessThanEquals",
  "NumericGreaterThan",
  "NumericGreaterThanEquals",
  "DateEquals",
  "DateNotEquals",
  "DateLessThan",
  "DateLessThanEquals",
  "DateGreaterThan",
  "DateGreaterThanEquals",
  "Bool",
  "BinaryEquals",
  "IpAddress",
  "NotIpAddress",
  "ArnEquals",
  "ArnLike",
  "ArnNotEquals",
  "ArnNotLike",
  "Null",
]);

export type SetQualifier = "ForAllValues" | "ForAnyValue";

export interface OperatorParts {
  set?: SetQualifier;
  /** The operator without qualifier and suffix, e.g. "StringLike". */
  base: string;
  ifExists: boolean;
}

/** Splits `ForAnyValue:StringLikeIfExists`; undefined for a qualifier IAM does not know. */
export function splitOperator(operator: string): OperatorParts | undefined {
  let rest = operator;
  let set: SetQualifier | undefined;
  const colon = rest.indexOf(":");
  if (colon >= 0) {
    const q = rest.slice(0, colon);
    if (q !== "ForAllValues" && q !== "ForAnyValue") return undefined;
    set = q;
    rest = rest.slice(colon + 1);
  }
  const ifExists = rest.endsWith("IfExists") && rest !== "NullIfExists";
  if (ifExists) rest = rest.slice(0, -"IfExists".length);
  const parts: OperatorParts = { base: rest, ifExists };
  if (set) parts.set = set;
  return parts;
}
