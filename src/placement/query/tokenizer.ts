// Splits a cluster query expression into tokens. Words are not classified here: whether `and`
// or `in` is a keyword or a value depends on where it stands, which only the parser knows.
// Regular expressions are read raw on the parser's request (readPattern), because `(`, `[` and
// `|` inside `t2.(micro|small)` are pattern text, not syntax.

import { QueryParseError } from "./errors.js";

export type TokenKind =
  | "word" // bare text: subjects, word operators, keywords, unquoted values
  | "string" // a quoted value, unescaped
  | "op" // ==, !=, >, >=, <, <=, =~, !~, !exists, !in
  | "and" // &&
  | "or" // ||
  | "not" // !
  | "("
  | ")"
  | "["
  | "]"
  | ","
  | "eof";

export interface Token {
  readonly kind: TokenKind;
  /** The canonical text: the word, the unquoted string, the operator symbol. */
  readonly text: string;
  readonly position: number;
  readonly end: number;
}

export interface PatternToken {
  readonly text: string;
  readonly position: number;
  readonly quoted: boolean;
}

// Characters that end a bare word. `*`, `:`, `.`, `-`, `/`, `@`, `+` stay inside words so that
// `attribute:ecs.instance-type`, `t2.*` and `2018-06-18T22:28:28+00:00` are single words.
const WORD_BREAK = new Set([..."()[],'\"!=<>&|~"]);

function isSpace(ch: string): boolean {
  return ch === " " || ch === "\t" || ch === "\n" || ch === "\r" || ch === "\f" || ch === "\v";
}

export function isWordChar(ch: string): boolean {
  return !isSpace(ch) && !WORD_BREAK.has(ch);
}

export class Tokenizer {
  private pos = 0;
  private buffered: Token | undefined;

  constructor(readonly text: string) {}

  peek(): Token {
    this.buffered ??= this.scan();
    return this.buffered;
  }

  next(): Token {
    const token = this.peek();
    this.buffered = undefined;
    return token;
  }

  /**
   * Reads a regular expression: a quoted string, or raw text up to whitespace outside any
   * group/class, or up to a `)` that closes a group opened before the pattern. Returns
   * undefined at the end of the input or when the next character cannot start a pattern.
   */
  readPattern(): PatternToken | undefined {
    if (this.buffered) {
      this.pos = this.buffered.position;
      this.buffered = undefined;
    }
    this.skipSpace();
    const start = this.pos;
    const text = this.text;
    if (start >= text.length) return undefined;
    const first = text[start]!;
    if (first === "'" || first === '"') {
      return { text: this.readQuoted(start, true), position: start + 1, quoted: true };
    }
    let depth = 0;
    let inClass = false;
    let i = start;
    while (i < text.length) {
      const ch = text[i]!;
      if (ch === "\\") {
        i += 2;
        continue;
      }
      if (inClass) {
        if (ch === "]") inClass = false;
      } else if (ch === "[") {
        inClass = true;
        // A `]` right after `[` or `[^` is a literal member in Java, not the end of the class.
        if (text[i + 1] === "^") i++;
        if (text[i + 1] === "]") i++;
      } else if (ch === "(") {
        depth++;
      } else if (ch === ")") {
        if (depth === 0) break;
        depth--;
      } else if (isSpace(ch) && depth === 0) {
        break;
      }
      i++;
    }
    i = Math.min(i, text.length);
    if (i === start) return undefined;
    this.pos = i;
    return { text: text.slice(start, i), position: start, quoted: false };
  }

  private skipSpace(): void {
    while (this.pos < this.text.length && isSpace(this.text[this.pos]!)) this.pos++;
  }

  private scan(): Token {
    this.skipSpace();
    const text = this.text;
    const start = this.pos;
    if (start >= text.length) return { kind: "eof", text: "", position: start, end: start };
    const ch = text[start]!;
    const two = text.slice(start, start + 2);
    const token = (kind: TokenKind, length: number, canonical = text.slice(start, start + length)): Token => {
      this.pos = start + length;
      return { kind, text: canonical, position: start, end: start + length };
    };
    switch (ch) {
      case "(":
      case ")":
      case "[":
      case "]":
      case ",":
        return token(ch, 1);
      case "'":
      case '"': {
        const value = this.readQuoted(start, false);
        return { kind: "string", text: value, position: start, end: this.pos };
      }
      case "&":
        if (two === "&&") return token("and", 2);
        throw new QueryParseError(start, "unexpected character '&' (use '&&' or 'and')");
      case "|":
        if (two === "||") return token("or", 2);
        throw new QueryParseError(start, "unexpected character '|' (use '||' or 'or')");
      case "=":
        if (two === "==" || two === "=~") return token("op", 2);
        throw new QueryParseError(start, "unexpected character '=' (use '==' or '=~')");
      case "<":
      case ">":
        return two[1] === "=" ? token("op", 2) : token("op", 1);
      case "~":
        throw new QueryParseError(start, "unexpected character '~' (use '=~' or '!~')");
      case "!": {
        if (two === "!=" || two === "!~") return token("op", 2);
        for (const word of ["exists", "in"]) {
          const after = start + 1 + word.length;
          const candidate = text.slice(start + 1, after);
          if (candidate.toLowerCase() === word && (after >= text.length || !isWordChar(text[after]!))) {
            return token("op", 1 + word.length, word === "in" ? "!in" : "!exists");
          }
        }
        return token("not", 1);
      }
    }
    let end = start;
    while (end < text.length && isWordChar(text[end]!)) end++;
    return token("word", end - start);
  }

  /**
   * Reads a quoted string starting at `start` (the quote). A backslash escapes the quote and
   * itself; any other backslash is kept, so `'\d+'` reaches the regex engine intact. Patterns
   * keep `\\` as written, because there the regex engine interprets it.
   */
  private readQuoted(start: number, keepBackslashes: boolean): string {
    const text = this.text;
    const quote = text[start]!;
    let out = "";
    let i = start + 1;
    while (i < text.length) {
      const ch = text[i]!;
      if (ch === "\\" && i + 1 < text.length) {
        const nextCh = text[i + 1]!;
        if (nextCh === quote) {
          out += quote;
          i += 2;
          continue;
        }
        if (nextCh === "\\" && !keepBackslashes) {
          out += "\\";
          i += 2;
          continue;
        }
        out += ch + nextCh;
        i += 2;
        continue;
      }
      if (ch === quote) {
        this.pos = i + 1;
        return out;
      }
      out += ch;
      i++;
    }
    throw new QueryParseError(start, `unterminated quoted value starting at position ${start}`);
  }
}
