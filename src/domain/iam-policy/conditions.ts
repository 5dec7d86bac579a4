// Condition blocks compiled into predicates over the request context (IAM User Guide,
// "IAM JSON policy elements: Condition operators" and "Creating a condition with multiple keys
// or values").
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
// Evaluation runs on every API request, so the hot paths loop without allocating, and a
// request's addresses and dates are parsed once however many statements test them.
import type { Condition } from "./document.js";
import { compileGlob, compileValue, type Variables } from "./glob.js";
import { inRange, parseIp, parseRange, type Ip, type IpRange } from "./ip.js";
import { splitOperator } from "./operators.js";

/** One request's condition keys: lower-cased keys, every value a list of strings. */
export class Context implements Variables {
  private ips: Map<string, Ip | undefined> | undefined;
  private dates: Map<string, number | undefined> | undefined;

  constructor(private readonly values: ReadonlyMap<string, readonly string[]>) {}

  get(key: string): readonly string[] | undefined {
    return this.values.get(key);
  }

  /** Policy variables read single-valued keys; a multi-valued or absent key resolves to nothing. */
  variable(key: string): string | undefined {
    const v = this.values.get(key);
    return v !== undefined && v.length === 1 ? v[0] : undefined;
  }

  ip(text: string): Ip | undefined {
    this.ips ??= new Map();
    if (!this.ips.has(text)) this.ips.set(text, parseIp(text));
    return this.ips.get(text);
  }

  date(text: string): number | undefined {
    this.dates ??= new Map();
    if (!this.dates.has(text)) this.dates.set(text, parseDate(text));
    return this.dates.get(text);
  }
}

export interface CompiledCondition {
  test(ctx: Context): boolean;
  /** Cheap tests first: a statement stops at its first false condition. */
  cost: number;
}

/** A positive per-value test: does one request value match any of the policy's values? */
type ValueTest = (value: string, ctx: Context) => boolean;

const NEVER: CompiledCondition = { test: () => false, cost: 0 };

export function compileCondition(condition: Condition, variables: boolean): CompiledCondition {
  const parts = splitOperator(condition.operator);
  if (!parts) return NEVER; // parsePolicyDocument refuses these; never reached for parsed policies
  const key = condition.key.toLowerCase();
  if (parts.base === "Null") {
    const wantsAbsent = condition.values.some((v) => v.toLowerCase() === "true");
    const wantsPresent = condition.values.some((v) => v.toLowerCase() === "false");
    return {
      cost: 0,
      test: (ctx) => {
        const absent = (ctx.get(key)?.length ?? 0) === 0;
        return absent ? wantsAbsent : wantsPresent;
      },
    };
  }
  const { test, negated, cost } = valueTest(parts.base, condition.values, variables);
  const { set, ifExists } = parts;
  return {
    cost,
    test: (ctx) => {
      const values = ctx.get(key);
      if (values === undefined || values.length === 0) {
        if (ifExists) return true;
        if (set === "ForAllValues") return true;
        if (set === "ForAnyValue") return false;
        return negated;
      }
      if (set === "ForAllValues") {
        for (const v of values) if (test(v, ctx) === negated) return false;
        return true;
      }
      if (set === "ForAnyValue") {
        for (const v of values) if (test(v, ctx) !== negated) return true;
        return false;
      }
      for (const v of values) if (test(v, ctx)) return !negated;
      return negated;
    },
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

interface Compiled {
  test: ValueTest;
  negated: boolean;
  cost: number;
}

function valueTest(base: string, values: string[], variables: boolean): Compiled {
  const numeric = base.startsWith("Numeric") ? COMPARISONS[base.slice("Numeric".length)] : undefined;
  if (numeric) return { test: orderTest(values, toNumber, (v) => toNumber(v), numeric), negated: base === "NumericNotEquals", cost: 1 };
  const date = base.startsWith("Date") ? COMPARISONS[base.slice("Date".length)] : undefined;
  if (date) return { test: orderTest(values, parseDate, (v, ctx) => ctx.date(v), date), negated: base === "DateNotEquals", cost: 2 };
  switch (base) {
    case "StringEquals":
    case "StringNotEquals":
      return { test: equalsTest(values, variables, false), negated: base === "StringNotEquals", cost: 1 };
    case "StringEqualsIgnoreCase":
    case "StringNotEqualsIgnoreCase":
      return { test: equalsTest(values, variables, true), negated: base === "StringNotEqualsIgnoreCase", cost: 1 };
    case "StringLike":
    case "StringNotLike":
      return { test: globTest(values, "string", variables), negated: base === "StringNotLike", cost: 2 };
    // ArnEquals and ArnLike are the same test: each of the six segments compared with wildcards.
    case "ArnEquals":
    case "ArnLike":
    case "ArnNotEquals":
    case "ArnNotLike":
      return { test: globTest(values, "arn", variables), negated: base === "ArnNotEquals" || base === "ArnNotLike", cost: 2 };
    case "Bool": {
      const wants = new Set(values.map((v) => v.toLowerCase()));
      return { test: (v) => wants.has(v === "true" || v === "false" ? v : v.toLowerCase()), negated: false, cost: 0 };
    }
    case "BinaryEquals": {
      const wants = new Set(values);
      return { test: (v) => wants.has(v), negated: false, cost: 0 };
    }
    case "IpAddress":
    case "NotIpAddress": {
      const ranges = values.map(parseRange).filter((r): r is IpRange => r !== undefined);
      return {
        test: (v, ctx) => {
          const ip = ctx.ip(v);
          if (ip === undefined) return false;
          for (const r of ranges) if (inRange(ip, r)) return true;
          return false;
        },
        negated: base === "NotIpAddress",
        cost: 3,
      };
    }
    default:
      return { test: () => false, negated: false, cost: 0 };
  }
}

function equalsTest(values: string[], variables: boolean, ignoreCase: boolean): ValueTest {
  const norm = (s: string) => (ignoreCase ? s.toLowerCase() : s);
  if (!variables || !values.some((v) => v.includes("${"))) {
    const wants = new Set(values.map(norm));
    return (v) => wants.has(norm(v));
  }
  const compiled = values.map((v) => compileValue(v, variables));
  return (v, ctx) => {
    const got = norm(v);
    for (const c of compiled) {
      const want = c(ctx);
      if (want !== undefined && norm(want) === got) return true;
    }
    return false;
  };
}

function globTest(values: string[], mode: "string" | "arn", variables: boolean): ValueTest {
  const globs = values.map((v) => compileGlob(v, mode, variables));
  return (v, ctx) => {
    for (const g of globs) if (g.match(v, ctx)) return true;
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

function orderTest(
  values: string[],
  parsePolicy: (s: string) => number | undefined,
  parseRequest: (s: string, ctx: Context) => number | undefined,
  cmp: (request: number, policy: number) => boolean,
): ValueTest {
  const wants = values.map(parsePolicy).filter((n): n is number => n !== undefined);
  return (v, ctx) => {
    const n = parseRequest(v, ctx);
    if (n === undefined) return false;
    for (const w of wants) if (cmp(n, w)) return true;
    return false;
  };
}
