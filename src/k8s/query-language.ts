// Node selection (nodeSelector, required node affinity) ↔ memberOf expressions in ECS's
// cluster query language. Both are hard filters on the machine a workload may run on.
//
// Writing: a nodeSelector is an AND of equalities; node affinity is an OR of terms, each an
// AND of requirements. Reading: an expression is parsed, then brought to the same OR-of-ANDs
// shape (distributing AND over OR); anything outside what node labels can say — regexes,
// task:group, agentVersion, numeric comparisons — is reported instead of guessed at.

import type { Labels, NodeSelectorRequirement, NodeSelectorTerm } from "./k8s-types.js";
import {
  attributeToLabel,
  attributeValueToLabelValue,
  labelToAttribute,
  labelValueToAttributeValue,
} from "./node-labels.js";

const KEYWORDS = new Set(["and", "or", "not", "in", "not_in", "exists", "not_exists", "matches", "not_matches", "equals"]);

function quote(value: string): string {
  return value === "" || KEYWORDS.has(value.toLowerCase()) || /[\s,\[\]()'"]/.test(value) ? `'${value}'` : value;
}

function subject(label: string): string {
  return `attribute:${labelToAttribute(label).attribute}`;
}

function list(label: string, values: readonly string[]): string {
  return `[${values.map((v) => quote(labelValueToAttributeValue(label, v))).join(", ")}]`;
}

export type Written = { expression: string } | { reason: string };

/** One node requirement → a simple expression, or why it has none. */
export function requirementToExpression(req: NodeSelectorRequirement): Written {
  const values = req.values ?? [];
  const s = subject(req.key);
  switch (req.operator) {
    case "In":
      if (values.length === 0) return { reason: `operator In on '${req.key}' has no values` };
      return { expression: values.length === 1 ? `${s} == ${list(req.key, values).slice(1, -1)}` : `${s} in ${list(req.key, values)}` };
    case "NotIn":
      if (values.length === 0) return { reason: `operator NotIn on '${req.key}' has no values` };
      return { expression: values.length === 1 ? `${s} != ${list(req.key, values).slice(1, -1)}` : `${s} not_in ${list(req.key, values)}` };
    case "Exists":
      return { expression: `${s} exists` };
    case "DoesNotExist":
      return { expression: `${s} !exists` };
    case "Gt":
    case "Lt":
      return { reason: `operator ${req.operator} on '${req.key}' compares numbers; the cluster query language compares attributes only as strings` };
    default:
      return { reason: `unknown operator '${req.operator}' on '${req.key}'; expected In, NotIn, Exists, DoesNotExist, Gt or Lt` };
  }
}

/** A nodeSelector → `attribute:a == x and attribute:b == y`, in the manifest's key order. */
export function nodeSelectorToExpression(selector: Labels): string {
  return Object.entries(selector)
    .map(([k, v]) => `${subject(k)} == ${quote(labelValueToAttributeValue(k, v))}`)
    .join(" and ");
}

export interface TermsWritten {
  expression?: string;
  /** Requirements (by term and index) that could not be written, with the reason. */
  skipped: { term: number; index: number; reason: string }[];
}

/** Required node affinity terms (ORed) → one expression; a term is an AND of requirements. */
export function nodeTermsToExpression(terms: readonly NodeSelectorTerm[]): TermsWritten {
  const skipped: TermsWritten["skipped"] = [];
  const written: string[][] = [];
  terms.forEach((term, t) => {
    const parts: string[] = [];
    (term.matchExpressions ?? []).forEach((req, i) => {
      const w = requirementToExpression(req);
      if ("expression" in w) parts.push(w.expression);
      else skipped.push({ term: t, index: i, reason: w.reason });
    });
    if (parts.length > 0) written.push(parts);
  });
  if (written.length === 0) return { skipped };
  const several = written.length > 1;
  const expression = written.map((parts) => (several && parts.length > 1 ? `(${parts.join(" and ")})` : parts.join(" and "))).join(" or ");
  return { expression, skipped };
}

// ---- reading -------------------------------------------------------------------------------

export type QueryNode =
  | { kind: "and" | "or"; items: QueryNode[] }
  | { kind: "not"; item: QueryNode }
  | { kind: "simple"; subject: string; op: string; values: string[] };

const OPERATOR_WORDS: Record<string, string> = {
  equals: "==",
  not_equals: "!=",
  greater_than: ">",
  greater_than_equal: ">=",
  less_than: "<",
  less_than_equal: "<=",
  not_exists: "!exists",
  not_in: "!in",
  matches: "=~",
  not_matches: "!~",
};
const NO_ARGUMENT = new Set(["exists", "!exists"]);
const TOKEN = /\s*(==|!=|=~|!~|>=|<=|>|<|&&|\|\||!exists|!in|!|\(|\)|\[|\]|,|'[^']*'|"[^"]*"|[^\s()\[\],!=<>~'"&|]+)/y;

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    if (/^\s*$/.test(text.slice(TOKEN.lastIndex))) break;
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(text);
    if (!m) throw new SyntaxError(`Invalid memberOf expression '${text}': unexpected character at ${at}`);
    tokens.push(m[1] as string);
  }
  return tokens;
}

/** Parses a cluster-query-language expression. */
export function parseQueryExpression(text: string): QueryNode {
  const tokens = tokenize(text);
  let pos = 0;
  const fail = (what: string): never => {
    throw new SyntaxError(`Invalid memberOf expression '${text}': ${what} at token ${pos + 1} ('${tokens[pos] ?? "end"}')`);
  };
  const peek = () => tokens[pos]?.toLowerCase();
  const unquote = (t: string) => (/^['"].*['"]$/.test(t) ? t.slice(1, -1) : t);

  const parseOr = (): QueryNode => {
    const items = [parseAnd()];
    while (peek() === "or" || peek() === "||") {
      pos++;
      items.push(parseAnd());
    }
    return items.length === 1 ? (items[0] as QueryNode) : { kind: "or", items };
  };
  const parseAnd = (): QueryNode => {
    const items = [parseUnary()];
    while (peek() === "and" || peek() === "&&") {
      pos++;
      items.push(parseUnary());
    }
    return items.length === 1 ? (items[0] as QueryNode) : { kind: "and", items };
  };
  const parseUnary = (): QueryNode => {
    if ((peek() === "not" || peek() === "!") && tokens[pos + 1] === "(") {
      pos++;
      return { kind: "not", item: parseUnary() };
    }
    if (peek() === "(") {
      pos++;
      const inner = parseOr();
      if (tokens[pos] !== ")") fail("expected ')'");
      pos++;
      return inner;
    }
    return parseSimple();
  };
  const parseSimple = (): QueryNode => {
    const subj = tokens[pos];
    if (subj === undefined || ["(", ")", "[", "]", ","].includes(subj)) return fail("expected a subject");
    pos++;
    const rawOp = tokens[pos];
    if (rawOp === undefined) return fail("expected an operator");
    const op = OPERATOR_WORDS[rawOp.toLowerCase()] ?? rawOp.toLowerCase();
    pos++;
    if (NO_ARGUMENT.has(op)) return { kind: "simple", subject: subj, op, values: [] };
    if (tokens[pos] === "[") {
      pos++;
      const values: string[] = [];
      while (tokens[pos] !== "]") {
        const v = tokens[pos];
        if (v === undefined) return fail("expected ']'");
        values.push(unquote(v));
        pos++;
        if (tokens[pos] === ",") pos++;
      }
      pos++;
      return { kind: "simple", subject: subj, op, values };
    }
    const arg = tokens[pos];
    if (arg === undefined) return fail("expected an argument");
    pos++;
    return { kind: "simple", subject: subj, op, values: [unquote(arg)] };
  };

  const node = parseOr();
  if (pos !== tokens.length) fail("unexpected text");
  return node;
}

export type TermsRead = { terms: NodeSelectorRequirement[][] } | { reason: string };

/**
 * An expression → node affinity terms (OR of ANDs of requirements), or the reason it has no
 * Kubernetes form. Example: `attribute:ecs.instance-type in [m5.large, c5.large] and
 * attribute:stack == prod` → one term with `node.kubernetes.io/instance-type In [...]` and
 * `stack In [prod]`.
 */
export function expressionToNodeTerms(text: string): TermsRead {
  let node: QueryNode;
  try {
    node = parseQueryExpression(text);
  } catch (e) {
    return { reason: (e as Error).message };
  }
  return toTerms(node, false);
}

function toTerms(node: QueryNode, negated: boolean): TermsRead {
  if (node.kind === "not") return toTerms(node.item, !negated);
  if (node.kind === "simple") {
    const r = toRequirement(node, negated);
    return "reason" in r ? r : { terms: [[r]] };
  }
  // De Morgan: not(a and b) = not a or not b.
  const disjunction = (node.kind === "or") !== negated;
  const parts: NodeSelectorRequirement[][][] = [];
  for (const item of node.items) {
    const r = toTerms(item, negated);
    if ("reason" in r) return r;
    parts.push(r.terms);
  }
  if (disjunction) return { terms: parts.flat() };
  // AND of ORs: distribute, (a or b) and c = (a and c) or (b and c).
  let acc: NodeSelectorRequirement[][] = [[]];
  for (const terms of parts) acc = acc.flatMap((left) => terms.map((right) => [...left, ...right]));
  return { terms: acc };
}

function toRequirement(node: Extract<QueryNode, { kind: "simple" }>, negated: boolean): NodeSelectorRequirement | { reason: string } {
  const m = /^attribute:(.+)$/.exec(node.subject);
  if (!m) {
    return { reason: `subject '${node.subject}' describes the instance's state, not a node label; Kubernetes node selection reads only labels` };
  }
  const attribute = m[1] as string;
  const key = attributeToLabel(attribute);
  const values = node.values.map((v) => attributeValueToLabelValue(attribute, v));
  const flip: Record<string, string> = { "==": "!=", "!=": "==", in: "!in", "!in": "in", exists: "!exists", "!exists": "exists" };
  const op = negated ? flip[node.op] : node.op;
  switch (op) {
    case "==":
    case "in":
      return { key, operator: "In", values };
    case "!=":
    case "!in":
      return { key, operator: "NotIn", values };
    case "exists":
      return { key, operator: "Exists" };
    case "!exists":
      return { key, operator: "DoesNotExist" };
    default:
      return { reason: `operator '${node.op}' on '${node.subject}' has no node-label counterpart; Kubernetes matches labels by equality, set membership and existence` };
  }
}
