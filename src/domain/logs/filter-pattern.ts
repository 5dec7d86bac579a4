// CloudWatch Logs filter patterns, the basic syntax: terms, quoted phrases, `?` alternatives,
// `-` exclusions, JSON selectors (`{ $.level = "error" && $.latency > 100 }`) and a whole
// pattern that is a regular expression (`%...%`). Parsing is pure and done once per request;
// the matcher it returns is then run on every scanned message.
//
// Term matching, as CloudWatch does it: case-sensitive, a term matches anywhere in the message.
// A message matches when it holds every plain term, at least one `?` term (if there are any)
// and none of the `-` terms. Space-delimited patterns (`[ip, user, ...]`) are not supported and
// are refused by name rather than matched wrongly.

export type Matcher = (message: string) => boolean;

/** The parsed pattern: its matcher, and substrings every match holds (for the store to pre-filter on). */
export interface FilterPattern {
  matches: Matcher;
  required: string[];
}

export class FilterPatternError extends Error {}

export function parseFilterPattern(pattern: string | undefined): Matcher {
  return compileFilterPattern(pattern).matches;
}

export function compileFilterPattern(pattern: string | undefined): FilterPattern {
  const text = (pattern ?? "").trim();
  if (text !== "" && !"{[%".includes(text[0]!)) {
    const terms = termsOf(text);
    return { matches: matchTerms(terms), required: terms.all.filter((t) => t !== "") };
  }
  return { matches: matcherOf(text), required: [] };
}

function matcherOf(text: string): Matcher {
  if (text === "") return () => true;
  if (text.startsWith("{")) return parseJsonPattern(text);
  if (text.startsWith("[")) throw new FilterPatternError("berth does not support space-delimited filter patterns ([field, ...]).");
  if (text.length >= 2 && text.startsWith("%") && text.endsWith("%")) return parseRegex(text.slice(1, -1));
  return matchTerms(termsOf(text));
}

function parseRegex(source: string): Matcher {
  if (source.includes("(")) throw new FilterPatternError("Invalid filter pattern: regular expressions may not contain groups.");
  let re: RegExp;
  try {
    re = new RegExp(source);
  } catch {
    throw new FilterPatternError(`Invalid filter pattern: ${source} is not a valid regular expression.`);
  }
  return (m) => re.test(m);
}

interface Terms {
  all: string[];
  any: string[];
  none: string[];
}

/** Splits on whitespace outside double quotes; a quoted phrase is one term (its quotes dropped). */
export function termsOf(text: string): Terms {
  const out: Terms = { all: [], any: [], none: [] };
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (i >= text.length) break;
    let kind: keyof Terms = "all";
    if ((text[i] === "?" || text[i] === "-") && i + 1 < text.length && !/\s/.test(text[i + 1]!)) {
      kind = text[i] === "?" ? "any" : "none";
      i++;
    }
    let term = "";
    if (text[i] === '"') {
      const end = closingQuote(text, i);
      term = unescape(text.slice(i + 1, end));
      i = end + 1;
    } else {
      while (i < text.length && !/\s/.test(text[i]!)) term += text[i++];
    }
    out[kind].push(term);
  }
  return out;
}

function closingQuote(text: string, open: number): number {
  for (let j = open + 1; j < text.length; j++) {
    if (text[j] === "\\") j++;
    else if (text[j] === '"') return j;
  }
  throw new FilterPatternError("Invalid filter pattern: a quoted phrase is not closed.");
}

const unescape = (s: string) => s.replace(/\\(.)/g, "$1");

function matchTerms({ all, any, none }: Terms): Matcher {
  return (m) => all.every((t) => m.includes(t)) && (any.length === 0 || any.some((t) => m.includes(t))) && !none.some((t) => m.includes(t));
}

// ---- JSON patterns --------------------------------------------------------------------------

type Path = (string | number)[];
type Node =
  | { kind: "and" | "or"; left: Node; right: Node }
  | { kind: "cmp"; path: Path; op: string; value: string | number; quoted: boolean }
  | { kind: "null" | "notExists" | "true" | "false"; path: Path };

interface Token {
  kind: "sel" | "op" | "str" | "word" | "(" | ")" | "&&" | "||";
  text: string;
}

function lex(body: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < body.length) {
    const c = body[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "(" || c === ")") {
      out.push({ kind: c, text: c });
      i++;
    } else if (body.startsWith("&&", i) || body.startsWith("||", i)) {
      out.push({ kind: body.slice(i, i + 2) as "&&" | "||", text: body.slice(i, i + 2) });
      i += 2;
    } else if (/[=!<>]/.test(c)) {
      const op = /^(!=|<=|>=|=|<|>)/.exec(body.slice(i));
      if (!op) throw new FilterPatternError(`Invalid filter pattern: unexpected '${c}'.`);
      out.push({ kind: "op", text: op[1]! });
      i += op[1]!.length;
    } else if (c === '"') {
      const end = closingQuote(body, i);
      out.push({ kind: "str", text: unescape(body.slice(i + 1, end)) });
      i = end + 1;
    } else {
      let w = "";
      while (i < body.length && !/[\s()=!<>"]/.test(body[i]!) && !body.startsWith("&&", i) && !body.startsWith("||", i)) w += body[i++];
      out.push({ kind: w.startsWith("$") ? "sel" : "word", text: w });
    }
  }
  return out;
}

function pathOf(sel: string): Path {
  const path: Path = [];
  const re = /\.([^.[\]]+)|\[(\d+)\]/gy;
  re.lastIndex = 1;
  while (re.lastIndex < sel.length) {
    const m = re.exec(sel);
    if (!m) throw new FilterPatternError(`Invalid filter pattern: ${sel} is not a valid selector.`);
    path.push(m[1] !== undefined ? m[1] : Number(m[2]));
  }
  if (path.length === 0) throw new FilterPatternError(`Invalid filter pattern: ${sel} selects nothing.`);
  return path;
}

function parseJsonPattern(text: string): Matcher {
  if (!text.endsWith("}")) throw new FilterPatternError("Invalid filter pattern: a JSON pattern must end with '}'.");
  const tokens = lex(text.slice(1, -1));
  let pos = 0;
  const peek = () => tokens[pos];
  const next = () => {
    const t = tokens[pos++];
    if (!t) throw new FilterPatternError("Invalid filter pattern: the expression ends too early.");
    return t;
  };
  // `&&` binds tighter than `||`; both associate to the left.
  const chain = (op: "&&" | "||", kind: "and" | "or", operand: () => Node): Node => {
    let left = operand();
    while (peek()?.kind === op) {
      pos++;
      left = { kind, left, right: operand() };
    }
    return left;
  };
  const conj = (): Node => chain("&&", "and", primary);
  const expr = (): Node => chain("||", "or", conj);
  const primary = (): Node => {
    const t = next();
    if (t.kind === "(") {
      const inner = expr();
      if (next().kind !== ")") throw new FilterPatternError("Invalid filter pattern: ')' expected.");
      return inner;
    }
    if (t.kind !== "sel") throw new FilterPatternError(`Invalid filter pattern: a selector ($.field) expected, found '${t.text}'.`);
    const path = pathOf(t.text);
    const op = next();
    if (op.kind === "word" && op.text === "IS") {
      const what = next().text;
      if (what === "NULL") return { kind: "null", path };
      if (what === "TRUE") return { kind: "true", path };
      if (what === "FALSE") return { kind: "false", path };
      throw new FilterPatternError(`Invalid filter pattern: IS ${what} is not a test.`);
    }
    if (op.kind === "word" && op.text === "NOT") {
      if (next().text !== "EXISTS") throw new FilterPatternError("Invalid filter pattern: NOT EXISTS expected.");
      return { kind: "notExists", path };
    }
    if (op.kind !== "op") throw new FilterPatternError(`Invalid filter pattern: an operator expected after ${t.text}.`);
    const v = next();
    if (v.kind !== "str" && v.kind !== "word") throw new FilterPatternError(`Invalid filter pattern: a value expected after ${t.text} ${op.text}.`);
    const numeric = v.kind === "word" && v.text !== "" && !v.text.includes("*") && Number.isFinite(Number(v.text));
    if (!numeric && !["=", "!="].includes(op.text)) {
      throw new FilterPatternError(`Invalid filter pattern: ${op.text} compares numbers, not '${v.text}'.`);
    }
    return { kind: "cmp", path, op: op.text, value: numeric ? Number(v.text) : v.text, quoted: v.kind === "str" };
  };
  const root = expr();
  if (pos !== tokens.length) throw new FilterPatternError(`Invalid filter pattern: unexpected '${tokens[pos]!.text}'.`);
  return (message) => {
    let doc: unknown;
    try {
      doc = JSON.parse(message);
    } catch {
      return false;
    }
    return doc !== null && typeof doc === "object" && evaluate(root, doc);
  };
}

const MISSING = Symbol("missing");

function select(doc: unknown, path: Path): unknown {
  let cur: unknown = doc;
  for (const p of path) {
    if (cur === null || typeof cur !== "object") return MISSING;
    if (typeof p === "number" ? !Array.isArray(cur) || p >= cur.length : !Object.hasOwn(cur, p)) return MISSING;
    cur = (cur as Record<string | number, unknown>)[p];
  }
  return cur;
}

function wildcard(pattern: string): RegExp {
  return new RegExp(`^${pattern.split("*").map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`, "s");
}

function evaluate(node: Node, doc: unknown): boolean {
  switch (node.kind) {
    case "and":
      return evaluate(node.left, doc) && evaluate(node.right, doc);
    case "or":
      return evaluate(node.left, doc) || evaluate(node.right, doc);
    case "null":
      return select(doc, node.path) === null;
    case "notExists":
      return select(doc, node.path) === MISSING;
    case "true":
      return select(doc, node.path) === true;
    case "false":
      return select(doc, node.path) === false;
    case "cmp": {
      const v = select(doc, node.path);
      if (v === MISSING || v === null || typeof v === "object") return false;
      if (typeof node.value === "number") {
        const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : Number.NaN;
        if (Number.isNaN(n)) return false;
        return compare(n, node.op, node.value);
      }
      const equal = wildcard(node.value).test(String(v));
      return node.op === "=" ? equal : !equal;
    }
  }
}

function compare(a: number, op: string, b: number): boolean {
  switch (op) {
    case "=":
      return a === b;
    case "!=":
      return a !== b;
    case "<":
      return a < b;
    case "<=":
      return a <= b;
    case ">":
      return a > b;
    default:
      return a >= b;
  }
}
