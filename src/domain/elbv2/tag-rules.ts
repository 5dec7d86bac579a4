// Tags on ELBv2 resources: at most 50 per resource, keys unique in a request, none in AWS's
// reserved `aws:` space. Pure.
import { elbErrors } from "./errors.js";
import type { ElbTag } from "./records.js";

export const MAX_TAGS = 50;

/** Checks the tags of a request: no key twice, no `aws:` prefix. */
export function checkTagInput(tags: { Key?: string; Value?: string }[] | undefined): ElbTag[] {
  const seen = new Set<string>();
  return (tags ?? []).map((t) => {
    if (t.Key === undefined) throw elbErrors.validation("A tag key must be specified");
    if (seen.has(t.Key)) throw elbErrors.duplicateTagKeys(t.Key);
    seen.add(t.Key);
    if (t.Key.toLowerCase().startsWith("aws:")) throw elbErrors.validation(`Tag key '${t.Key}' cannot begin with 'aws:' (reserved for AWS use)`);
    return t.Value !== undefined ? { Key: t.Key, Value: t.Value } : { Key: t.Key };
  });
}

/** `current` with `added` set (a key given again takes the new value); TooManyTags past 50. */
export function mergeTags(arn: string, current: ElbTag[], added: ElbTag[]): ElbTag[] {
  const byKey = new Map(current.map((t) => [t.Key, t]));
  for (const t of added) byKey.set(t.Key, t);
  if (byKey.size > MAX_TAGS) throw elbErrors.tooManyTags(arn, MAX_TAGS);
  return [...byKey.values()];
}
