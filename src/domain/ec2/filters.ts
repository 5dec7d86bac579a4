// EC2's Describe* filters: `Filter.N.Name` with values; a record matches when, for every filter,
// one of the record's values for that name matches one of the filter's values. Values may use
// `*` and `?` wildcards. Tags are `tag:<key>` and `tag-key`. Unknown names are refused, as EC2
// refuses them. Pure.
import type { Ec2Tag } from "./records.js";
import { ec2Errors } from "./errors.js";

export interface Filter {
  Name?: string;
  Values?: string[];
}

/** Filter name -> the record's values for it. */
export type FilterTable<T> = Record<string, (record: T) => (string | undefined)[]>;

export function applyFilters<T extends { Tags?: Ec2Tag[]; TagSet?: Ec2Tag[] }>(records: T[], filters: Filter[] | undefined, table: FilterTable<T>): T[] {
  if (!filters || filters.length === 0) return records;
  const checks = filters.map((f) => {
    const name = f.Name ?? "";
    const values = (f.Values ?? []).map(wildcard);
    const read = valuesOf(name, table);
    if (!read) throw ec2Errors.invalidParameterValue(`The filter '${name.slice(0, 100)}' is invalid`);
    return (r: T) => read(r).some((v) => v !== undefined && values.some((re) => re.test(v)));
  });
  return records.filter((r) => checks.every((check) => check(r)));
}

function valuesOf<T extends { Tags?: Ec2Tag[]; TagSet?: Ec2Tag[] }>(name: string, table: FilterTable<T>): ((r: T) => (string | undefined)[]) | undefined {
  if (Object.hasOwn(table, name)) return table[name];
  const tags = (r: T) => r.Tags ?? r.TagSet ?? [];
  if (name === "tag-key") return (r) => tags(r).map((t) => t.Key);
  if (name.startsWith("tag:")) {
    const key = name.slice(4);
    return (r) => tags(r).filter((t) => t.Key === key).map((t) => t.Value);
  }
  return undefined;
}

function wildcard(value: string): RegExp {
  const source = value.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${source}$`, "s");
}

/** Paging for Describe*: the token is the offset of the next page. */
export function page<T>(items: T[], maxResults: number | undefined, nextToken: string | undefined): { items: T[]; NextToken?: string } {
  const start = nextToken ? Number.parseInt(Buffer.from(nextToken, "base64url").toString(), 10) : 0;
  if (!Number.isInteger(start) || start < 0) throw ec2Errors.invalidParameterValue(`The token '${nextToken!.slice(0, 100)}' is invalid`);
  if (maxResults === undefined) return { items: items.slice(start) };
  if (maxResults < 5 || maxResults > 1000) throw ec2Errors.invalidParameterValue(`Value (${maxResults}) for parameter maxResults is invalid. Expecting a value between 5 and 1000.`);
  const end = start + maxResults;
  return { items: items.slice(start, end), ...(end < items.length ? { NextToken: Buffer.from(String(end)).toString("base64url") } : {}) };
}

export const bool = (b: boolean) => (b ? "true" : "false");
