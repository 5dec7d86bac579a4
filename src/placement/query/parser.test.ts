import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { QueryParseError } from "./errors.js";
import { parseQuery } from "./parser.js";

describe("parseQuery: AWS's examples", () => {
  const examples = [
    "attribute:ecs.instance-type == t2.small",
    "attribute:ecs.availability-zone in [us-east-1a, us-east-1b]",
    "attribute:ecs.instance-type =~ g2.* and attribute:ecs.availability-zone != us-east-1d",
    "task:group == service:production",
    "not(task:group == database)",
    "runningTasksCount == 1",
    "agentVersion < 1.14.5",
    "registeredAt < 2018-02-13",
    "ec2InstanceId in ['i-abcd1234', 'i-wxyx7890']",
    "attribute:stack == prod",
    "attribute:stack != prod",
    "attribute:ecs.instance-type in [t2.small, t2.medium]",
    "attribute:ecs.instance-type =~ t2.* and attribute:ecs.availability-zone == us-east-1a",
    "(attribute:a == 1 or attribute:b == 2) and attribute:c == 3",
  ];
  for (const text of examples) {
    it(`parses ${text}`, () => {
      assert.doesNotThrow(() => parseQuery(text));
    });
  }
});

describe("parseQuery: shapes", () => {
  it("reads word operators, case-insensitively, to their symbols", () => {
    const cases: [string, string][] = [
      ["attribute:a EQUALS x", "=="],
      ["attribute:a not_equals x", "!="],
      ["attribute:a greater_than 1", ">"],
      ["attribute:a Greater_Than_Equal 1", ">="],
      ["attribute:a less_than 1", "<"],
      ["attribute:a less_than_equal 1", "<="],
      ["attribute:a exists", "exists"],
      ["attribute:a !exists", "!exists"],
      ["attribute:a not_exists", "!exists"],
      ["attribute:a in [x]", "in"],
      ["attribute:a !in [x]", "not_in"],
      ["attribute:a NOT_IN [x]", "not_in"],
      ["attribute:a matches x.*", "=~"],
      ["attribute:a not_matches x.*", "!~"],
      ["attribute:a !~ x.*", "!~"],
    ];
    for (const [text, op] of cases) {
      const expr = parseQuery(text);
      assert.equal(expr.kind === "compare" && expr.operator, op, text);
    }
  });

  it("gives not precedence over and, and and over or", () => {
    const expr = parseQuery("attribute:a exists or not attribute:b exists and attribute:c exists");
    assert.equal(expr.kind, "or");
    if (expr.kind !== "or") return;
    assert.equal(expr.operands[1]!.kind, "and");
    const and = expr.operands[1]!;
    assert.equal(and.kind === "and" && and.operands[0]!.kind, "not");
  });

  it("accepts && || ! and keywords in any case", () => {
    const a = parseQuery("attribute:a exists && !(attribute:b exists) || attribute:c exists");
    const b = parseQuery("attribute:a exists AND NOT(attribute:b exists) Or attribute:c exists");
    assert.deepEqual(JSON.parse(JSON.stringify(a)).kind, "or");
    assert.deepEqual(
      JSON.stringify(a).replace(/"position":\d+/g, ""),
      JSON.stringify(b).replace(/"position":\d+/g, ""),
    );
  });

  it("reads built-in subject names case-insensitively, attribute names as written", () => {
    const expr = parseQuery("AgentConnected == TRUE and attribute:Stack == prod");
    assert.equal(expr.kind, "and");
    if (expr.kind !== "and") return;
    assert.deepEqual(expr.operands[0]!.kind === "compare" && expr.operands[0]!.subject, { kind: "agentConnected" });
    assert.deepEqual(expr.operands[1]!.kind === "compare" && expr.operands[1]!.subject, { kind: "attribute", name: "Stack" });
  });

  it("marks bare values as wildcards and quoted values as literal", () => {
    const bare = parseQuery("attribute:t == t2.*");
    const quoted = parseQuery("attribute:t == 't2.*'");
    assert.deepEqual(bare.kind === "compare" && bare.argument, { kind: "text", value: "t2.*", wildcard: true });
    assert.deepEqual(quoted.kind === "compare" && quoted.argument, { kind: "text", value: "t2.*", wildcard: false });
  });

  it("unescapes quotes inside quoted values", () => {
    const expr = parseQuery(`attribute:x == 'it\\'s' or attribute:y == "a \\"b\\""`);
    assert.equal(expr.kind, "or");
    if (expr.kind !== "or") return;
    assert.equal(expr.operands[0]!.kind === "compare" && (expr.operands[0]!.argument as { value: string }).value, "it's");
    assert.equal(expr.operands[1]!.kind === "compare" && (expr.operands[1]!.argument as { value: string }).value, 'a "b"');
  });

  it("accepts parenthesised lists as well as bracketed ones", () => {
    const a = parseQuery("attribute:z in (a, b)");
    const b = parseQuery("attribute:z in [a, b]");
    assert.deepEqual(a, b);
  });

  it("reads unquoted regexes with groups, alternation and classes", () => {
    const expr = parseQuery("not(attribute:t =~ (t2|m5)\\.[a-z]+) and attribute:u exists");
    assert.equal(expr.kind, "and");
    if (expr.kind !== "and") return;
    const not = expr.operands[0]!;
    assert.equal(not.kind, "not");
    if (not.kind !== "not") return;
    assert.deepEqual(not.operand.kind === "compare" && not.operand.argument.kind === "pattern" && not.operand.argument.java, "(t2|m5)\\.[a-z]+");
  });

  it("reads operators written without spaces", () => {
    assert.doesNotThrow(() => parseQuery("attribute:a==b&&runningTasksCount<=3||agentVersion>=1.2"));
  });

  it("converts registeredAt values to intervals", () => {
    const day = parseQuery("registeredAt == 2018-06-18");
    assert.deepEqual(day.kind === "compare" && day.argument, {
      kind: "time",
      start: Date.UTC(2018, 5, 18),
      end: Date.UTC(2018, 5, 19),
    });
    const zoned = parseQuery("registeredAt > 2018-06-18T22:28:28+02:00");
    const t = Date.UTC(2018, 5, 18, 20, 28, 28);
    assert.deepEqual(zoned.kind === "compare" && zoned.argument, { kind: "time", start: t, end: t + 1000 });
    for (const v of ["2018-06-18T22:28:28Z", "2018-06-18T22:28:28"]) {
      const e = parseQuery(`registeredAt < ${v}`);
      const u = Date.UTC(2018, 5, 18, 22, 28, 28);
      assert.deepEqual(e.kind === "compare" && e.argument, { kind: "time", start: u, end: u + 1000 });
    }
  });
});

describe("parseQuery: errors name the position", () => {
  const cases: [string, number, string][] = [
    ["", 0, "expected an expression"],
    ["attribute:abc ==", 16, "expected a value after '=='"],
    ["attribute:abc == )", 17, "expected a value after '=='; found ')'"],
    ["attribute:a = b", 12, "unexpected character '=' (use '==' or '=~')"],
    ["attribute:a == b & attribute:c exists", 17, "unexpected character '&' (use '&&' or 'and')"],
    ["attribute:a == b | attribute:c exists", 17, "unexpected character '|' (use '||' or 'or')"],
    ["attribute:a == b c", 17, "expected 'and', 'or' or the end of the expression; found 'c'"],
    ["(attribute:a exists", 19, "expected ')' to close the '(' at position 0; found the end of the expression"],
    ["attribute:a exists)", 18, "unexpected ')' without a matching '('"],
    ["color == red", 0, "unknown subject 'color'; expected attribute:<name>, agentConnected, agentVersion, ec2InstanceId, registeredAt, runningTasksCount or task:group"],
    ["== red", 0, "expected a subject (attribute:<name>, agentConnected, agentVersion, ec2InstanceId, registeredAt, runningTasksCount or task:group); found '=='"],
    ["attribute:a b", 12, "expected an operator after 'attribute:a'; found 'b'"],
    ["attribute:", 10, "invalid attribute name ''; names are 1-128 letters, digits, '-', '_', '/', '\\' or '.'"],
    ["agentConnected > true", 15, "operator '>' is not allowed for agentConnected; allowed: ==, !=, in, not_in, =~, !~"],
    ["ec2InstanceId exists", 14, "operator 'exists' is not allowed for ec2InstanceId; allowed: ==, !=, in, not_in, =~, !~"],
    ["runningTasksCount in [1]", 18, "operator 'in' is not allowed for runningTasksCount; allowed: ==, !=, >, >=, <, <="],
    ["runningTasksCount < many", 20, "expected a whole number for runningTasksCount; found 'many'"],
    ["agentVersion < latest", 15, "expected a version such as 1.14.5 for agentVersion; found 'latest'"],
    ["registeredAt < 2018-02-30", 15, "expected a date for registeredAt (2018-06-18T22:28:28+00:00, 2018-06-18T22:28:28Z, 2018-06-18T22:28:28 or 2018-06-18); found '2018-02-30'"],
    ["agentConnected == yes", 18, "expected true or false for agentConnected; found 'yes'"],
    ["attribute:a in x", 15, "expected '[' to start the list after 'in'; found 'x'"],
    ["attribute:a in [x y]", 18, "expected ',' or ']' in the list; found 'y'"],
    ["attribute:a in [x,", 18, "expected a value after ','"],
    ["attribute:a in []", 16, "expected a value after '['; found ']'"],
    ["attribute:a =~", 14, "expected a regular expression after '=~'"],
    ["attribute:a == 'open", 15, "unterminated quoted value starting at position 15"],
    ["attribute:a == ''", 15, "expected a non-empty value"],
    ["not", 3, "expected an expression after 'not'"],
  ];
  for (const [text, position, detail] of cases) {
    it(`${JSON.stringify(text)} → position ${position}`, () => {
      assert.throws(
        () => parseQuery(text),
        (err: unknown) => {
          assert.ok(err instanceof QueryParseError);
          assert.equal(err.detail, detail);
          assert.equal(err.position, position);
          assert.equal(err.message, `Invalid expression at position ${position}: ${detail}`);
          return true;
        },
      );
    });
  }

  it("reports a bad regex at the pattern's position", () => {
    assert.throws(
      () => parseQuery("attribute:t =~ t2.("),
      (err: unknown) => err instanceof QueryParseError && err.position === 15 && err.detail.startsWith("invalid regular expression 't2.('"),
    );
  });

  it("reports an unsupported Java construct where it occurs", () => {
    assert.throws(
      () => parseQuery("attribute:t =~ 'ab[a-z&&[^q]]'"),
      (err: unknown) =>
        err instanceof QueryParseError &&
        err.position === 22 &&
        err.detail === "invalid regular expression 'ab[a-z&&[^q]]': character class intersection (&&) is not supported",
    );
  });
});
