// Condition blocks compiled into predicates over the request context (IAM User Guide,
// "IAM JSON policy elements: Condition operators" and "Condition keys with multiple values").
//
// The rules, in one place:
// - a statement's conditions are all AND-ed; a key's values are OR-ed for the positive
//   operators, and a negated operator (StringNotEquals, ArnNotLike, NotIpAddress, …) is the
//   negation of its positive twin, so it holds when the value equals none of them;
// - a key absent from the context makes a positive operator false and a negated one true;
//   `…IfExists` makes either true; `Null: true` holds exactly when the key is absent;
// - a multi-valued key: `ForAnyValue:` holds when some request value satisfies the operator
//   (false when the key is absent or empty); `ForAllValues:` when every one does (true when it is
//   absent or empty); without a qualifier a positive operator holds when any value matches.
import type { Condition } from "./document.js";
import { compileGlob, compileValue, type Variables } from "./glob.js";
import { inRange, parseIp, parseRange, type IpRange } from "./ip.js";
import { splitOperator } from "./operators.js";

/** The request context normalised: lower-cased keys, every value a list of strings. */
export type Context = ReadonlyMap<string, readonly string[]>;

export type CompiledCondition = (ctx: Context, vars: Variables) => boolean;

/** A positive per-value test: does one request value match any of the policy's values? */
type ValueTest = (value: string, vars: Variables) => boolean;

export function compileCondition(condition: Condition, variables: boolean): CompiledCondition {
  const parts = splitOperator(condition.operator);
  if (!parts) return () => false; // parsePolicyDocument refuses these; never reached for parsed policies
  const key = condition.key.toLowerCase();
  if (parts.base === "Null") {
    const wants = condition.values.map((v) => v.toLowerCase());
    return (ctx) => {
      const absent = (ctx.get(key)?.length ?? 0) === 0;
      return wants.some((w) => (w === "true" ? absent : w === "false" ? !absent : false));
    };
  }
  const { test, negated } = valueTest(parts.base, condition.values, variables);
  const { set, ifExists } = parts;
  return (ctx, vars) => {
    const values = ctx.get(key);
    if (values === undefined || values.length === 0) {
      if (ifExists) return true;
      if (set === "ForAllValues") return true;
      if (set === "ForAnyValue") return false;
      return negated;
    }
    if (set === "ForAllValues") {
      for (const v of values) if (test(v, vars) === negated) return false;
      return true;
    }
    if (set === "ForAnyValue") {
      for (const v of values) if (test(v, vars) !== negated) return true;
      return false;
    }
    let any = false;
    for (const v of values) {
      if (test(v, vars)) {
        any = true;
        break;
      }
    }
    return any !== negated;
  };
}

/** Numeric* and Date* share their comparisons; the Not… forms are negations of Equals. */
const COMPARISONS: Record<string, (request: number, policy: number) => boolean> = {
  Equals: (a, b) => a === b,
  NotEquals: (a, b) => a === b,
  LessThan: (a, b) => a < b,
  LessThanEquals: (a, b) => a <= b,
  GreaterThan: (a, b) => a > b,
  GreaterThanEquals: (a, b) => a >= b,
};

function valueTest(base: string, values: string[], variables: boolean): { test: ValueTest; negated: boolean } {
  for (const [family, parse] of [["Numeric", toNumber], ["Date", parseDate]] as const) {
    const cmp = base.startsWith(family) ? COMPARISONS[base.slice(family.length)] : undefined;
    if (cmp) return { test: orderTest(values, parse, cmp), negated: base.endsWith("NotEquals") };
  }
  switch (base) {
    case "StringEquals":
    case "StringNotEquals":
      return { test: equalsTest(values, variables, false), negated: base === "StringNotEquals" };
    case "StringEqualsIgnoreCase":
    case "StringNotEqualsIgnoreCase":
      return { test: equalsTest(values, variables, true), negated: base === "StringNotEqualsIgnoreCase" };
    case "StringLike":
    case "StringNotLike":
      return { test: globTest(values, "string", variables), negated: base === "StringNotLike" };
    // ArnEquals and ArnLike are the same test: each of the six segments compared with wildcards.
    case "ArnEquals":
    case "ArnLike":
    case "ArnNotEquals":
    case "ArnNotLike":
      return { test: globTest(values, "arn", variables), negated: base === "ArnNotEquals" || base === "ArnNotLike" };
    case "Bool": {
      const wants = new Set(values.map((v) => v.toLowerCase()));
      return { test: (v) => wants.has(v.toLowerCase()), negated: false };
    }
    case "BinaryEquals": {
      const wants = new Set(values);
      return { test: (v) => wants.has(v), negated: false };
    }
    case "IpAddress":
    case "NotIpAddress": {
      const ranges = values.map(parseRange).filter((r): r is IpRange => r !== undefined);
      return {
        test: (v) => {
          const ip = parseIp(v);
          return ip !== undefined && ranges.some((r) => inRange(ip, r));
        },
        negated: base === "NotIpAddress",
      };
    }
    default:
      return { test: () => false, negated: false };
  }
}

function equalsTest(values: string[], variables: boolean, ignoreCase: boolean): ValueTest {
  const norm = (s: string) => (ignoreCase ? s.toLowerCase() : s);
  const compiled = values.map((v) => compileValue(v, variables));
  if (!variables || !values.some((v) => v.includes("${"))) {
    const wants = new Set(values.map(norm));
    return (v) => wants.has(norm(v));
  }
  return (v, vars) => {
    const got = norm(v);
    for (const c of compiled) {
      const want = c(vars);
      if (want !== undefined && norm(want) === got) return true;
    }
    return false;
  };
}

function globTest(values: string[], mode: "string" | "arn", variables: boolean): ValueTest {
  const globs = values.map((v) => compileGlob(v, mode, variables));
  return (v, vars) => {
    for (const g of globs) if (g.match(v, vars)) return true;
    return false;
  };
}

const toNumber = (s: string): number | undefined => {
  if (s.trim() === "") return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
};

/** ISO 8601 dates, or epoch seconds (aws:EpochTime, and policies may write either). */
export function parseDate(s: string): number | undefined {
  if (/^-?\d+(\.\d+)?$/.test(s)) return Number(s) * 1000;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : t;
}

function orderTest(values: string[], parse: (s: string) => number | undefined, cmp: (request: number, policy: number) => boolean): ValueTest {
  const wants = values.map(parse).filter((n): n is number => n !== undefined);
  return (v) => {
    const n = parse(v);
    return n !== undefined && wants.some((w) => cmp(n, w));
  };
}
