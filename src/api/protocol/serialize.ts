// Shapes a handler's result into exactly what the model's output shape allows: unknown and
// internal fields never leak, absent members are omitted (never null), and timestamps, kept
// as epoch milliseconds inside berth, go out as the JSON protocols' epoch seconds.
import type { ApiModel } from "./shape.js";

export function serializeOutput(model: ApiModel, shapeName: string | null, value: unknown): unknown {
  if (shapeName === null) return {};
  return emit(model, shapeName, value) ?? {};
}

// Records read from the cache are frozen, so their serialized form can be remembered: repeated
// describes of the same revision then cost a lookup instead of a walk over the whole shape.
const memo = new WeakMap<object, Map<string, unknown>>();

function emit(model: ApiModel, shapeName: string, value: unknown): unknown {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "object" && Object.isFrozen(value)) {
    let byShape = memo.get(value);
    if (!byShape) memo.set(value, (byShape = new Map()));
    if (byShape.has(shapeName)) return byShape.get(shapeName);
    const out = emitShape(model, shapeName, value);
    byShape.set(shapeName, out);
    return out;
  }
  return emitShape(model, shapeName, value);
}

function emitShape(model: ApiModel, shapeName: string, value: unknown): unknown {
  const shape = model.shapes[shapeName];
  if (!shape) throw new Error(`model has no shape ${shapeName}`);
  if (shape.document) return value;
  switch (shape.type) {
    case "structure": {
      if (typeof value !== "object") return undefined;
      const src = value as Record<string, unknown>;
      const members = shape.members ?? {};
      const out: Record<string, unknown> = {};
      // Over the value's fields, not the shape's members: a container definition has about 50
      // members and usually sets a handful.
      for (const member of Object.keys(src)) {
        if (!Object.hasOwn(members, member)) continue;
        const v = emit(model, members[member]!, src[member]);
        if (v !== undefined) out[member] = v;
      }
      return out;
    }
    case "list":
      if (!Array.isArray(value)) return undefined;
      return value.map((item) => emit(model, shape.member!, item)).filter((v) => v !== undefined);
    case "map": {
      if (typeof value !== "object") return undefined;
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        const e = emit(model, shape.value!, v);
        if (e !== undefined) out[k] = e;
      }
      return out;
    }
    case "timestamp":
      return typeof value === "number" ? value / 1000 : undefined;
    default:
      return value;
  }
}
