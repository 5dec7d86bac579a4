import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { parseText } from "./apply-documents.js";
import { excerpt, jsonError, jsonErrorOffset, placeOf, yamlMessage } from "./parse-errors.js";

const parseError = (text: string): Error => {
  try {
    JSON.parse(text);
  } catch (err) {
    return err as Error;
  }
  throw new Error(`${text} parsed`);
};

describe("jsonErrorOffset", () => {
  it("finds where JSON stops being JSON", () => {
    const cases: [string, number][] = [
      ['{"a": 1}', -1],
      ['{"a": 1,}', 8],
      ['{"a": tru}', 9],
      ['{"a": 1', 7],
      ['{"a": 1} x', 9],
      ["[1, 2 3]", 6],
      ['{"a" 1}', 5],
      ['{a: 1}', 1],
      ['"tab\there"', 4],
      ['"\\x"', 2],
      ["[01]", 2],
      ["[1.]", 3],
      ["-5e", 3],
      ["-", 1],
      ["", 0],
      ['  {"ok": [true, false, null, -1.5e3, "\\u00e9"]}  ', -1],
    ];
    for (const [text, offset] of cases) assert.equal(jsonErrorOffset(text), offset, text);
  });

  it("fails exactly when JSON.parse fails, at JSON.parse's own offset when it gives one", () => {
    // Valid documents, cut short or with one character changed.
    const broken = fc
      .tuple(fc.json(), fc.nat(), fc.constantFrom("", ",", "}", "]", ":", '"', "x", "\n", "\\"))
      .map(([text, n, ch]) => {
        const at = text.length ? n % text.length : 0;
        return ch === "" ? text.slice(0, at) : text.slice(0, at) + ch + text.slice(at + 1);
      });
    fc.assert(
      fc.property(broken, (text) => {
        let error: Error | undefined;
        try {
          JSON.parse(text);
        } catch (err) {
          error = err as Error;
        }
        const offset = jsonErrorOffset(text);
        assert.equal(offset >= 0, error !== undefined, text);
        const v8 = / at position (\d+)/.exec(error?.message ?? "");
        if (v8) assert.equal(offset, Number(v8[1]), `${text}: ${error!.message}`);
      }),
      { numRuns: 500 },
    );
  });
});

describe("placeOf and excerpt", () => {
  it("gives 1-based lines and columns, and a caret under the column", () => {
    const text = '{\n  "a": 1,\n  }\n';
    assert.deepEqual(placeOf(text, 0), { line: 1, column: 1 });
    assert.deepEqual(placeOf(text, 14), { line: 3, column: 3 });
    assert.equal(excerpt(text, { line: 3, column: 3 }), "  3 |   }\n    |   ^");
  });
  it("shows a window of a long line around the column", () => {
    const line = `${"a".repeat(300)}X${"b".repeat(300)}`;
    const [shown, caret] = excerpt(line, { line: 1, column: 301 }).split("\n");
    assert.ok(shown!.length < 120, shown);
    assert.equal(shown![caret!.indexOf("^")], "X");
  });
});

describe("parse errors of apply's files", () => {
  it("names file, line and column for JSON, with the offending line", () => {
    const text = '{\n "family": "x",\n "containerDefinitions": [\n   {"name": "c",}\n ]\n}\n';
    assert.equal(
      jsonError("bad.json", text, parseError(text)),
      'bad.json:4:17: not valid JSON: Expected double-quoted property name\n  4 |    {"name": "c",}\n    |                 ^',
    );
    const early = '{"family": "x", "c": [1, 2\n';
    assert.match(jsonError("e.json", early, parseError(early)), /^e\.json:1:27: not valid JSON: .*\n {2}1 \| .*\n {4}\| {27}\^$/);
  });
  it("keeps the YAML parser's reason, says the place once, and shows the line", () => {
    assert.equal(yamlMessage("All mapping items must start at the same column at line 4, column 1:\n\n  - c\n  d: 2\n^\n"), "All mapping items must start at the same column");
    assert.throws(
      () => parseText("a: 1\nb:\n  - c\n  d: 2\n", "bad.yaml"),
      (err: Error) => err.message === "bad.yaml:4:1: not valid YAML: All mapping items must start at the same column\n  4 |   d: 2\n    | ^",
    );
  });
});
