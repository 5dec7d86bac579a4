// Recursive-descent parser for the cluster query language (ecs-behavior.md §6.3):
//
//   expr    := and (("or" | "||") and)*
//   and     := unary (("and" | "&&") unary)*
//   unary   := ("not" | "!") unary | "(" expr ")" | simple
//   simple  := subject operator [argument]
//   argument:= value | list | pattern          (exists / !exists take none)
//   list    := "[" value ("," value)* "]"      ("(" ... ")" is accepted as well)
//
// Precedence is not > and > or, as in Java. Keywords (and, or, not, the word operators) and
// the built-in subject names are case-insensitive; attribute names and values are not.
// Values may be bare words or quoted with ' or "; `*` in a bare value is a wildcard, while a
// quoted value is taken literally.

import {
  OPERATORS_BY_SUBJECT,
  subjectText,
  type Argument,
  type Operator,
  type QueryExpr,
  type Subject,
  type TextArgument,
} from "./ast.js";
import { QueryParseError } from "./errors.js";
import { translateJavaRegex, UnsupportedPatternError } from "./java-regex.js";
import { Tokenizer, type Token } from "./tokenizer.js";
import { parseTimeInterval, parseVersion } from "./values.js";

const WORD_OPERATORS: Readonly<Record<string, Operator>> = {
  equals: "==",
  not_equals: "!=",
  greater_than: ">",
  greater_than_equal: ">=",
  less_than: "<",
  less_than_equal: "<=",
  exists: "exists",
  not_exists: "!exists",
  in: "in",
  not_in: "not_in",
  matches: "=~",
  not_matches: "!~",
};

const SYMBOL_OPERATORS: Readonly<Record<string, Operator>> = {
  "==": "==",
  "!=": "!=",
  ">": ">",
  ">=": ">=",
  "<": "<",
  "<=": "<=",
  "=~": "=~",
  "!~": "!~",
  "!exists": "!exists",
  "!in": "not_in",
};

const FIELDS: Readonly<Record<string, Subject>> = {
  agentconnected: { kind: "agentConnected" },
  agentversion: { kind: "agentVersion" },
  ec2instanceid: { kind: "ec2InstanceId" },
  registeredat: { kind: "registeredAt" },
  runningtaskscount: { kind: "runningTasksCount" },
  "task:group": { kind: "taskGroup" },
};

const SUBJECT_HINT =
  "attribute:<name>, agentConnected, agentVersion, ec2InstanceId, registeredAt, runningTasksCount or task:group";

// Attribute names: 1–128 of letters, digits, `-`, `_`, `/`, `\` and `.` (PutAttributes' rule).
const ATTRIBUTE_NAME = /^[A-Za-z0-9_\-/\\.]{1,128}$/;

/** Parses an expression; throws QueryParseError naming the position where it broke. */
export function parseQuery(text: string): QueryExpr {
  return new Parser(text).parse();
}

function describe(token: Token): string {
  switch (token.kind) {
    case "eof":
      return "the end of the expression";
    case "string":
      return `'${token.text}' (quoted)`;
    default:
      return `'${token.text}'`;
  }
}

class Parser {
  private readonly tokens: Tokenizer;

  constructor(private readonly text: string) {
    this.tokens = new Tokenizer(text);
  }

  parse(): QueryExpr {
    if (this.tokens.peek().kind === "eof") this.fail(this.text.length, "expected an expression");
    const expr = this.parseOr();
    const rest = this.tokens.peek();
    if (rest.kind === ")") this.fail(rest.position, "unexpected ')' without a matching '('");
    if (rest.kind !== "eof") {
      this.fail(rest.position, `expected 'and', 'or' or the end of the expression; found ${describe(rest)}`);
    }
    return expr;
  }

  private fail(position: number, detail: string): never {
    throw new QueryParseError(position, detail);
  }

  private isKeyword(token: Token, word: string): boolean {
    return token.kind === "word" && token.text.toLowerCase() === word;
  }

  private parseOr(): QueryExpr {
    const operands = [this.parseAnd()];
    for (;;) {
      const t = this.tokens.peek();
      if (t.kind !== "or" && !this.isKeyword(t, "or")) break;
      this.tokens.next();
      operands.push(this.parseAnd());
    }
    return operands.length === 1 ? operands[0]! : { kind: "or", operands };
  }

  private parseAnd(): QueryExpr {
    const operands = [this.parseUnary()];
    for (;;) {
      const t = this.tokens.peek();
      if (t.kind !== "and" && !this.isKeyword(t, "and")) break;
      this.tokens.next();
      operands.push(this.parseUnary());
    }
    return operands.length === 1 ? operands[0]! : { kind: "and", operands };
  }

  private parseUnary(): QueryExpr {
    const t = this.tokens.peek();
    if (t.kind === "not" || this.isKeyword(t, "not")) {
      this.tokens.next();
      const next = this.tokens.peek();
      if (next.kind === "eof") this.fail(next.position, `expected an expression after '${t.text}'`);
      return { kind: "not", operand: this.parseUnary() };
    }
    if (t.kind === "(") {
      this.tokens.next();
      const inner = this.parseOr();
      const close = this.tokens.peek();
      if (close.kind !== ")") {
        this.fail(
          close.position,
          `expected ')' to close the '(' at position ${t.position}; found ${describe(close)}`,
        );
      }
      this.tokens.next();
      return inner;
    }
    return this.parseSimple();
  }

  private parseSimple(): QueryExpr {
    const subjectToken = this.tokens.next();
    if (subjectToken.kind !== "word") {
      this.fail(subjectToken.position, `expected a subject (${SUBJECT_HINT}); found ${describe(subjectToken)}`);
    }
    const subject = this.parseSubject(subjectToken);
    const shown = subjectText(subject);

    const opToken = this.tokens.next();
    let operator: Operator | undefined;
    if (opToken.kind === "op") operator = SYMBOL_OPERATORS[opToken.text];
    else if (opToken.kind === "word") operator = WORD_OPERATORS[opToken.text.toLowerCase()];
    if (operator === undefined) {
      this.fail(opToken.position, `expected an operator after '${shown}'; found ${describe(opToken)}`);
    }
    const allowed = OPERATORS_BY_SUBJECT[subject.kind];
    if (!allowed.includes(operator)) {
      this.fail(
        opToken.position,
        `operator '${opToken.text}' is not allowed for ${shown}; allowed: ${allowed.join(", ")}`,
      );
    }
    const argument = this.parseArgument(subject, operator, opToken);
    return { kind: "compare", subject, operator, argument, position: subjectToken.position };
  }

  private parseSubject(token: Token): Subject {
    const text = token.text;
    if (text.toLowerCase().startsWith("attribute:")) {
      const name = text.slice("attribute:".length);
      if (!ATTRIBUTE_NAME.test(name)) {
        this.fail(
          token.position + "attribute:".length,
          `invalid attribute name '${name}'; names are 1-128 letters, digits, '-', '_', '/', '\\' or '.'`,
        );
      }
      return { kind: "attribute", name };
    }
    const field = FIELDS[text.toLowerCase()];
    if (!field) this.fail(token.position, `unknown subject '${text}'; expected ${SUBJECT_HINT}`);
    return field;
  }

  private parseArgument(subject: Subject, operator: Operator, opToken: Token): Argument {
    switch (operator) {
      case "exists":
      case "!exists":
        return { kind: "none" };
      case "=~":
      case "!~":
        return this.parsePattern(opToken);
      case "in":
      case "not_in":
        return { kind: "list", items: this.parseList(subject, opToken) };
      default:
        return this.convert(subject, this.expectValue(opToken));
    }
  }

  private expectValue(after: Token): Token {
    const t = this.tokens.next();
    if (t.kind === "word" || t.kind === "string") return t;
    const found = t.kind === "eof" ? "" : `; found ${describe(t)}`;
    this.fail(t.position, `expected a value after '${after.text}'${found}`);
  }

  private parseList(subject: Subject, opToken: Token): TextArgument[] {
    const open = this.tokens.next();
    if (open.kind !== "[" && open.kind !== "(") {
      this.fail(open.position, `expected '[' to start the list after '${opToken.text}'; found ${describe(open)}`);
    }
    const close = open.kind === "[" ? "]" : ")";
    const items: TextArgument[] = [];
    for (;;) {
      const value = this.expectValue(items.length === 0 ? open : { ...open, text: "," });
      const converted = this.convert(subject, value);
      if (converted.kind !== "text") this.fail(value.position, "unexpected list value");
      items.push(converted);
      const sep = this.tokens.next();
      if (sep.kind === close) return items;
      if (sep.kind !== ",") this.fail(sep.position, `expected ',' or '${close}' in the list; found ${describe(sep)}`);
    }
  }

  private parsePattern(opToken: Token): Argument {
    const pattern = this.tokens.readPattern();
    if (!pattern) {
      this.fail(this.text.length, `expected a regular expression after '${opToken.text}'`);
    }
    let translated;
    try {
      translated = translateJavaRegex(pattern.text);
      // Compile once here so a bad pattern is a parse error, not an evaluation surprise.
      new RegExp(`^(?:${translated.source})$`, translated.flags);
    } catch (err) {
      const offset = err instanceof UnsupportedPatternError ? err.offset : 0;
      const why = err instanceof Error ? err.message.replace(/^Invalid regular expression: /, "") : String(err);
      this.fail(pattern.position + offset, `invalid regular expression '${pattern.text}': ${why}`);
    }
    return { kind: "pattern", java: pattern.text, source: translated.source, flags: translated.flags };
  }

  /** Checks and converts a literal for its subject. */
  private convert(subject: Subject, token: Token): Argument {
    const text = token.text;
    const quoted = token.kind === "string";
    switch (subject.kind) {
      case "runningTasksCount": {
        if (!/^\d+$/.test(text)) {
          this.fail(token.position, `expected a whole number for runningTasksCount; found '${text}'`);
        }
        return { kind: "number", value: Number(text) };
      }
      case "agentVersion": {
        const parts = parseVersion(text);
        if (!parts) this.fail(token.position, `expected a version such as 1.14.5 for agentVersion; found '${text}'`);
        return { kind: "version", parts };
      }
      case "registeredAt": {
        const interval = parseTimeInterval(text);
        if (!interval) {
          this.fail(
            token.position,
            `expected a date for registeredAt (2018-06-18T22:28:28+00:00, 2018-06-18T22:28:28Z, 2018-06-18T22:28:28 or 2018-06-18); found '${text}'`,
          );
        }
        return { kind: "time", ...interval };
      }
      case "agentConnected": {
        const lower = text.toLowerCase();
        if (lower !== "true" && lower !== "false" && !(!quoted && text.includes("*"))) {
          this.fail(token.position, `expected true or false for agentConnected; found '${text}'`);
        }
        return { kind: "text", value: lower, wildcard: !quoted };
      }
      default:
        if (text.length === 0) this.fail(token.position, "expected a non-empty value");
        return { kind: "text", value: text, wildcard: !quoted };
    }
  }
}
