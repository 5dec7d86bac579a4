// The subset of a Smithy/botocore JSON model that berth reads: enough to validate input and
// to serialize output exactly as the wire protocol wants, for any operation of the model.

export interface Shape {
  type: "structure" | "list" | "map" | "string" | "integer" | "long" | "double" | "float" | "boolean" | "timestamp" | "blob";
  members?: Record<string, string>;
  required?: string[];
  member?: string;
  key?: string;
  value?: string;
  enum?: string[];
  min?: number;
  max?: number;
  pattern?: string;
  exception?: boolean;
  fault?: boolean;
  document?: boolean;
}

export interface OperationSpec {
  input: string | null;
  output: string | null;
  errors: string[];
}

export interface ApiModel {
  targetPrefix: string;
  signingName: string;
  operations: Record<string, OperationSpec>;
  shapes: Record<string, Shape>;
}
