// The parsed form of a cluster query language expression (ecs-behavior.md §6.3). Arguments are
// already checked and converted for their subject at parse time (dates to intervals, versions to
// numbers, Java regexes to JavaScript), so a bad value is a parse error with a position and
// evaluation never fails.

export type Subject =
  | { readonly kind: "attribute"; readonly name: string }
  | { readonly kind: "agentConnected" }
  | { readonly kind: "agentVersion" }
  | { readonly kind: "ec2InstanceId" }
  | { readonly kind: "registeredAt" }
  | { readonly kind: "runningTasksCount" }
  | { readonly kind: "taskGroup" };

export type SubjectKind = Subject["kind"];

/** Canonical operator spellings; the word forms (equals, not_in, ...) parse to these. */
export type Operator =
  | "=="
  | "!="
  | ">"
  | ">="
  | "<"
  | "<="
  | "exists"
  | "!exists"
  | "in"
  | "not_in"
  | "=~"
  | "!~";

/** A literal value; an unquoted `*` is a wildcard matching any run of characters. */
export interface TextArgument {
  readonly kind: "text";
  readonly value: string;
  readonly wildcard: boolean;
}

export type Argument =
  | { readonly kind: "none" }
  | TextArgument
  | { readonly kind: "list"; readonly items: readonly TextArgument[] }
  /** `java` is the pattern as written; `source`/`flags` its JavaScript form, matched whole. */
  | { readonly kind: "pattern"; readonly java: string; readonly source: string; readonly flags: string }
  | { readonly kind: "number"; readonly value: number }
  | { readonly kind: "version"; readonly parts: readonly number[] }
  /** registeredAt values name an interval: a whole day for a date, one second for a time. */
  | { readonly kind: "time"; readonly start: number; readonly end: number };

export type QueryExpr =
  | { readonly kind: "and"; readonly operands: readonly QueryExpr[] }
  | { readonly kind: "or"; readonly operands: readonly QueryExpr[] }
  | { readonly kind: "not"; readonly operand: QueryExpr }
  | {
      readonly kind: "compare";
      readonly subject: Subject;
      readonly operator: Operator;
      readonly argument: Argument;
      /** Offset of the subject in the source text. */
      readonly position: number;
    };

/** Which operators each subject accepts (AWS's cluster query language page). */
export const OPERATORS_BY_SUBJECT: Readonly<Record<SubjectKind, readonly Operator[]>> = {
  attribute: ["==", "!=", ">", ">=", "<", "<=", "exists", "!exists", "in", "not_in", "=~", "!~"],
  agentConnected: ["==", "!=", "in", "not_in", "=~", "!~"],
  agentVersion: ["==", "!=", ">", ">=", "<", "<="],
  ec2InstanceId: ["==", "!=", "in", "not_in", "=~", "!~"],
  registeredAt: ["==", "!=", ">", ">=", "<", "<="],
  runningTasksCount: ["==", "!=", ">", ">=", "<", "<="],
  // AWS lists no operators for task:group; these are the ones that make sense for a set of names.
  taskGroup: ["==", "!=", "in", "not_in", "=~", "!~", "exists", "!exists"],
};

/** True when the expression reads the instance's tasks, which change as tasks are placed. */
export function usesTasks(expr: QueryExpr): boolean {
  switch (expr.kind) {
    case "and":
    case "or":
      return expr.operands.some(usesTasks);
    case "not":
      return usesTasks(expr.operand);
    case "compare":
      return expr.subject.kind === "runningTasksCount" || expr.subject.kind === "taskGroup";
  }
}

export function subjectText(subject: Subject): string {
  switch (subject.kind) {
    case "attribute":
      return `attribute:${subject.name}`;
    case "taskGroup":
      return "task:group";
    default:
      return subject.kind;
  }
}
