// Writes a query-protocol response as XML, shaped by the model's output shape: elements are
// named by locationName (or the member's name), lists wrap their items (`<vpcSet><item>`) unless
// flattened, booleans are `true`/`false`, timestamps ISO 8601 (berth keeps epoch ms inside).
// ec2 puts the members straight under `<OpResponse>` beside `<requestId>`; query wraps them in
// `<OpResult>` and ends with `<ResponseMetadata>`. Errors have one envelope per dialect.
import type { MemberRef, QueryModel, QueryShape } from "./query-shape.js";

const XML_DECL = '<?xml version="1.0" encoding="UTF-8"?>\n';

export function escapeXml(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", "'": "&apos;", '"': "&quot;" })[c]!);
}

export function renderQueryOutput(model: QueryModel, operation: string, value: unknown, requestId: string): string {
  const spec = model.operations[operation]!;
  const ns = model.xmlNamespace.endsWith("/") ? model.xmlNamespace : `${model.xmlNamespace}/`;
  const out = value && typeof value === "object" ? (value as Record<string, unknown>) : {};
  const body = spec.output ? members(model, model.shapes[spec.output]!, out) : "";
  if (model.protocol === "ec2") {
    // An operation without output answers `<return>true</return>`, as EC2 does.
    const tail = spec.output ? body : "<return>true</return>";
    return `${XML_DECL}<${operation}Response xmlns="${ns}"><requestId>${requestId}</requestId>${tail}</${operation}Response>`;
  }
  const wrapper = spec.resultWrapper ?? `${operation}Result`;
  const result = spec.output ? `<${wrapper}>${body}</${wrapper}>` : "";
  return `${XML_DECL}<${operation}Response xmlns="${ns}">${result}<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${operation}Response>`;
}

export function renderQueryError(model: QueryModel, code: string, message: string, requestId: string, sender: boolean): string {
  const err = `<Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message>`;
  if (model.protocol === "ec2") return `${XML_DECL}<Response><Errors><Error>${err}</Error></Errors><RequestID>${requestId}</RequestID></Response>`;
  const type = sender ? "Sender" : "Receiver";
  return `${XML_DECL}<ErrorResponse><Error><Type>${type}</Type>${err}</Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
}

function members(model: QueryModel, shape: QueryShape, value: Record<string, unknown>): string {
  let xml = "";
  for (const [member, ref] of Object.entries(shape.members ?? {})) {
    const v = value[member];
    if (v === undefined || v === null) continue;
    xml += element(model, ref, ref.locationName ?? member, v);
  }
  return xml;
}

function element(model: QueryModel, ref: MemberRef, name: string, value: unknown): string {
  const shape = model.shapes[ref.shape];
  if (!shape) throw new Error(`model has no shape ${ref.shape}`);
  switch (shape.type) {
    case "structure":
      if (typeof value !== "object") return "";
      return `<${name}>${members(model, shape, value as Record<string, unknown>)}</${name}>`;
    case "list": {
      if (!Array.isArray(value)) return "";
      if (ref.flattened ?? shape.flattened) return value.map((v) => element(model, shape.member!, name, v)).join("");
      const item = shape.member!.locationName ?? "member";
      return `<${name}>${value.map((v) => element(model, shape.member!, item, v)).join("")}</${name}>`;
    }
    case "map": {
      if (typeof value !== "object") return "";
      const k = shape.key!.locationName ?? "key";
      const v = shape.value!.locationName ?? "value";
      const entries = Object.entries(value as Record<string, unknown>)
        .map(([key, val]) => `<entry>${element(model, shape.key!, k, key)}${element(model, shape.value!, v, val)}</entry>`)
        .join("");
      return `<${name}>${entries}</${name}>`;
    }
    case "timestamp":
      return typeof value === "number" ? `<${name}>${new Date(value).toISOString()}</${name}>` : "";
    case "boolean":
      return `<${name}>${value ? "true" : "false"}</${name}>`;
    default:
      return `<${name}>${escapeXml(String(value))}</${name}>`;
  }
}
