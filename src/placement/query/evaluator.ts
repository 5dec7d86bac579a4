// Evaluates parsed expressions against a container instance. Expressions are compiled once into
// closures (regexes and wildcard matchers built up front), because placement evaluates the same
// memberOf expression against thousands of instances.
//
// Semantics where AWS's page is silent (documented choices):
// - attribute: an instance without the attribute matches nothing but `!exists`; so
//   `attribute:stack != prod` selects instances that have `stack` with another value, as AWS's
//   own example describes. A value-less attribute has the value "" (real values are non-empty).
// - ec2InstanceId / agentVersion missing (external instances, unknown agent): no operator matches.
// - task:group is the set of groups of the instance's tasks whose desiredStatus is RUNNING:
//   `==`, `in`, `=~` ask "is some task in a matching group"; `!=`, `not_in`, `!~` are their
//   negations ("no task in a matching group"), the anti-affinity `not(task:group == x)` spelled
//   differently; `exists` means "runs any task".
// - ordered comparisons on attributes are numeric when both sides are numbers, else by string.

import type { InstanceView } from "../types.js";
import { usesTasks, type Argument, type Operator, type QueryExpr, type Subject, type TextArgument } from "./ast.js";
import { parseQuery } from "./parser.js";
import { compareValues, compareVersions, parseVersion, textMatcher } from "./values.js";

/** Attribute name → value; value-less attributes read as "". A Map qualifies. */
export interface AttributeLookup {
  get(name: string): string | undefined;
  has(name: string): boolean;
}

/** What an expression can ask about an instance. */
export interface QueryFacts {
  readonly attributes: AttributeLookup;
  readonly ec2InstanceId: string | undefined;
  readonly agentConnected: boolean;
  readonly agentVersion: string | undefined;
  readonly registeredAt: number;
  readonly runningTasksCount: number;
  /** Task group → number of its tasks on the instance (desiredStatus RUNNING); no zero entries. */
  readonly taskGroups: ReadonlyMap<string, number>;
}

export type FactsPredicate = (facts: QueryFacts) => boolean;

/** A compiled expression: call it with an instance, or use `test` with prepared facts. */
export interface CompiledQuery {
  (instance: InstanceView): boolean;
  readonly text: string;
  readonly expr: QueryExpr;
  /** True when the result depends on the instance's tasks (runningTasksCount, task:group). */
  readonly usesTasks: boolean;
  readonly test: FactsPredicate;
}

/** The group a task belongs to, as ECS derives it when none was given. */
export function taskGroupOf(task: InstanceView["tasks"][number]): string {
  if (task.group !== undefined) return task.group;
  return task.serviceName !== undefined ? `service:${task.serviceName}` : `family:${task.family}`;
}

export function factsOf(instance: InstanceView): QueryFacts {
  const attributes = new Map<string, string>();
  for (const a of instance.attributes) attributes.set(a.name, a.value ?? "");
  const taskGroups = new Map<string, number>();
  let running = 0;
  for (const task of instance.tasks) {
    if (task.desiredStatus !== "RUNNING") continue;
    running++;
    const group = taskGroupOf(task);
    taskGroups.set(group, (taskGroups.get(group) ?? 0) + 1);
  }
  return {
    attributes,
    ec2InstanceId: instance.ec2InstanceId,
    agentConnected: instance.agentConnected,
    agentVersion: instance.agentVersion,
    registeredAt: instance.registeredAt,
    runningTasksCount: running,
    taskGroups,
  };
}

const compiledCache = new WeakMap<QueryExpr, FactsPredicate>();

/** Compiles an expression into a predicate over facts (memoized per expression object). */
export function compileExpr(expr: QueryExpr): FactsPredicate {
  let fn = compiledCache.get(expr);
  if (!fn) {
    fn = build(expr);
    compiledCache.set(expr, fn);
  }
  return fn;
}

export function evaluate(expr: QueryExpr, instance: InstanceView): boolean {
  return compileExpr(expr)(factsOf(instance));
}

export function evaluateFacts(expr: QueryExpr, facts: QueryFacts): boolean {
  return compileExpr(expr)(facts);
}

/** Parses and compiles; throws QueryParseError for a bad expression. */
export function compileQuery(text: string): CompiledQuery {
  const expr = parseQuery(text);
  const test = compileExpr(expr);
  const predicate = (instance: InstanceView): boolean => test(factsOf(instance));
  return Object.assign(predicate, { text, expr, usesTasks: usesTasks(expr), test });
}

function build(expr: QueryExpr): FactsPredicate {
  switch (expr.kind) {
    case "and": {
      const parts = expr.operands.map(build);
      return (f) => parts.every((p) => p(f));
    }
    case "or": {
      const parts = expr.operands.map(build);
      return (f) => parts.some((p) => p(f));
    }
    case "not": {
      const inner = build(expr.operand);
      return (f) => !inner(f);
    }
    case "compare":
      return buildCompare(expr.subject, expr.operator, expr.argument);
  }
}

type StringTest = (value: string) => boolean;

/** The positive test a string operator applies (==, in, =~), and whether it is negated. */
function stringTest(operator: Operator, argument: Argument): { test: StringTest; negate: boolean } {
  const negate = operator === "!=" || operator === "not_in" || operator === "!~";
  if (argument.kind === "text") return { test: textMatcher(argument.value, argument.wildcard), negate };
  if (argument.kind === "list") {
    const tests = argument.items.map((item: TextArgument) => textMatcher(item.value, item.wildcard));
    if (tests.length === 1) return { test: tests[0]!, negate };
    return { test: (v) => tests.some((t) => t(v)), negate };
  }
  if (argument.kind === "pattern") {
    const re = new RegExp(`^(?:${argument.source})$`, argument.flags);
    return { test: (v) => re.test(v), negate };
  }
  throw new TypeError(`argument of kind ${argument.kind} cannot be used with operator ${operator}`);
}

function ordered(operator: Operator, cmp: number): boolean {
  switch (operator) {
    case "==":
      return cmp === 0;
    case "!=":
      return cmp !== 0;
    case ">":
      return cmp > 0;
    case ">=":
      return cmp >= 0;
    case "<":
      return cmp < 0;
    case "<=":
      return cmp <= 0;
    default:
      throw new TypeError(`operator ${operator} is not an ordering`);
  }
}

function buildCompare(subject: Subject, operator: Operator, argument: Argument): FactsPredicate {
  switch (subject.kind) {
    case "attribute": {
      const name = subject.name;
      if (operator === "exists") return (f) => f.attributes.has(name);
      if (operator === "!exists") return (f) => !f.attributes.has(name);
      if (operator === ">" || operator === ">=" || operator === "<" || operator === "<=") {
        const rhs = argument.kind === "text" ? argument.value : "";
        return (f) => {
          const v = f.attributes.get(name);
          return v !== undefined && ordered(operator, compareValues(v, rhs));
        };
      }
      const { test, negate } = stringTest(operator, argument);
      return (f) => {
        const v = f.attributes.get(name);
        return v !== undefined && test(v) !== negate;
      };
    }
    case "ec2InstanceId": {
      const { test, negate } = stringTest(operator, argument);
      return (f) => f.ec2InstanceId !== undefined && test(f.ec2InstanceId) !== negate;
    }
    case "agentConnected": {
      const { test, negate } = stringTest(operator, argument);
      return (f) => test(f.agentConnected ? "true" : "false") !== negate;
    }
    case "taskGroup": {
      if (operator === "exists") return (f) => f.taskGroups.size > 0;
      if (operator === "!exists") return (f) => f.taskGroups.size === 0;
      if (argument.kind === "text" && !(argument.wildcard && argument.value.includes("*"))) {
        const group = argument.value;
        const negate = operator === "!=";
        return (f) => (f.taskGroups.get(group) ?? 0) > 0 !== negate;
      }
      const { test, negate } = stringTest(operator, argument);
      return (f) => {
        for (const g of f.taskGroups.keys()) if (test(g)) return !negate;
        return negate;
      };
    }
    case "agentVersion": {
      const rhs = argument.kind === "version" ? argument.parts : [];
      return (f) => {
        const parts = f.agentVersion === undefined ? undefined : parseVersion(f.agentVersion);
        return parts !== undefined && ordered(operator, compareVersions(parts, rhs));
      };
    }
    case "runningTasksCount": {
      const rhs = argument.kind === "number" ? argument.value : 0;
      return (f) => ordered(operator, f.runningTasksCount === rhs ? 0 : f.runningTasksCount < rhs ? -1 : 1);
    }
    case "registeredAt": {
      if (argument.kind !== "time") throw new TypeError("registeredAt needs a time argument");
      const { start, end } = argument;
      // Worked example: `registeredAt < 2018-02-13` means before 2018-02-13T00:00Z (start);
      // `registeredAt > 2018-02-13` means from 2018-02-14T00:00Z (end) on.
      return (f) => {
        const t = f.registeredAt;
        const cmp = t < start ? -1 : t >= end ? 1 : 0;
        return ordered(operator, cmp);
      };
    }
  }
}
