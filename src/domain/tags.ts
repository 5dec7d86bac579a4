// Tag rules shared by every taggable resource (ecs-behavior.md §1.4): at most 50 user tags,
// keys 1-128 and values 0-256 characters, and the `aws:` prefix reserved.
import type { Tag } from "@aws-sdk/client-ecs";
import { invalidParameter } from "../model/index.js";

export const MAX_TAGS = 50;

export function validateTags(tags: Tag[] | undefined, field = "tags"): Tag[] {
  if (!tags) return [];
  const seen = new Set<string>();
  for (const [i, t] of tags.entries()) {
    if (t.key === undefined || t.key.length === 0) throw invalidParameter(`Invalid parameter '${field}[${i}].key': a tag key is required.`);
    if (t.key.length > 128) throw invalidParameter(`Invalid parameter '${field}[${i}].key': tag keys are at most 128 characters.`);
    if ((t.value ?? "").length > 256) throw invalidParameter(`Invalid parameter '${field}[${i}].value': tag values are at most 256 characters.`);
    if (t.key.toLowerCase().startsWith("aws:")) {
      throw invalidParameter(`Invalid parameter '${field}[${i}].key': the 'aws:' prefix is reserved for AWS use.`);
    }
    seen.add(t.key);
  }
  if (seen.size > MAX_TAGS) throw invalidParameter(`Invalid parameter '${field}': at most ${MAX_TAGS} tags are allowed, found ${seen.size}.`);
  return tags.map((t) => ({ key: t.key!, value: t.value ?? "" }));
}

/** Applies new tags over existing ones: same key replaces, new keys append. */
export function mergeTags(existing: Tag[] | undefined, added: Tag[]): Tag[] {
  const out = new Map((existing ?? []).map((t) => [t.key!, t.value ?? ""]));
  for (const t of added) out.set(t.key!, t.value ?? "");
  const merged = [...out].map(([key, value]) => ({ key, value }));
  if (merged.length > MAX_TAGS) throw invalidParameter(`Invalid parameter 'tags': a resource can have at most ${MAX_TAGS} tags, this would make ${merged.length}.`);
  return merged;
}

export function removeTags(existing: Tag[] | undefined, keys: string[]): Tag[] {
  const drop = new Set(keys);
  return (existing ?? []).filter((t) => !drop.has(t.key!));
}
