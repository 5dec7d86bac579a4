// Checks a decoded request body against the operation's input shape, the way an AWS JSON
// service does before its handler runs: wrong JSON types are SerializationException (as the
// wire layer of AWS answers), missing required members, enum values, lengths and ranges are
// InvalidParameterException naming the member. Timestamps are normalized to epoch ms so the
// handlers never see the wire's epoch seconds.
import type { ApiModel, Shape } from "./shape.js";

export interface InputProblem {
  type: "SerializationException" | "InvalidParameterException";
  message: string;
}

type Result = { ok: true; value: unknown } | { ok: false; problem: InputProblem };

export interface ValidateOptions {
  /** A service's own words for a value outside an enum (ECS: `<field> should be one of [A, B]`). */
  enumMessage?: (path: string, allowed: readonly string[]) => string;
}

export function validateInput(model: ApiModel, shapeName: string | null, body: unknown, options: ValidateOptions = {}): Result {
  if (shapeName === null) return { ok: true, value: {} };
  try {
    return { ok: true, value: walk(model, shapeName, body, "", options) };
  } catch (err) {
    if (err instanceof Problem) return { ok: false, problem: { type: err.type, message: err.message } };
    throw err;
  }
}

class Problem extends Error {
  constructor(
    readonly type: InputProblem["type"],
    message: string,
  ) {
    super(message);
  }
}

const describe = (v: unknown): string => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v);

function serialization(path: string, wanted: string, found: unknown): Problem {
  const where = path ? ` for '${path}'` : "";
  return new Problem("SerializationException", `Expected ${wanted}${where}, found ${describe(found)}.`);
}

function invalid(path: string, message: string): Problem {
  return new Problem("InvalidParameterException", `Invalid parameter '${path}': ${message}`);
}

const join = (path: string, member: string) => (path ? `${path}.${member}` : member);

const patterns = new Map<string, RegExp>();
function patternOf(source: string): RegExp {
  let re = patterns.get(source);
  if (!re) {
    re = compilePattern(`^(?:${source})$`);
    patterns.set(source, re);
  }
  return re;
}

/**
 * The models' patterns are Java regular expressions. Unicode mode is needed for classes like
 * `\p{L}` (SSM's tag keys) but refuses Java's escapes of plain characters (`\!`, `\=` in
 * Secrets Manager's filter values), which JavaScript accepts only outside it.
 */
function compilePattern(source: string): RegExp {
  try {
    return new RegExp(source, "u");
  } catch {
    return new RegExp(source);
  }
}

function walk(model: ApiModel, shapeName: string, value: unknown, path: string, o: ValidateOptions): unknown {
  const shape: Shape | undefined = model.shapes[shapeName];
  if (!shape) throw new Error(`model has no shape ${shapeName}`);
  if (shape.document) return value;
  switch (shape.type) {
    case "structure":
      return walkStructure(model, shape, value, path, o);
    case "list": {
      if (!Array.isArray(value)) throw serialization(path, "a list", value);
      if (shape.min !== undefined && value.length < shape.min) throw invalid(path, `must have at least ${shape.min} items, found ${value.length}.`);
      if (shape.max !== undefined && value.length > shape.max) throw invalid(path, `must have at most ${shape.max} items, found ${value.length}.`);
      return value.map((item, i) => {
        if (item === null) throw serialization(`${path}[${i}]`, "a value", item);
        return walk(model, shape.member!, item, `${path}[${i}]`, o);
      });
    }
    case "map": {
      if (!isPlainObject(value)) throw serialization(path, "a map", value);
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        if (v === null) continue;
        out[k] = walk(model, shape.value!, v, `${path}.${k}`, o);
      }
      return out;
    }
    case "string": {
      if (typeof value !== "string") throw serialization(path, "a string", value);
      if (shape.enum && !shape.enum.includes(value)) {
        if (o.enumMessage) throw new Problem("InvalidParameterException", o.enumMessage(path, shape.enum));
        throw invalid(path, `'${truncate(value)}' is not one of ${shape.enum.join(", ")}.`);
      }
      if (shape.min !== undefined && value.length < shape.min) throw invalid(path, `must be at least ${shape.min} characters long.`);
      if (shape.max !== undefined && value.length > shape.max) throw invalid(path, `must be at most ${shape.max} characters long.`);
      if (shape.pattern && !patternOf(shape.pattern).test(value)) throw invalid(path, `'${truncate(value)}' does not match ${shape.pattern}.`);
      return value;
    }
    case "integer":
    case "long": {
      if (typeof value !== "number" || !Number.isFinite(value)) throw serialization(path, "a number", value);
      if (!Number.isInteger(value)) throw serialization(path, "an integer", value);
      checkRange(shape, value, path);
      return value;
    }
    case "double":
    case "float": {
      if (typeof value !== "number" || !Number.isFinite(value)) throw serialization(path, "a number", value);
      checkRange(shape, value, path);
      return value;
    }
    case "boolean":
      if (typeof value !== "boolean") throw serialization(path, "a boolean", value);
      return value;
    case "timestamp": {
      // The JSON protocols send epoch seconds; ISO strings are accepted as clients also send them.
      if (typeof value === "number" && Number.isFinite(value)) return Math.round(value * 1000);
      if (typeof value === "string" && !Number.isNaN(Date.parse(value))) return Date.parse(value);
      throw serialization(path, "a timestamp", value);
    }
    case "blob":
      if (typeof value !== "string") throw serialization(path, "a base64 string", value);
      return value;
  }
}

function walkStructure(model: ApiModel, shape: Shape, value: unknown, path: string, o: ValidateOptions): Record<string, unknown> {
  if (!isPlainObject(value)) throw serialization(path, "an object", value);
  const out: Record<string, unknown> = {};
  for (const [member, target] of Object.entries(shape.members ?? {})) {
    const v = value[member];
    if (v === undefined || v === null) continue;
    out[member] = walk(model, target, v, join(path, member), o);
  }
  for (const member of shape.required ?? []) {
    if (out[member] === undefined) {
      throw new Problem("InvalidParameterException", `Missing required parameter '${join(path, member)}'.`);
    }
  }
  return out;
}

function checkRange(shape: Shape, value: number, path: string): void {
  if (shape.min !== undefined && value < shape.min) throw invalid(path, `${value} is below the minimum of ${shape.min}.`);
  if (shape.max !== undefined && value > shape.max) throw invalid(path, `${value} is above the maximum of ${shape.max}.`);
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function truncate(s: string): string {
  return s.length > 64 ? `${s.slice(0, 61)}...` : s;
}
