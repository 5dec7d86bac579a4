import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { splitAcrossCapacityProviders, validateCapacityProviderStrategy } from "./capacity-providers.js";

function split(...args: Parameters<typeof splitAcrossCapacityProviders>): Record<string, number> {
  return Object.fromEntries(splitAcrossCapacityProviders(...args).map((s) => [s.capacityProvider, s.count]));
}

describe("splitAcrossCapacityProviders", () => {
  it("fills the base first, then splits by weight", () => {
    const strategy = [
      { capacityProvider: "FARGATE", base: 2, weight: 1 },
      { capacityProvider: "FARGATE_SPOT", weight: 3 },
    ];
    assert.deepEqual(split(strategy, 10), { FARGATE: 4, FARGATE_SPOT: 6 });
    assert.deepEqual(split(strategy, 1), { FARGATE: 1, FARGATE_SPOT: 0 });
    assert.deepEqual(split(strategy, 2), { FARGATE: 2, FARGATE_SPOT: 0 });
  });

  it("keeps a 1:4 ratio", () => {
    const strategy = [
      { capacityProvider: "A", weight: 1 },
      { capacityProvider: "B", weight: 4 },
    ];
    assert.deepEqual(split(strategy, 5), { A: 1, B: 4 });
    assert.deepEqual(split(strategy, 50), { A: 10, B: 40 });
    assert.deepEqual(split(strategy, 1), { A: 0, B: 1 });
  });

  it("splits evenly on equal weights, earlier items first", () => {
    const strategy = [
      { capacityProvider: "A", weight: 1 },
      { capacityProvider: "B", weight: 1 },
    ];
    assert.deepEqual(split(strategy, 3), { A: 2, B: 1 });
  });

  it("gives weight-0 providers nothing beyond their base", () => {
    const strategy = [
      { capacityProvider: "ONDEMAND", base: 3, weight: 0 },
      { capacityProvider: "SPOT", weight: 1 },
    ];
    assert.deepEqual(split(strategy, 10), { ONDEMAND: 3, SPOT: 7 });
    assert.deepEqual(split([{ capacityProvider: "Z", weight: 0 }, { capacityProvider: "W", weight: 2 }], 4), { Z: 0, W: 4 });
  });

  it("counts the service's existing tasks toward base and weights", () => {
    const strategy = [
      { capacityProvider: "FARGATE", base: 2, weight: 1 },
      { capacityProvider: "FARGATE_SPOT", weight: 1 },
    ];
    // FARGATE's 2 tasks are its base, SPOT's 2 count toward the weights: of 4 new tasks, 3 go to
    // FARGATE and 1 to SPOT, leaving 3 beyond base on each.
    assert.deepEqual(split(strategy, 4, { FARGATE: 2, FARGATE_SPOT: 2 }), { FARGATE: 3, FARGATE_SPOT: 1 });
    assert.deepEqual(split(strategy, 2, { FARGATE: 2, FARGATE_SPOT: 4 }), { FARGATE: 2, FARGATE_SPOT: 0 });
    assert.deepEqual(split(strategy, 1, { FARGATE: 1 }), { FARGATE: 1, FARGATE_SPOT: 0 });
  });
});

describe("validateCapacityProviderStrategy", () => {
  const message = (field: string, problem: string) => ({ field, message: `Invalid parameter '${field}': ${problem}` });

  it("accepts a valid strategy and an empty one", () => {
    assert.deepEqual(validateCapacityProviderStrategy([{ capacityProvider: "FARGATE", base: 1, weight: 1 }, { capacityProvider: "FARGATE_SPOT", weight: 4 }]), []);
    assert.deepEqual(validateCapacityProviderStrategy([]), []);
  });

  it("rejects more than 20 items", () => {
    const items = Array.from({ length: 21 }, (_, k) => ({ capacityProvider: `cp${k}`, weight: 1 }));
    assert.deepEqual(validateCapacityProviderStrategy(items), [
      message("capacityProviderStrategy", "at most 20 capacity providers are allowed, found 21"),
    ]);
  });

  it("rejects two items with a base", () => {
    assert.deepEqual(
      validateCapacityProviderStrategy([
        { capacityProvider: "A", base: 1, weight: 1 },
        { capacityProvider: "B", base: 2, weight: 1 },
      ]),
      [message("capacityProviderStrategy", "only one capacity provider can have a base greater than 0, found 2 (A, B)")],
    );
  });

  it("rejects a strategy where every weight is 0", () => {
    assert.deepEqual(validateCapacityProviderStrategy([{ capacityProvider: "A", base: 1 }, { capacityProvider: "B", weight: 0 }]), [
      message("capacityProviderStrategy", "at least one capacity provider must have a weight greater than 0, found none"),
    ]);
  });

  it("rejects out-of-range base and weight, missing and repeated names", () => {
    assert.deepEqual(
      validateCapacityProviderStrategy([
        { capacityProvider: "A", base: 100001, weight: 1 },
        { capacityProvider: "B", weight: 1001 },
        { capacityProvider: "A", weight: 1.5 },
        { capacityProvider: "", weight: -1 },
      ]),
      [
        message("capacityProviderStrategy[0].base", "100001 is not a whole number from 0 to 100000"),
        message("capacityProviderStrategy[1].weight", "1001 is not a whole number from 0 to 1000"),
        message("capacityProviderStrategy[2].capacityProvider", "capacity provider 'A' appears more than once"),
        message("capacityProviderStrategy[2].weight", "1.5 is not a whole number from 0 to 1000"),
        message("capacityProviderStrategy[3].capacityProvider", "a capacity provider name is required"),
        message("capacityProviderStrategy[3].weight", "-1 is not a whole number from 0 to 1000"),
      ],
    );
  });
});
