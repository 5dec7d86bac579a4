import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { translateJavaRegex, UnsupportedPatternError } from "./java-regex.js";

function matches(java: string, value: string): boolean {
  const { source, flags } = translateJavaRegex(java);
  return new RegExp(`^(?:${source})$`, flags).test(value);
}

describe("translateJavaRegex", () => {
  const cases: [string, string, boolean][] = [
    ["t2.*", "t2.micro", true],
    ["(?i)t2\\.MICRO", "T2.micro", true],
    ["\\Qt2.micro\\E", "t2.micro", true],
    ["\\Qt2.micro\\E", "t2xmicro", false],
    ["\\Qa.b", "a.b", true],
    ["\\p{Alpha}+\\d", "abc1", true],
    ["\\p{Lower}+", "abC", false],
    ["\\P{Digit}+", "abc", true],
    ["[\\p{Upper}\\d]+", "A1B2", true],
    ["\\p{javaLowerCase}+", "xyz", true],
    ["a++b", "aab", true], // possessive → greedy
    ["a*+b", "b", true],
    ["(?>ab|a)c", "abc", true], // atomic group → plain group
    ["\\Aabc\\z", "abc", true],
    ["abc\\Z", "abc", true],
    ["a\\hb", "a\tb", true],
    ["a\\Hb", "a b", false],
    ["[]a]+", "]a]", true], // a leading ] is a member in Java
    ["[^]a]+", "bc", true],
    ["\\x{41}", "A", true],
    ["\\0101", "A", true],
    ["a{2,}?", "aaa", true],
    ["(?<name>x)\\k<name>", "xx", true],
    ["(?<=a)b|ab", "ab", true],
  ];
  for (const [java, value, expected] of cases) {
    it(`${java} ${expected ? "matches" : "does not match"} ${JSON.stringify(value)}`, () => {
      assert.equal(matches(java, value), expected);
    });
  }

  const unsupported: [string, number, string][] = [
    ["[a-z&&[^b]]", 4, "character class intersection (&&) is not supported"],
    ["[a[b]]", 2, "nested character classes are not supported"],
    ["a(?i)b", 1, "inline flags inside a pattern are not supported; put them first, as in (?i)"],
    ["(?x)a b", 1, "inline flag 'x' is not supported"],
    ["\\p{InGreek}", 0, "character class \\p{InGreek} is not supported"],
    ["\\G", 0, "\\G is not supported"],
    ["[abc", 4, "unclosed character class"],
  ];
  for (const [java, offset, message] of unsupported) {
    it(`rejects ${java}`, () => {
      assert.throws(
        () => translateJavaRegex(java),
        (err: unknown) => err instanceof UnsupportedPatternError && err.offset === offset && err.message === message,
      );
    });
  }
});
