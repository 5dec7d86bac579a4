// ListSecrets' Filters, pure. From the Filter reference: name, tag-key, tag-value and
// primary-region are case-sensitive prefix matches, description a case-insensitive one; `all`
// splits the value into words and looks for each in every attribute, case-insensitively; a
// value starting with "!" negates. Values of one filter are alternatives; filters all apply.
import type { SecretRecord } from "./records.js";

export interface SecretFilter {
  Key: "description" | "name" | "tag-key" | "tag-value" | "primary-region" | "owning-service" | "all";
  Values: string[];
}

export function matchesFilters(rec: SecretRecord, region: string, filters: readonly SecretFilter[]): boolean {
  return filters.every((f) => f.Values.some((v) => matchesValue(rec, region, f.Key, v)));
}

function matchesValue(rec: SecretRecord, region: string, key: SecretFilter["Key"], raw: string): boolean {
  const negate = raw.startsWith("!");
  const value = negate ? raw.slice(1) : raw;
  const hit = attributeMatches(rec, region, key, value);
  return negate ? !hit : hit;
}

function attributeMatches(rec: SecretRecord, region: string, key: SecretFilter["Key"], value: string): boolean {
  const prefixOf = (attrs: (string | undefined)[], fold: boolean) =>
    attrs.some((a) => a !== undefined && (fold ? a.toLowerCase().startsWith(value.toLowerCase()) : a.startsWith(value)));
  switch (key) {
    case "name":
      return prefixOf([rec.Name], false);
    case "description":
      return prefixOf([rec.Description], true);
    case "tag-key":
      return prefixOf(rec.Tags.map((t) => t.Key), false);
    case "tag-value":
      return prefixOf(rec.Tags.map((t) => t.Value), false);
    case "primary-region":
      // berth does not replicate: every secret's primary Region is the one it lives in.
      return region.startsWith(value);
    case "owning-service":
      // No AWS service creates secrets in berth.
      return false;
    case "all": {
      const attrs = [rec.Name, rec.Description, ...rec.Tags.flatMap((t) => [t.Key, t.Value])].filter((a): a is string => a !== undefined).map((a) => a.toLowerCase());
      const words = value.toLowerCase().split(/\s+/).filter(Boolean);
      return words.every((w) => attrs.some((a) => a.includes(w)));
    }
  }
}
