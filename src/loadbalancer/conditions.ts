// Rule conditions as ELB evaluates them: values within one condition are OR-ed, conditions are
// AND-ed. Wildcards: `*` is any run of characters (also none), `?` exactly one; a backslash
// makes the next character literal (ELB documents it for query strings; harmless elsewhere).
import type { RuleCondition } from "./spec.js";

export interface RequestView {
  method: string;
  /** The Host header as received (a port, if any, is ignored for host-header). */
  host: string;
  /** The path without the query string. */
  path: string;
  /** Header names lower-cased. */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Decoded query parameters in order. */
  query: readonly (readonly [string, string])[];
}

export type Matcher = (req: RequestView) => boolean;

export function wildcardRegExp(pattern: string, caseInsensitive: boolean): RegExp {
  let src = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "\\" && i + 1 < pattern.length) src += escapeRe(pattern[++i]!);
    else if (c === "*") src += "[\\s\\S]*";
    else if (c === "?") src += "[\\s\\S]";
    else src += escapeRe(c);
  }
  return new RegExp(`^${src}$`, caseInsensitive ? "i" : "");
}

function escapeRe(c: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(c) ? `\\${c}` : c;
}

function anyOf(patterns: string[], caseInsensitive: boolean): (value: string) => boolean {
  const res = patterns.map((p) => wildcardRegExp(p, caseInsensitive));
  return (value) => res.some((re) => re.test(value));
}

function hostWithoutPort(host: string): string {
  // "[::1]:80" keeps its brackets; "a.example.com:8080" loses ":8080".
  if (host.startsWith("[")) return host.slice(0, host.indexOf("]") + 1);
  const colon = host.lastIndexOf(":");
  return colon >= 0 ? host.slice(0, colon) : host;
}

function headerValues(v: string | string[] | undefined): string[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

export function compileCondition(c: RuleCondition): Matcher {
  switch (c.Field) {
    case "path-pattern": {
      const ok = anyOf(c.PathPatternConfig?.Values ?? c.Values ?? [], false);
      return (req) => ok(req.path);
    }
    case "host-header": {
      const ok = anyOf(c.HostHeaderConfig?.Values ?? c.Values ?? [], true);
      return (req) => ok(hostWithoutPort(req.host));
    }
    case "http-header": {
      const name = c.HttpHeaderConfig.HttpHeaderName.toLowerCase();
      const ok = anyOf(c.HttpHeaderConfig.Values, true);
      return (req) => headerValues(req.headers[name]).some(ok);
    }
    case "query-string": {
      const pairs = c.QueryStringConfig.Values.map((v) => ({
        key: v.Key === undefined ? undefined : wildcardRegExp(v.Key, true),
        value: wildcardRegExp(v.Value, true),
      }));
      return (req) => pairs.some((p) => req.query.some(([k, v]) => (p.key === undefined || p.key.test(k)) && p.value.test(v)));
    }
  }
}

export function compileConditions(conditions: RuleCondition[]): Matcher {
  const all = conditions.map(compileCondition);
  return (req) => all.every((m) => m(req));
}
