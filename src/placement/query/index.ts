// The cluster query language: memberOf expressions and ListContainerInstances filters.
export { QueryParseError } from "./errors.js";
export { parseQuery } from "./parser.js";
export {
  compileExpr,
  compileQuery,
  evaluate,
  evaluateFacts,
  factsOf,
  taskGroupOf,
  type AttributeLookup,
  type CompiledQuery,
  type FactsPredicate,
  type QueryFacts,
} from "./evaluator.js";
export { OPERATORS_BY_SUBJECT, usesTasks, subjectText } from "./ast.js";
export type { Argument, Operator, QueryExpr, Subject, SubjectKind, TextArgument } from "./ast.js";
