// Reads a query-protocol request (form parameters: `Action=CreateVpc&CidrBlock=10.0.0.0%2F16`)
// into the operation's input structure, driven by the model. The two dialects differ only in
// names: ec2 sends lists as `Name.N` under a capitalized locationName (or queryName); query sends
// `Name.member.N` unless the list is flattened, and maps as `Name.entry.N.key`.
// Every parameter must be consumed: EC2 refuses one it does not know (UnknownParameter).
import { AwsError } from "../../model/index.js";
import type { MemberRef, QueryModel, QueryShape } from "./query-shape.js";

/** The error codes a service uses for malformed input. */
export interface InputErrorCodes {
  missing: string;
  invalid: string;
  unknown: string;
  /**
   * When set, the model's min/max (lengths, list sizes, integer ranges) are checked too and a
   * breach answers this code with AWS's validation message (ELBv2: ValidationError). EC2 leaves
   * it unset: its model carries few constraints and its service checks values itself.
   */
  constraint?: string;
}

/** Parameters every request may carry besides the operation's input. */
const ENVELOPE = /^(Action|Version|X-Amz-.*|AWSAccessKeyId|Signature.*|Timestamp|Expires)$/;

export function parseQueryInput(model: QueryModel, shapeName: string | null, params: Map<string, string>, codes: InputErrorCodes): Record<string, unknown> {
  const used = new Set<string>();
  const reader = new Reader(model, params, used, codes);
  const value = shapeName ? (reader.structure(model.shapes[shapeName]!, "") ?? {}) : {};
  for (const key of params.keys()) {
    if (!used.has(key) && !ENVELOPE.test(key)) throw new AwsError(codes.unknown, `The parameter ${key.slice(0, 100)} is not recognized`);
  }
  return value;
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const join = (prefix: string, name: string) => (prefix ? `${prefix}.${name}` : name);

class Reader {
  constructor(
    private readonly model: QueryModel,
    private readonly params: Map<string, string>,
    private readonly used: Set<string>,
    private readonly codes: InputErrorCodes,
  ) {}

  private nameOf(member: string, ref: MemberRef): string {
    if (this.model.protocol === "ec2") return ref.queryName ?? (ref.locationName ? cap(ref.locationName) : member);
    return ref.locationName ?? member;
  }

  /** Whether any parameter lies at or under `prefix`. */
  private present(prefix: string): boolean {
    for (const k of this.params.keys()) if (k === prefix || k.startsWith(`${prefix}.`)) return true;
    return false;
  }

  /** The numeric indices N of the parameters `prefix.N[...]`, in numeric order. */
  private indices(prefix: string): number[] {
    const found = new Set<number>();
    const start = `${prefix}.`;
    for (const k of this.params.keys()) {
      if (!k.startsWith(start)) continue;
      const m = /^(\d+)(\.|$)/.exec(k.slice(start.length));
      if (m) found.add(Number(m[1]));
    }
    return [...found].sort((a, b) => a - b);
  }

  structure(shape: QueryShape, prefix: string): Record<string, unknown> | undefined {
    if (prefix && !this.present(prefix)) return undefined;
    const out: Record<string, unknown> = {};
    for (const [member, ref] of Object.entries(shape.members ?? {})) {
      const v = this.value(ref, join(prefix, this.nameOf(member, ref)));
      if (v !== undefined) out[member] = v;
    }
    for (const member of shape.required ?? []) {
      if (out[member] === undefined) {
        const ref = shape.members![member]!;
        throw new AwsError(this.codes.missing, `The request must contain the parameter ${join(prefix, this.nameOf(member, ref))}`);
      }
    }
    return out;
  }

  private value(ref: MemberRef, key: string): unknown {
    const shape = this.model.shapes[ref.shape];
    if (!shape) throw new Error(`model has no shape ${ref.shape}`);
    switch (shape.type) {
      case "structure":
        return this.structure(shape, key);
      case "list":
        return this.list(shape, key, ref.flattened ?? shape.flattened ?? false);
      case "map":
        return this.map(shape, key, ref.flattened ?? shape.flattened ?? false);
      default:
        return this.scalar(shape, key);
    }
  }

  private list(shape: QueryShape, key: string, flattened: boolean): unknown[] | undefined {
    let prefix = key;
    if (this.model.protocol === "query") {
      if (!flattened) prefix = `${key}.${shape.member!.locationName ?? "member"}`;
      // `Name.member=` (present, no items) is how the query protocol sends an empty list.
      if (this.params.has(prefix) || this.params.has(key)) {
        this.used.add(prefix).add(key);
        if (this.indices(prefix).length === 0) return [];
      }
    }
    const idx = this.indices(prefix);
    if (idx.length === 0) return undefined;
    this.bounds(shape, idx.length, key, "have length");
    return idx.map((i) => this.value(shape.member!, `${prefix}.${i}`));
  }

  private map(shape: QueryShape, key: string, flattened: boolean): Record<string, unknown> | undefined {
    const prefix = flattened ? key : `${key}.entry`;
    const idx = this.indices(prefix);
    if (idx.length === 0) return undefined;
    const out: Record<string, unknown> = {};
    for (const i of idx) {
      const k = this.value(shape.key!, `${prefix}.${i}.${shape.key!.locationName ?? "key"}`);
      const v = this.value(shape.value!, `${prefix}.${i}.${shape.value!.locationName ?? "value"}`);
      if (typeof k === "string" && v !== undefined) out[k] = v;
    }
    return out;
  }

  /** The model's min/max on a length, a list size or an integer, in AWS's validation wording. */
  private bounds(shape: QueryShape, n: number, key: string, what: string, raw?: string): void {
    const code = this.codes.constraint;
    if (!code) return;
    // `1 validation error detected: Value '500' at 'HealthCheckIntervalSeconds' failed to satisfy
    // constraint: Member must have value less than or equal to 300` (a list has no Value part).
    const fail = (rel: string, limit: number) =>
      new AwsError(code, `1 validation error detected: ${raw === undefined ? "" : `Value '${raw.slice(0, 64)}' at `}'${key}' failed to satisfy constraint: Member must ${what} ${rel} ${limit}`);
    if (shape.min !== undefined && n < shape.min) throw fail("greater than or equal to", shape.min);
    if (shape.max !== undefined && n > shape.max) throw fail("less than or equal to", shape.max);
  }

  private scalar(shape: QueryShape, key: string): unknown {
    const raw = this.params.get(key);
    if (raw === undefined) return undefined;
    this.used.add(key);
    const bad = (wanted: string) => new AwsError(this.codes.invalid, `Invalid value '${raw.slice(0, 64)}' for ${key}: ${wanted}.`);
    switch (shape.type) {
      case "integer":
      case "long":
        if (!/^-?\d+$/.test(raw)) throw bad("expected an integer");
        this.bounds(shape, Number(raw), key, "have value", raw);
        return Number(raw);
      case "double":
      case "float":
        if (raw.trim() === "" || !Number.isFinite(Number(raw))) throw bad("expected a number");
        return Number(raw);
      case "boolean":
        if (raw !== "true" && raw !== "false") throw bad("expected true or false");
        return raw === "true";
      case "timestamp": {
        const ms = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) * 1000 : Date.parse(raw);
        if (Number.isNaN(ms)) throw bad("expected an ISO 8601 timestamp");
        return ms;
      }
      default:
        if (shape.enum && !shape.enum.includes(raw)) throw bad(`expected one of ${shape.enum.join(", ")}`);
        this.bounds(shape, raw.length, key, "have length", raw);
        return raw;
    }
  }
}
