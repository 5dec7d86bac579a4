// Tags given at CreateUser, CreateRole and CreatePolicy (the model checks count and lengths).
// Pure.
import { iamErrors } from "./errors.js";
import type { IamTag } from "./records.js";

/** tagKeyType / tagValueType: letters, spaces, digits and _.:/=+-@ */
const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u;
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

export function checkTags(tags: { Key: string; Value: string }[] | undefined): IamTag[] {
  const out: IamTag[] = [];
  const seen = new Set<string>();
  for (const [i, t] of (tags ?? []).entries()) {
    if (!TAG_KEY.test(t.Key)) throw iamErrors.constraint(`tags.${i + 1}.member.key`, t.Key, "Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+");
    if (!TAG_VALUE.test(t.Value)) throw iamErrors.constraint(`tags.${i + 1}.member.value`, t.Value, "Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*");
    // Tag keys are case-insensitive in IAM: `Team` and `team` are the same key.
    const lower = t.Key.toLowerCase();
    if (seen.has(lower)) throw iamErrors.invalidInput("Duplicate tag keys found. Please note that Tag keys are case insensitive.");
    seen.add(lower);
    out.push({ Key: t.Key, Value: t.Value });
  }
  return out;
}
