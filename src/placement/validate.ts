// Checks of placement constraints and strategies as they arrive in RegisterTaskDefinition,
// CreateService/UpdateService and RunTask (ecs-behavior.md §6.2, §6.5). Errors come back as
// data, one per problem, for the API layer to raise as InvalidParameterException.

import { QueryParseError, parseQuery } from "./query/index.js";
import { MAX_PLACEMENT_STRATEGIES, readStrategy } from "./strategies.js";
import type { PlacementStrategy, ValidationError } from "./types.js";

/** Constraints per task: the task definition's and the request's together. */
export const MAX_PLACEMENT_CONSTRAINTS = 10;
export const MAX_EXPRESSION_LENGTH = 2000;

/** A constraint as it comes off the wire: nothing is guaranteed. */
export interface ConstraintInput {
  readonly type?: string;
  readonly expression?: string;
}

export interface StrategyInput {
  readonly type?: string;
  readonly field?: string;
}

function invalid(field: string, problem: string): ValidationError {
  return { field, message: `Invalid parameter '${field}': ${problem}` };
}

function checkExpression(field: string, expression: string): ValidationError | undefined {
  if (expression.length > MAX_EXPRESSION_LENGTH) {
    return invalid(field, `expression is ${expression.length} characters long; at most ${MAX_EXPRESSION_LENGTH} are allowed`);
  }
  try {
    parseQuery(expression);
    return undefined;
  } catch (err) {
    if (err instanceof QueryParseError) return invalid(field, err.message);
    throw err;
  }
}

function checkConstraint(c: ConstraintInput, field: string, allowDistinct: boolean): ValidationError[] {
  const hasExpression = c.expression !== undefined && c.expression !== "";
  if (c.type === "distinctInstance") {
    if (!allowDistinct) {
      return [invalid(`${field}.type`, "task definitions only allow memberOf constraints, found 'distinctInstance'")];
    }
    if (hasExpression) {
      return [invalid(`${field}.expression`, `a distinctInstance constraint takes no expression, found '${c.expression}'`)];
    }
    return [];
  }
  if (c.type === "memberOf") {
    if (!hasExpression) return [invalid(`${field}.expression`, "a memberOf constraint needs an expression")];
    const e = checkExpression(`${field}.expression`, c.expression!);
    return e ? [e] : [];
  }
  const allowed = allowDistinct ? "distinctInstance or memberOf" : "memberOf";
  return [invalid(`${field}.type`, `type must be ${allowed}, found ${c.type === undefined ? "none" : `'${c.type}'`}`)];
}

/** RegisterTaskDefinition's placementConstraints: memberOf only, at most 10. */
export function validateTaskDefinitionConstraints(
  constraints: readonly ConstraintInput[],
  field = "placementConstraints",
): ValidationError[] {
  const errors: ValidationError[] = [];
  if (constraints.length > MAX_PLACEMENT_CONSTRAINTS) {
    errors.push(invalid(field, `at most ${MAX_PLACEMENT_CONSTRAINTS} placement constraints are allowed, found ${constraints.length}`));
  }
  constraints.forEach((c, i) => errors.push(...checkConstraint(c, `${field}[${i}]`, false)));
  return errors;
}

/**
 * RunTask / CreateService / UpdateService placementConstraints, counted together with the task
 * definition's (already validated at registration, so only counted here).
 */
export function validatePlacementConstraints(
  constraints: readonly ConstraintInput[],
  taskDefinitionConstraints: readonly ConstraintInput[] = [],
  field = "placementConstraints",
): ValidationError[] {
  const errors: ValidationError[] = [];
  const total = constraints.length + taskDefinitionConstraints.length;
  if (total > MAX_PLACEMENT_CONSTRAINTS) {
    const split = taskDefinitionConstraints.length > 0
      ? ` (${constraints.length} in the request, ${taskDefinitionConstraints.length} in the task definition)`
      : "";
    errors.push(invalid(field, `at most ${MAX_PLACEMENT_CONSTRAINTS} placement constraints per task are allowed, found ${total}${split}`));
  }
  constraints.forEach((c, i) => errors.push(...checkConstraint(c, `${field}[${i}]`, true)));
  return errors;
}

/** placementStrategy: at most 5 items, each with a field its type accepts. */
export function validatePlacementStrategy(
  strategies: readonly StrategyInput[],
  field = "placementStrategy",
): ValidationError[] {
  const errors: ValidationError[] = [];
  if (strategies.length > MAX_PLACEMENT_STRATEGIES) {
    errors.push(invalid(field, `at most ${MAX_PLACEMENT_STRATEGIES} placement strategies are allowed, found ${strategies.length}`));
  }
  strategies.forEach((s, i) => {
    const read = readStrategy(s as PlacementStrategy);
    if (typeof read === "object" && "error" in read) {
      const where = s.type === "binpack" || s.type === "spread" ? `${field}[${i}].field` : `${field}[${i}].type`;
      errors.push(invalid(where, read.error));
    }
  });
  return errors;
}
