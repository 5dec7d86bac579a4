// Rule conditions (aws-neighbors.md §1.8): path-pattern, host-header, http-header and
// query-string, the ones berth's routing table evaluates. Stored as AWS echoes them: host and
// path conditions carry both the legacy Values and their Config. Pure.
import { elbErrors } from "./errors.js";
import type { RuleRecord } from "./records.js";

export type Condition = RuleRecord["Conditions"][number];

interface ValuesConfig {
  Values?: string[];
  RegexValues?: string[];
}

export interface ConditionInput {
  Field?: string;
  Values?: string[];
  HostHeaderConfig?: ValuesConfig;
  PathPatternConfig?: ValuesConfig;
  HttpHeaderConfig?: ValuesConfig & { HttpHeaderName?: string };
  QueryStringConfig?: { Values?: { Key?: string; Value?: string }[] };
  [other: string]: unknown;
}

/** ELB's per-rule limits: 5 condition values in all, 5 wildcards in all. */
export const MAX_CONDITION_VALUES = 5;
export const MAX_WILDCARDS = 5;

const wildcards = (s: string) => (s.match(/(?<!\\)[*?]/g) ?? []).length;

export function checkConditions(input: ConditionInput[]): Condition[] {
  if (input.length === 0) throw elbErrors.validation("A rule must have at least one condition");
  const out = input.map(checkCondition);
  for (const field of ["host-header", "path-pattern"]) {
    if (out.filter((c) => c.Field === field).length > 1) throw elbErrors.validation(`A rule can have only one '${field}' condition`);
  }
  const values = out.flatMap(valuesOf);
  if (values.length > MAX_CONDITION_VALUES) {
    throw elbErrors.validation(`A rule can only have '${MAX_CONDITION_VALUES}' condition values; found ${values.length}`);
  }
  const stars = values.reduce((n, v) => n + wildcards(v), 0);
  if (stars > MAX_WILDCARDS) throw elbErrors.validation(`A rule can only have '${MAX_WILDCARDS}' wildcards; found ${stars}`);
  return out;
}

function valuesOf(c: Condition): string[] {
  switch (c.Field) {
    case "path-pattern":
      return c.PathPatternConfig?.Values ?? [];
    case "host-header":
      return c.HostHeaderConfig?.Values ?? [];
    case "http-header":
      return c.HttpHeaderConfig.Values;
    case "query-string":
      return c.QueryStringConfig.Values.map((v) => `${v.Key ?? ""}${v.Value}`);
  }
}

function checkCondition(c: ConditionInput): Condition {
  switch (c.Field) {
    case "path-pattern": {
      const values = legacyOrConfig(c, c.PathPatternConfig, "path-pattern", "PathPatternConfig");
      for (const v of values) {
        if (v.length > 128) throw elbErrors.validation(`Path pattern '${v.slice(0, 64)}…' cannot be longer than 128 characters`);
        if (!/^[A-Za-z0-9_\-.$/~"'@:+&()!,;=*?%]+$/.test(v)) throw elbErrors.validation(`Path pattern '${v.slice(0, 128)}' contains characters that are not allowed`);
      }
      return { Field: "path-pattern", Values: values, PathPatternConfig: { Values: values } };
    }
    case "host-header": {
      const values = legacyOrConfig(c, c.HostHeaderConfig, "host-header", "HostHeaderConfig");
      for (const v of values) {
        if (v.length > 128) throw elbErrors.validation(`Host header '${v.slice(0, 64)}…' cannot be longer than 128 characters`);
        if (!/^[A-Za-z0-9\-.*?]+$/.test(v) || !v.includes(".")) {
          throw elbErrors.validation(`Host header '${v.slice(0, 128)}' must be a host name with at least one '.' (letters, digits, '-', '.', '*' and '?')`);
        }
      }
      return { Field: "host-header", Values: values, HostHeaderConfig: { Values: values } };
    }
    case "http-header": {
      const h = c.HttpHeaderConfig;
      if (c.Values?.length) throw elbErrors.validation("An 'http-header' condition takes its values in HttpHeaderConfig, not Values");
      if (!h?.HttpHeaderName) throw elbErrors.validation("An 'http-header' condition must have an HTTP header name");
      if (h.HttpHeaderName.length > 40 || !/^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/.test(h.HttpHeaderName)) {
        throw elbErrors.validation(`HTTP header name '${h.HttpHeaderName.slice(0, 64)}' must be a header name of at most 40 characters`);
      }
      if (h.HttpHeaderName.toLowerCase() === "host") throw elbErrors.validation("Use a 'host-header' condition to match the Host header");
      if (h.RegexValues?.length) throw elbErrors.validation("Regular expression values are not supported by berth's load balancers");
      const values = h.Values ?? [];
      if (values.length === 0) throw elbErrors.validation("An 'http-header' condition must have at least one value");
      for (const v of values) if (v.length > 128) throw elbErrors.validation("HTTP header values cannot be longer than 128 characters");
      return { Field: "http-header", HttpHeaderConfig: { HttpHeaderName: h.HttpHeaderName, Values: values } };
    }
    case "query-string": {
      if (c.Values?.length) throw elbErrors.validation("A 'query-string' condition takes its values in QueryStringConfig, not Values");
      const pairs = c.QueryStringConfig?.Values ?? [];
      if (pairs.length === 0) throw elbErrors.validation("A 'query-string' condition must have at least one key/value pair");
      return {
        Field: "query-string",
        QueryStringConfig: {
          Values: pairs.map((p) => {
            if (p.Value === undefined || p.Value === "") throw elbErrors.validation("Each query string key/value pair must have a value");
            if (p.Value.length > 128 || (p.Key ?? "").length > 128) throw elbErrors.validation("Query string keys and values cannot be longer than 128 characters");
            return { ...(p.Key !== undefined ? { Key: p.Key } : {}), Value: p.Value };
          }),
        },
      };
    }
    default:
      throw elbErrors.validation(
        `Condition field '${String(c.Field ?? "")}' is not supported by berth's load balancers; use 'path-pattern', 'host-header', 'http-header' or 'query-string'`,
      );
  }
}

/** Host and path conditions: the legacy `Values` (one value) or the Config's list, not both differing. */
function legacyOrConfig(c: ConditionInput, config: ValuesConfig | undefined, field: string, configName: string): string[] {
  if (config?.RegexValues?.length) throw elbErrors.validation("Regular expression values are not supported by berth's load balancers");
  const legacy = c.Values ?? [];
  const listed = config?.Values ?? [];
  if (legacy.length && listed.length && (legacy.length !== listed.length || legacy.some((v, i) => v !== listed[i]))) {
    throw elbErrors.validation(`A '${field}' condition cannot have both Values and ${configName} with different values`);
  }
  if (legacy.length > 1) throw elbErrors.validation(`A '${field}' condition can have only one value in Values; use ${configName} for more`);
  const values = listed.length ? listed : legacy;
  if (values.length === 0) throw elbErrors.validation(`A '${field}' condition must have at least one value`);
  return values;
}
