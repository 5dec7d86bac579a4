// ECS evaluates `matches` with java.util.regex. JavaScript's RegExp (without the `u` flag) reads
// most Java patterns the same way; this rewrites the constructs that differ and rejects the few
// that have no JavaScript equivalent, so a pattern either means what it meant in Java or fails
// to parse. Matching is against the whole value, like Java's Matcher.matches(): that is why
// AWS's examples end in `.*` (`attribute:ecs.instance-type =~ t2.*`).

/** A construct the translation cannot express; offset is within the pattern. */
export class UnsupportedPatternError extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

// POSIX and java.lang.Character classes, as the members of a character class.
const NAMED_CLASSES: Record<string, string> = {
  Lower: "a-z",
  Upper: "A-Z",
  ASCII: "\\x00-\\x7F",
  Alpha: "a-zA-Z",
  Digit: "0-9",
  Alnum: "a-zA-Z0-9",
  Punct: "!-\\/:-@\\[-`{-~",
  Graph: "!-~",
  Print: " -~",
  Blank: " \\t",
  Cntrl: "\\x00-\\x1F\\x7F",
  XDigit: "0-9a-fA-F",
  Space: " \\t\\n\\x0B\\f\\r",
  javaLowerCase: "a-z",
  javaUpperCase: "A-Z",
  javaWhitespace: " \\t\\n\\x0B\\f\\r\\x1C-\\x1F",
  IsAlphabetic: "a-zA-Z",
  IsDigit: "0-9",
};

// Java's \h and \v are classes (horizontal and vertical whitespace); in JavaScript \v is one
// character and \h is nothing.
const CLASS_ESCAPES: Record<string, string> = {
  h: " \\t\\xA0\\u1680\\u180E\\u2000-\\u200A\\u202F\\u205F\\u3000",
  v: "\\n\\x0B\\f\\r\\x85\\u2028\\u2029",
};

export interface TranslatedPattern {
  readonly source: string;
  readonly flags: string;
}

export function translateJavaRegex(java: string): TranslatedPattern {
  let flags = "";
  let i = 0;
  // Leading inline flags such as (?i) apply to the whole pattern, which JavaScript expresses as
  // RegExp flags. Inline flags anywhere else have no JavaScript form.
  const lead = /^\(\?([a-zA-Z]+)\)/.exec(java);
  if (lead) {
    for (const f of lead[1]!) {
      if (f === "i" || f === "s" || f === "m") {
        if (!flags.includes(f)) flags += f;
      } else if (f !== "u" && f !== "d") {
        throw new UnsupportedPatternError(1 + lead[1]!.indexOf(f), `inline flag '${f}' is not supported`);
      }
    }
    i = lead[0].length;
  }

  let out = "";
  let inClass = false;
  // Set after a quantifier, so that a following `+` (Java's possessive form) can be dropped:
  // JavaScript has no possessive quantifiers and greedy matching accepts the same values here
  // except in contrived backtracking cases.
  let afterQuantifier = false;

  while (i < java.length) {
    const ch = java[i]!;
    if (ch === "\\") {
      const [text, length] = translateEscape(java, i, inClass);
      out += text;
      i += length;
      afterQuantifier = false;
      continue;
    }
    if (inClass) {
      if (ch === "[") throw new UnsupportedPatternError(i, "nested character classes are not supported");
      if (ch === "&" && java[i + 1] === "&") {
        throw new UnsupportedPatternError(i, "character class intersection (&&) is not supported");
      }
      if (ch === "]") inClass = false;
      out += ch;
      i++;
      continue;
    }
    if (ch === "[") {
      inClass = true;
      out += ch;
      i++;
      // A `]` first in a Java class is a member; JavaScript would read `[]` as an empty class.
      if (java[i] === "^") {
        out += "^";
        i++;
      }
      if (java[i] === "]") {
        out += "\\]";
        i++;
      }
      afterQuantifier = false;
      continue;
    }
    if (ch === "(" && java[i + 1] === "?") {
      const rest = java.slice(i + 2);
      if (rest.startsWith(">")) {
        out += "(?:"; // atomic group: greedy group, same caveat as possessive quantifiers
        i += 3;
      } else if (/^([:=!]|<[=!]|<[a-zA-Z])/.test(rest)) {
        out += "(?";
        i += 2;
      } else {
        throw new UnsupportedPatternError(i, "inline flags inside a pattern are not supported; put them first, as in (?i)");
      }
      afterQuantifier = false;
      continue;
    }
    if ((ch === "+" || ch === "?") && afterQuantifier) {
      if (ch === "+") {
        i++; // possessive → greedy
        afterQuantifier = false;
        continue;
      }
      out += ch; // lazy quantifier, same in both
      i++;
      afterQuantifier = false;
      continue;
    }
    if (ch === "*" || ch === "+" || ch === "?") {
      out += ch;
      i++;
      afterQuantifier = true;
      continue;
    }
    if (ch === "{") {
      const m = /^\{\d+(,\d*)?\}/.exec(java.slice(i));
      if (m) {
        out += m[0];
        i += m[0].length;
        afterQuantifier = true;
        continue;
      }
    }
    out += ch;
    i++;
    afterQuantifier = false;
  }
  if (inClass) throw new UnsupportedPatternError(java.length, "unclosed character class");
  return { source: out, flags };
}

/** Returns the JavaScript text for the escape at java[i] and how many characters it used. */
function translateEscape(java: string, i: number, inClass: boolean): [string, number] {
  const next = java[i + 1];
  if (next === undefined) throw new UnsupportedPatternError(i, "pattern ends with a lone backslash");
  const wrap = (members: string, negate = false): string =>
    inClass ? members : `[${negate ? "^" : ""}${members}]`;
  switch (next) {
    case "Q": {
      const end = java.indexOf("\\E", i + 2);
      const literal = java.slice(i + 2, end === -1 ? java.length : end);
      const escaped = literal.replace(/[\\^$.|?*+()[\]{}\-/]/g, "\\$&");
      return [escaped, (end === -1 ? java.length : end + 2) - i];
    }
    case "A":
      if (inClass) break;
      return ["^", 2];
    case "z":
      if (inClass) break;
      return ["$", 2];
    case "Z":
      if (inClass) break;
      return ["(?=\\n?$)", 2];
    case "R":
      if (inClass) break;
      return ["(?:\\r\\n|[\\n\\x0B\\f\\r\\x85\\u2028\\u2029])", 2];
    case "h":
    case "v":
      return [wrap(CLASS_ESCAPES[next]!), 2];
    case "H":
    case "V":
      if (inClass) throw new UnsupportedPatternError(i, `\\${next} inside a character class is not supported`);
      return [`[^${CLASS_ESCAPES[next.toLowerCase()]!}]`, 2];
    case "e":
      return ["\\x1B", 2];
    case "a":
      return ["\\x07", 2];
    case "0": {
      const m = /^[0-7]{1,3}/.exec(java.slice(i + 2));
      if (!m) throw new UnsupportedPatternError(i, "\\0 must be followed by octal digits");
      const code = Math.min(parseInt(m[0], 8), 0o377);
      return [`\\x${code.toString(16).padStart(2, "0")}`, 2 + m[0].length];
    }
    case "x": {
      if (java[i + 2] !== "{") break;
      const close = java.indexOf("}", i + 3);
      const hex = close === -1 ? "" : java.slice(i + 3, close);
      const code = /^[0-9a-fA-F]{1,6}$/.test(hex) ? parseInt(hex, 16) : NaN;
      if (!(code <= 0xffff)) throw new UnsupportedPatternError(i, "\\x{...} must name a character up to FFFF");
      return [`\\u${code.toString(16).padStart(4, "0")}`, close + 1 - i];
    }
    case "p":
    case "P": {
      const m = /^\{(?:Is)?([A-Za-z]+)\}/.exec(java.slice(i + 2));
      const name = m?.[1];
      const members = name !== undefined ? (NAMED_CLASSES[name] ?? NAMED_CLASSES[`Is${name}`]) : undefined;
      if (!m || members === undefined) {
        throw new UnsupportedPatternError(i, `character class \\${next}${m ? m[0] : ""} is not supported`);
      }
      if (next === "P" && inClass) {
        throw new UnsupportedPatternError(i, "\\P{...} inside a character class is not supported");
      }
      return [wrap(members, next === "P"), 2 + m[0].length];
    }
    case "G":
    case "X":
      throw new UnsupportedPatternError(i, `\\${next} is not supported`);
  }
  return [`\\${next}`, 2];
}
