// The REST-JSON protocol's request side, driven by the model: which operation a method and path
// are (the model's URI templates), and the operation's input gathered from where each member
// travels — URI labels, query parameters, headers — plus the JSON body for the rest. Strings
// from the URL are turned into the member's type here (MaxItems=5 → 5); what does not convert
// is left as sent, so the model validation names the member and what it wanted. Pure.
import type { RestJsonModel } from "./rest-json-shape.js";

export interface Route {
  operation: string;
  /** URI labels by name, percent-decoded. */
  labels: Record<string, string>;
}

interface Template {
  operation: string;
  method: string;
  /** Literal segments, or a label (greedy: takes the rest of the path). */
  segments: ({ literal: string } | { label: string; greedy: boolean })[];
  /** Fixed query parameters some templates carry (`/x?tagging`): they must be present. */
  fixedQuery: string[];
}

const templates = new WeakMap<RestJsonModel, Template[]>();

function templatesOf(model: RestJsonModel): Template[] {
  let list = templates.get(model);
  if (list) return list;
  list = Object.entries(model.http).map(([operation, h]) => {
    const [path = "", query = ""] = h.requestUri.split("?");
    const segments = path
      .split("/")
      .filter((s) => s !== "")
      .map((s) => {
        const m = /^\{([^}+]+)(\+?)\}$/.exec(s);
        return m ? { label: m[1]!, greedy: m[2] === "+" } : { literal: s };
      });
    return { operation, method: h.method, segments, fixedQuery: query ? query.split("&").map((q) => q.split("=")[0]!) : [] };
  });
  // More literal segments first: `/file-systems/{Id}/policy` before `/file-systems/{Id}`.
  list.sort((a, b) => b.segments.length - a.segments.length || b.fixedQuery.length - a.fixedQuery.length);
  templates.set(model, list);
  return list;
}

/** The operation a request is, or undefined when no template of the model matches. */
export function routeRestJson(model: RestJsonModel, method: string, path: string, query: [string, string][]): Route | undefined {
  const parts = path.split("/").filter((s) => s !== "");
  const present = new Set(query.map(([k]) => k));
  for (const t of templatesOf(model)) {
    if (t.method !== method || !t.fixedQuery.every((q) => present.has(q))) continue;
    const labels = matchSegments(t, parts);
    if (labels) return { operation: t.operation, labels };
  }
  return undefined;
}

function matchSegments(t: Template, parts: string[]): Record<string, string> | undefined {
  const labels: Record<string, string> = {};
  for (let i = 0; i < t.segments.length; i++) {
    const seg = t.segments[i]!;
    if ("literal" in seg) {
      if (parts[i] !== seg.literal) return undefined;
      continue;
    }
    if (seg.greedy) {
      if (i >= parts.length) return undefined;
      labels[seg.label] = decode(parts.slice(i).join("/"));
      return labels;
    }
    if (parts[i] === undefined) return undefined;
    labels[seg.label] = decode(parts[i]!);
  }
  return parts.length === t.segments.length ? labels : undefined;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export interface RestJsonRequest {
  labels: Record<string, string>;
  query: [string, string][];
  headers: Record<string, string | string[] | undefined>;
  /** The decoded JSON body ({} when empty). */
  body: unknown;
}

/** The operation's input object, before validation. */
export function restJsonInput(model: RestJsonModel, operation: string, req: RestJsonRequest): unknown {
  const inputShape = model.operations[operation]?.input;
  if (!inputShape) return {};
  const located = model.locations[inputShape] ?? {};
  const shape = model.shapes[inputShape]!;
  const body = req.body;
  // Members that travel in the URL or headers are never read from the body.
  const out: Record<string, unknown> = {};
  // A body that is not an object is handed on as it is, for validation to refuse.
  if (typeof body !== "object" || body === null || Array.isArray(body)) return body;
  for (const [k, v] of Object.entries(body)) if (!located[k] && Object.hasOwn(shape.members ?? {}, k)) out[k] = v;
  for (const [member, loc] of Object.entries(located)) {
    const target = shape.members![member]!;
    let raw: string | string[] | undefined;
    if (loc.location === "uri") raw = req.labels[loc.name];
    else if (loc.location === "querystring") {
      const values = req.query.filter(([k]) => k === loc.name).map(([, v]) => v);
      raw = model.shapes[target]?.type === "list" ? (values.length ? values : undefined) : values[0];
    } else if (loc.location === "header") {
      const h = req.headers[loc.name.toLowerCase()];
      raw = Array.isArray(h) ? h[0] : h;
    }
    if (raw !== undefined) out[member] = fromText(model, target, raw);
  }
  return out;
}

/** A URL or header string as the member's type; left as is when it does not convert. */
function fromText(model: RestJsonModel, shapeName: string, raw: string | string[]): unknown {
  const shape = model.shapes[shapeName];
  if (Array.isArray(raw)) return shape?.type === "list" ? raw.map((r) => fromText(model, shape.member!, r)) : raw[0];
  switch (shape?.type) {
    case "integer":
    case "long":
      return /^-?\d+$/.test(raw) ? Number(raw) : raw;
    case "double":
    case "float":
      return raw.trim() !== "" && Number.isFinite(Number(raw)) ? Number(raw) : raw;
    case "boolean":
      return raw === "true" ? true : raw === "false" ? false : raw;
    case "list":
      return [fromText(model, shape.member!, raw)];
    default:
      return raw;
  }
}
