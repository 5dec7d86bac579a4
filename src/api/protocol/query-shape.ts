// The subset of a botocore model that the query protocols (ec2, and query for ELBv2, IAM, STS)
// read: unlike the JSON protocols, a member travels under a name of its own (locationName,
// queryName) and lists may be flattened, so member references keep those.

export interface MemberRef {
  shape: string;
  locationName?: string;
  /** ec2 only: the input parameter's name when it differs from a capitalized locationName. */
  queryName?: string;
  flattened?: boolean;
}

export interface QueryShape {
  type: "structure" | "list" | "map" | "string" | "integer" | "long" | "double" | "float" | "boolean" | "timestamp" | "blob";
  members?: Record<string, MemberRef>;
  required?: string[];
  member?: MemberRef;
  key?: MemberRef;
  value?: MemberRef;
  enum?: string[];
  min?: number;
  max?: number;
  flattened?: boolean;
}

export interface QueryOperationSpec {
  input: string | null;
  output: string | null;
  /** query protocol: the element wrapping the output (`<CreateLoadBalancerResult>`). */
  resultWrapper?: string;
}

export interface QueryModel {
  protocol: "ec2" | "query";
  apiVersion: string;
  signingName: string;
  xmlNamespace: string;
  operations: Record<string, QueryOperationSpec>;
  shapes: Record<string, QueryShape>;
}
