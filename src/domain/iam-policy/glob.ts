// Wildcard patterns of the policy language, compiled once per policy and matched without
// building a regular expression per request.
//
// Three flavours (IAM User Guide, "IAM JSON policy elements: Resource" and "…: Condition
// operators"):
// - actions: `*` any run, `?` one character, case-insensitive (callers lower-case both sides);
// - ARNs (Resource, ArnLike): case-sensitive, "each of the six colon-delimited components of
//   the ARN is checked separately" — the sixth is everything after the fifth colon, so a star
//   there also covers colons (`arn:aws:logs:*:*:log-group:*` reaches `…:log-group:g:log-stream:s`)
//   while a star in the region stays in the region;
// - strings (StringLike): `*` and `?` match anything, case-sensitive.
// In 2012-10-17 documents, `${key}` is a policy variable read from the request context (with
// `${key, 'default'}` for an absent key) and `${*}`, `${?}`, `${$}` are the literal characters;
// a variable that cannot be resolved makes the pattern match nothing.

export type GlobMode = "action" | "arn" | "string" | "exact";

/** Resolves a policy variable (a lower-cased context key) to its single value, if it has one. */
export interface Variables {
  variable(key: string): string | undefined;
}

const LIT = 0;
const STAR = 1;
const ONE = 2;
const VAR = 3;

type Token = { t: typeof LIT; s: string } | { t: typeof STAR } | { t: typeof ONE } | { t: typeof VAR; key: string; fallback?: string };

export interface Glob {
  /** The pattern as written. */
  readonly source: string;
  /** True when the pattern matches `subject` (lower-cased already for actions). */
  match(subject: string, vars?: Variables): boolean;
}

/**
 * Compiles a pattern. `variables` enables `${…}` (2012-10-17 documents only). Action patterns
 * are lower-cased here; the evaluator lower-cases the request's action once.
 */
export function compileGlob(pattern: string, mode: GlobMode, variables = false): Glob {
  if (mode === "arn") return compileArn(pattern, variables);
  const match = compileMatcher(tokenize(mode === "action" ? pattern.toLowerCase() : pattern, mode !== "exact", variables));
  return { source: pattern, match };
}

/** Substitutes policy variables in a value compared whole (StringEquals and its kin). */
export function compileValue(value: string, variables: boolean): (vars?: Variables) => string | undefined {
  const tokens = tokenize(value, false, variables);
  if (!tokens.some((t) => t.t === VAR)) {
    const text = literal(tokens);
    return () => text;
  }
  return (vars) => {
    const resolved = resolve(tokens, vars);
    return resolved && literal(resolved);
  };
}

type Matcher = (subject: string, vars?: Variables) => boolean;

function compileMatcher(tokens: Token[]): Matcher {
  const hasVar = tokens.some((t) => t.t === VAR);
  if (hasVar) {
    return (s, vars) => {
      const resolved = resolve(tokens, vars);
      return resolved !== undefined && matchTokens(resolved, s);
    };
  }
  if (!tokens.some((t) => t.t !== LIT)) {
    const text = literal(tokens);
    return (s) => s === text;
  }
  if (tokens.length === 1) return tokens[0]!.t === STAR ? () => true : (s) => s.length === 1;
  // The common `prefix*` (ecs:Describe*, arn:…:cluster/*).
  const [first, second] = tokens;
  if (tokens.length === 2 && first?.t === LIT && second?.t === STAR) {
    const prefix = first.s;
    return (s) => s.startsWith(prefix);
  }
  return (s) => matchTokens(tokens, s);
}

/**
 * An ARN pattern. When its first five segments hold no wildcard, matching the whole string
 * is the same as matching segment by segment (the literal prefix pins every colon), so only
 * patterns like `arn:aws:ecs:*:*:cluster/*` pay for splitting the subject.
 */
function compileArn(pattern: string, variables: boolean): Glob {
  const parts = splitArn(pattern, variables);
  const wildHead = parts.length === 6 && parts.slice(0, 5).some((p) => /[*?]/.test(p));
  if (!wildHead) return { source: pattern, match: compileMatcher(tokenize(pattern, true, variables)) };
  const segments = parts.map((p) => compileMatcher(tokenize(p, true, variables)));
  return {
    source: pattern,
    match: (s, vars) => {
      const got = splitArn(s, false);
      if (got.length !== 6) return false;
      for (let i = 0; i < 6; i++) if (!segments[i]!(got[i]!, vars)) return false;
      return true;
    },
  };
}

/** The five colon-separated heads and the rest; colons inside `${…}` do not count. */
function splitArn(text: string, variables: boolean): string[] {
  const parts: string[] = [];
  let from = 0;
  let depth = 0;
  for (let i = 0; i < text.length && parts.length < 5; i++) {
    const c = text[i];
    if (variables && c === "$" && text[i + 1] === "{") depth++;
    else if (variables && c === "}" && depth > 0) depth--;
    else if (c === ":" && depth === 0) {
      parts.push(text.slice(from, i));
      from = i + 1;
    }
  }
  parts.push(text.slice(from));
  return parts;
}

const literal = (tokens: Token[]) => tokens.map((t) => (t as { s: string }).s).join("");

function resolve(tokens: Token[], vars: Variables | undefined): Token[] | undefined {
  const out: Token[] = [];
  for (const t of tokens) {
    if (t.t !== VAR) {
      out.push(t);
      continue;
    }
    const v = vars?.variable(t.key) ?? t.fallback;
    if (v === undefined) return undefined;
    out.push({ t: LIT, s: v });
  }
  return out;
}

function tokenize(pattern: string, wildcards: boolean, variables: boolean): Token[] {
  const tokens: Token[] = [];
  let lit = "";
  const flush = () => {
    if (lit) tokens.push({ t: LIT, s: lit });
    lit = "";
  };
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (variables && c === "$" && pattern[i + 1] === "{") {
      const end = pattern.indexOf("}", i + 2);
      if (end > 0) {
        const inner = pattern.slice(i + 2, end).trim();
        i = end;
        if (inner === "*" || inner === "?" || inner === "$") {
          lit += inner;
          continue;
        }
        flush();
        tokens.push(variable(inner));
        continue;
      }
    }
    if (wildcards && (c === "*" || c === "?")) {
      flush();
      tokens.push(c === "*" ? { t: STAR } : { t: ONE });
    } else {
      lit += c;
    }
  }
  flush();
  return tokens;
}

/** `aws:username` or `aws:username, 'default'`; keys are matched case-insensitively. */
function variable(inner: string): Token {
  const m = /^([^,]+?)\s*,\s*'([^']*)'$/.exec(inner);
  if (m) return { t: VAR, key: m[1]!.toLowerCase(), fallback: m[2]! };
  return { t: VAR, key: inner.toLowerCase() };
}

/**
 * Glob match with `*` and `?`: the literal runs between stars are fixed-width (with `?` as
 * any character), so taking each run at its leftmost fit is enough — the classic
 * greedy-with-one-backtrack-point algorithm, linear in practice and allocation-free.
 */
function matchTokens(tokens: Token[], s: string): boolean {
  let ti = 0;
  let si = 0;
  let starTi = -1;
  let starSi = 0;
  // Tokens are walked one character of literal at a time through `off`.
  let off = 0;
  while (si < s.length) {
    const tok = tokens[ti];
    if (tok?.t === LIT && tok.s.charCodeAt(off) === s.charCodeAt(si)) {
      si++;
      if (++off === tok.s.length) {
        off = 0;
        ti++;
      }
      continue;
    }
    if (tok?.t === ONE) {
      si++;
      ti++;
      continue;
    }
    if (tok?.t === STAR) {
      starTi = ti++;
      starSi = si;
      off = 0;
      continue;
    }
    if (starTi < 0) return false;
    // Let the last star take one more character and retry from just after it.
    ti = starTi + 1;
    off = 0;
    si = ++starSi;
  }
  while (tokens[ti]?.t === STAR) ti++;
  return ti === tokens.length && off === 0;
}
