import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import type { NodeSelectorRequirement } from "./k8s-types.js";
import {
  expressionToNodeTerms,
  nodeSelectorToExpression,
  nodeTermsToExpression,
  parseQueryExpression,
  requirementToExpression,
} from "./query-language.js";

describe("nodeSelectorToExpression", () => {
  it("maps well-known labels to built-in attributes and values", () => {
    assert.equal(
      nodeSelectorToExpression({ "kubernetes.io/arch": "amd64", "kubernetes.io/os": "linux", disk: "ssd" }),
      "attribute:ecs.cpu-architecture == x86_64 and attribute:ecs.os-type == linux and attribute:disk == ssd",
    );
  });
  it("reads deprecated labels as their current names", () => {
    assert.equal(nodeSelectorToExpression({ "failure-domain.beta.kubernetes.io/zone": "us-east-1a" }), "attribute:ecs.availability-zone == us-east-1a");
  });
  it("quotes values that would read as keywords", () => {
    assert.equal(nodeSelectorToExpression({ role: "and" }), "attribute:role == 'and'");
  });
});

describe("requirementToExpression", () => {
  const table: [NodeSelectorRequirement, string][] = [
    [{ key: "node.kubernetes.io/instance-type", operator: "In", values: ["m5.large", "c5.large"] }, "attribute:ecs.instance-type in [m5.large, c5.large]"],
    [{ key: "node.kubernetes.io/instance-type", operator: "In", values: ["m5.large"] }, "attribute:ecs.instance-type == m5.large"],
    [{ key: "stack", operator: "NotIn", values: ["dev", "test"] }, "attribute:stack not_in [dev, test]"],
    [{ key: "stack", operator: "NotIn", values: ["dev"] }, "attribute:stack != dev"],
    [{ key: "gpu", operator: "Exists" }, "attribute:gpu exists"],
    [{ key: "spot", operator: "DoesNotExist" }, "attribute:spot !exists"],
  ];
  for (const [req, expr] of table) {
    it(`${req.key} ${req.operator} → ${expr}`, () => assert.deepEqual(requirementToExpression(req), { expression: expr }));
  }
  it("reports numeric comparisons", () => {
    const w = requirementToExpression({ key: "cores", operator: "Gt", values: ["4"] });
    assert.ok("reason" in w && /compares numbers/.test(w.reason));
  });
});

describe("nodeTermsToExpression", () => {
  it("parenthesizes multi-requirement terms only when there are several terms", () => {
    const a = { key: "a", operator: "In", values: ["1"] };
    const b = { key: "b", operator: "Exists" };
    const c = { key: "c", operator: "In", values: ["3"] };
    assert.equal(nodeTermsToExpression([{ matchExpressions: [a, b] }]).expression, "attribute:a == 1 and attribute:b exists");
    assert.equal(
      nodeTermsToExpression([{ matchExpressions: [a, b] }, { matchExpressions: [c] }]).expression,
      "(attribute:a == 1 and attribute:b exists) or attribute:c == 3",
    );
  });
});

describe("parseQueryExpression", () => {
  it("reads the documented forms", () => {
    assert.deepEqual(parseQueryExpression("attribute:ecs.instance-type =~ t2.*"), {
      kind: "simple", subject: "attribute:ecs.instance-type", op: "=~", values: ["t2.*"],
    });
    assert.deepEqual(parseQueryExpression("ec2InstanceId in ['i-abcd1234', 'i-wxyx7890']"), {
      kind: "simple", subject: "ec2InstanceId", op: "in", values: ["i-abcd1234", "i-wxyx7890"],
    });
    assert.deepEqual(parseQueryExpression("not(task:group == database)"), {
      kind: "not", item: { kind: "simple", subject: "task:group", op: "==", values: ["database"] },
    });
    const compound = parseQueryExpression("(attribute:a equals 1 or attribute:b exists) && attribute:c not_in [x, y]");
    assert.equal(compound.kind, "and");
  });
  it("rejects malformed text naming it", () => {
    assert.throws(() => parseQueryExpression("attribute:a =="), /Invalid memberOf expression 'attribute:a =='/);
    assert.throws(() => parseQueryExpression("(attribute:a == 1"), /expected '\)'/);
  });
});

describe("expressionToNodeTerms", () => {
  it("distributes AND over OR and applies De Morgan under not", () => {
    const r = expressionToNodeTerms("(attribute:a == 1 or attribute:b == 2) and not(attribute:c == 3 or attribute:d exists)");
    assert.deepEqual(r, {
      terms: [
        [
          { key: "a", operator: "In", values: ["1"] },
          { key: "c", operator: "NotIn", values: ["3"] },
          { key: "d", operator: "DoesNotExist" },
        ],
        [
          { key: "b", operator: "In", values: ["2"] },
          { key: "c", operator: "NotIn", values: ["3"] },
          { key: "d", operator: "DoesNotExist" },
        ],
      ],
    });
  });
  it("maps built-in attributes back to well-known labels", () => {
    assert.deepEqual(expressionToNodeTerms("attribute:ecs.cpu-architecture == x86_64"), {
      terms: [[{ key: "kubernetes.io/arch", operator: "In", values: ["amd64"] }]],
    });
  });
  it("reports what node labels cannot say", () => {
    for (const e of ["attribute:ecs.instance-type =~ t3.*", "task:group == service:web", "agentVersion >= 1.70.0", "runningTasksCount < 5"]) {
      assert.ok("reason" in expressionToNodeTerms(e), e);
    }
  });

  it("reads back what nodeTermsToExpression writes (property)", () => {
    const key = fc.constantFrom("kubernetes.io/arch", "topology.kubernetes.io/zone", "stack", "example.com/disk");
    const value = fc.constantFrom("amd64", "arm64", "us-east-1a", "prod", "ssd", "and");
    const req: fc.Arbitrary<NodeSelectorRequirement> = fc.oneof(
      fc.record({ key, operator: fc.constantFrom("In", "NotIn"), values: fc.uniqueArray(value, { minLength: 1, maxLength: 3 }) }),
      fc.record({ key, operator: fc.constantFrom("Exists", "DoesNotExist") }),
    );
    const terms = fc.array(fc.array(req, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 3 });
    fc.assert(
      fc.property(terms, (ts) => {
        const written = nodeTermsToExpression(ts.map((t) => ({ matchExpressions: t })));
        const read = expressionToNodeTerms(written.expression as string);
        assert.ok("terms" in read);
        // Arch values pass through the amd64 ↔ x86_64 mapping and back unchanged.
        const norm = (t: NodeSelectorRequirement[][]) => JSON.stringify(t.map((x) => x.map((q) => ({ ...q, ...(q.values ? { values: q.values } : {}) }))));
        assert.equal(norm(read.terms), norm(ts));
      }),
    );
  });
});
