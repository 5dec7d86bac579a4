// Labels (Kubernetes) ↔ tags (ECS). Both are string key/value pairs; tags are looser (values
// up to 256 characters, spaces allowed) and labels stricter, so each direction checks the
// other side's rules. Labels under the translator's own prefix are bookkeeping, not tags.

import type { Tag } from "@aws-sdk/client-ecs";
import type { Labels } from "./k8s-types.js";
import { BERTH_PREFIX } from "./options.js";
import type { Reporter } from "./report.js";

const MAX_TAGS = 50;

/** `r` is positioned at the labels map. */
export function labelsToTags(labels: Labels | undefined, r: Reporter): Tag[] | undefined {
  const tags: Tag[] = [];
  for (const [key, value] of Object.entries(labels ?? {})) {
    if (key.startsWith(BERTH_PREFIX)) continue;
    if (key.toLowerCase().startsWith("aws:")) {
      r.unmapped(`["${key}"]`, "tag keys starting with 'aws:' are reserved by AWS");
    } else if (key.length > 128) {
      r.unmapped(`["${key}"]`, `the key is ${key.length} characters; ECS tag keys allow 128`);
    } else if (tags.length === MAX_TAGS) {
      r.unmapped(`["${key}"]`, `ECS allows ${MAX_TAGS} tags per resource`);
    } else {
      tags.push({ key, value: String(value) });
    }
  }
  return tags.length > 0 ? tags : undefined;
}

// A label value: empty, or up to 63 characters of [A-Za-z0-9-_.] beginning and ending with an
// alphanumeric. A key: an optional DNS-subdomain prefix and "/", then a name like a value.
const LABEL_VALUE = /^(?:[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?)?$/;
const LABEL_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$/;

export function isLabelKey(key: string): boolean {
  const slash = key.lastIndexOf("/");
  if (slash < 0) return LABEL_NAME.test(key);
  return DNS_SUBDOMAIN.test(key.slice(0, slash)) && LABEL_NAME.test(key.slice(slash + 1));
}

export function isLabelValue(value: string): boolean {
  return LABEL_VALUE.test(value);
}

/** `r` is positioned at the tags list. */
export function tagsToLabels(tags: readonly Tag[] | undefined, r: Reporter): Labels {
  const labels: Labels = {};
  (tags ?? []).forEach((t, i) => {
    const key = t.key ?? "";
    const value = t.value ?? "";
    if (!isLabelKey(key)) r.unmapped(`[${i}]`, `tag key '${key}' is not a valid Kubernetes label key`);
    else if (!isLabelValue(value)) r.unmapped(`[${i}]`, `tag value '${value}' of '${key}' is not a valid Kubernetes label value (63 characters of letters, digits, '-', '_', '.')`);
    else labels[key] = value;
  });
  return labels;
}
