// ParameterFilters of GetParametersByPath and DescribeParameters, pure: which keys each takes,
// which options each key takes, and whether a parameter matches. From the ParameterStringFilter
// reference: GetParametersByPath takes Type, KeyId and Label; DescribeParameters every key but
// Label; options are Equals and BeginsWith, Name also Contains, Path Recursive and OneLevel,
// Label only Equals. Names compare without their leading slash, as names.ts stores them.
import { ssmErrors } from "./errors.js";
import { parsePath, underPath } from "./names.js";
import type { ParameterRecord } from "./records.js";

export interface StringFilter {
  Key: string;
  Option?: string;
  Values?: string[];
}

type Operation = "GetParametersByPath" | "DescribeParameters";

const KEYS: Record<Operation, RegExp> = {
  GetParametersByPath: /^(Type|KeyId|Label)$/,
  DescribeParameters: /^(tag:.+|Name|Type|KeyId|Path|Tier|DataType)$/,
};

const TYPES = ["String", "StringList", "SecureString"];
const TIERS = ["Standard", "Advanced", "Intelligent-Tiering"];

function optionsOf(key: string): string[] {
  if (key === "Path") return ["Recursive", "OneLevel"];
  if (key === "Label") return ["Equals"];
  if (key === "Name") return ["Equals", "BeginsWith", "Contains"];
  return ["Equals", "BeginsWith"];
}

/** Throws SSM's filter errors for keys, options and values the operation does not take. */
export function checkStringFilters(filters: readonly StringFilter[], op: Operation): void {
  for (const f of filters) {
    if (!KEYS[op].test(f.Key)) throw ssmErrors.filterKey(f.Key, op);
    const options = optionsOf(f.Key);
    if (f.Option !== undefined && !options.includes(f.Option)) {
      throw ssmErrors.filterOption(`The filter option ${f.Option.slice(0, 20)} isn't valid for ${f.Key.slice(0, 140)}. Valid options are ${options.join(" and ")}.`);
    }
    const values = f.Values ?? [];
    if (values.length === 0 && !f.Key.startsWith("tag:")) throw ssmErrors.filterValue(`The filter ${f.Key} needs at least one value. Verify the value and try again.`);
    if (f.Key === "Type") for (const v of values) if (!TYPES.includes(v)) throw ssmErrors.filterValue(`The Type filter value ${v.slice(0, 64)} isn't valid: use ${TYPES.join(", ")}.`);
    if (f.Key === "Tier") for (const v of values) if (!TIERS.includes(v)) throw ssmErrors.filterValue(`The Tier filter value ${v.slice(0, 64)} isn't valid: use ${TIERS.join(", ")}.`);
    if (f.Key === "Path") for (const v of values) parsePath(v);
  }
}

export function matchesStringFilters(key: string, rec: ParameterRecord, filters: readonly StringFilter[]): boolean {
  return filters.every((f) => matches(key, rec, f));
}

function matches(key: string, rec: ParameterRecord, f: StringFilter): boolean {
  const values = f.Values ?? [];
  const option = f.Option ?? (f.Key === "Path" ? "OneLevel" : "Equals");
  const compare = (actual: string | undefined, wanted: string) => {
    if (actual === undefined) return false;
    if (option === "BeginsWith") return actual.startsWith(wanted);
    if (option === "Contains") return actual.includes(wanted);
    return actual === wanted;
  };
  if (f.Key.startsWith("tag:")) {
    const tag = rec.Tags.find((t) => t.Key === f.Key.slice(4));
    return tag !== undefined && (values.length === 0 || values.some((v) => compare(tag.Value, v)));
  }
  switch (f.Key) {
    case "Name":
      return values.some((v) => compare(key, v.startsWith("/") ? v.slice(1) : v));
    case "Type":
      return values.some((v) => compare(rec.Type, v));
    case "KeyId":
      return values.some((v) => compare(rec.KeyId, v));
    case "Tier":
      return values.some((v) => compare(rec.Tier, v));
    case "DataType":
      return values.some((v) => compare(rec.DataType, v));
    case "Path":
      return values.some((v) => underPath(key, parsePath(v).prefix, option === "Recursive"));
    default:
      // Label: berth keeps no labels, so no parameter carries the one asked for.
      return false;
  }
}

/** DescribeParameters' older Filters (Name, Type, KeyId), in ParameterFilters' terms. */
export function fromLegacyFilters(filters: readonly { Key: string; Values: string[] }[]): StringFilter[] {
  return filters.map((f) => ({ Key: f.Key, Option: f.Key === "Name" ? "BeginsWith" : "Equals", Values: f.Values }));
}
