import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  validatePlacementConstraints,
  validatePlacementStrategy,
  validateTaskDefinitionConstraints,
} from "./validate.js";

const memberOf = (expression: string) => ({ type: "memberOf", expression });

describe("validateTaskDefinitionConstraints", () => {
  it("accepts memberOf constraints with valid expressions", () => {
    assert.deepEqual(validateTaskDefinitionConstraints([memberOf("attribute:ecs.instance-type =~ t2.*")]), []);
  });

  it("rejects distinctInstance, which only RunTask and services take", () => {
    assert.deepEqual(validateTaskDefinitionConstraints([{ type: "distinctInstance" }]), [
      {
        field: "placementConstraints[0].type",
        message: "Invalid parameter 'placementConstraints[0].type': task definitions only allow memberOf constraints, found 'distinctInstance'",
      },
    ]);
  });

  it("rejects more than 10", () => {
    const errors = validateTaskDefinitionConstraints(Array.from({ length: 11 }, () => memberOf("attribute:a exists")));
    assert.deepEqual(errors, [
      {
        field: "placementConstraints",
        message: "Invalid parameter 'placementConstraints': at most 10 placement constraints are allowed, found 11",
      },
    ]);
  });
});

describe("validatePlacementConstraints", () => {
  const cases: [string, { type?: string; expression?: string }, string, string][] = [
    [
      "distinctInstance with an expression",
      { type: "distinctInstance", expression: "attribute:a exists" },
      "placementConstraints[0].expression",
      "a distinctInstance constraint takes no expression, found 'attribute:a exists'",
    ],
    ["memberOf without expression", { type: "memberOf" }, "placementConstraints[0].expression", "a memberOf constraint needs an expression"],
    ["memberOf with empty expression", { type: "memberOf", expression: "" }, "placementConstraints[0].expression", "a memberOf constraint needs an expression"],
    [
      "unknown type",
      { type: "sameZone" },
      "placementConstraints[0].type",
      "type must be distinctInstance or memberOf, found 'sameZone'",
    ],
    ["missing type", {}, "placementConstraints[0].type", "type must be distinctInstance or memberOf, found none"],
    [
      "an expression that does not parse",
      memberOf("attribute:abc =="),
      "placementConstraints[0].expression",
      "Invalid expression at position 16: expected a value after '=='",
    ],
    [
      "an expression over 2000 characters",
      memberOf(`attribute:a == ${"x".repeat(2000)}`),
      "placementConstraints[0].expression",
      "expression is 2015 characters long; at most 2000 are allowed",
    ],
  ];
  for (const [name, constraint, field, problem] of cases) {
    it(`rejects ${name}`, () => {
      assert.deepEqual(validatePlacementConstraints([constraint]), [{ field, message: `Invalid parameter '${field}': ${problem}` }]);
    });
  }

  it("accepts distinctInstance and memberOf together", () => {
    assert.deepEqual(validatePlacementConstraints([{ type: "distinctInstance" }, memberOf("task:group != service:db")]), []);
  });

  it("counts the task definition's constraints toward the limit of 10", () => {
    const request = Array.from({ length: 4 }, () => ({ type: "distinctInstance" }));
    const definition = Array.from({ length: 7 }, () => memberOf("attribute:a exists"));
    assert.deepEqual(validatePlacementConstraints(request, definition), [
      {
        field: "placementConstraints",
        message:
          "Invalid parameter 'placementConstraints': at most 10 placement constraints per task are allowed, found 11 (4 in the request, 7 in the task definition)",
      },
    ]);
    assert.deepEqual(validatePlacementConstraints(request.slice(1), definition), []);
  });
});

describe("validatePlacementStrategy", () => {
  it("accepts every documented form", () => {
    assert.deepEqual(
      validatePlacementStrategy([
        { type: "spread", field: "attribute:ecs.availability-zone" },
        { type: "spread", field: "instanceId" },
        { type: "spread", field: "host" },
        { type: "binpack", field: "memory" },
        { type: "binpack", field: "cpu" },
      ]),
      [],
    );
    assert.deepEqual(validatePlacementStrategy([{ type: "random" }]), []);
  });

  const cases: [string, { type?: string; field?: string }, string, string][] = [
    ["binpack without field", { type: "binpack" }, "placementStrategy[0].field", "binpack needs field 'cpu' or 'memory', found none"],
    ["binpack on disk", { type: "binpack", field: "disk" }, "placementStrategy[0].field", "binpack needs field 'cpu' or 'memory', found 'disk'"],
    ["spread without field", { type: "spread" }, "placementStrategy[0].field", "spread needs a field: instanceId, host or attribute:<name>, found none"],
    ["spread on cpu", { type: "spread", field: "cpu" }, "placementStrategy[0].field", "spread needs field instanceId, host or attribute:<name>, found 'cpu'"],
    ["spread on 'attribute:'", { type: "spread", field: "attribute:" }, "placementStrategy[0].field", "spread needs field instanceId, host or attribute:<name>, found 'attribute:'"],
    ["unknown type", { type: "pack" }, "placementStrategy[0].type", "type must be one of random, spread, binpack, found 'pack'"],
  ];
  for (const [name, strategy, field, problem] of cases) {
    it(`rejects ${name}`, () => {
      assert.deepEqual(validatePlacementStrategy([strategy]), [{ field, message: `Invalid parameter '${field}': ${problem}` }]);
    });
  }

  it("rejects more than 5", () => {
    const errors = validatePlacementStrategy(Array.from({ length: 6 }, () => ({ type: "random" })));
    assert.deepEqual(errors, [
      { field: "placementStrategy", message: "Invalid parameter 'placementStrategy': at most 5 placement strategies are allowed, found 6" },
    ]);
  });
});
