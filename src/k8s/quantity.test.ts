import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { cpuToUnits, memoryToMiB, mibToMemory, parseQuantity, unitsToCpu } from "./quantity.js";

describe("parseQuantity", () => {
  const cases: [string | number, bigint, bigint][] = [
    ["500m", 500n, 1000n],
    ["1", 1n, 1n],
    ["0.5", 5n, 10n],
    [".5", 5n, 10n],
    ["1.", 1n, 1n],
    ["+2", 2n, 1n],
    ["256Mi", 256n * 2n ** 20n, 1n],
    ["1.5Gi", 15n * 2n ** 30n, 10n],
    ["1Ki", 1024n, 1n],
    ["1Ei", 2n ** 60n, 1n],
    ["1k", 1000n, 1n],
    ["1M", 1000000n, 1n],
    ["1E", 10n ** 18n, 1n],
    ["1e3", 1000n, 1n],
    ["1E3", 1000n, 1n],
    ["25e-1", 25n, 10n],
    ["100n", 100n, 10n ** 9n],
    ["7u", 7n, 10n ** 6n],
    [0.5, 5n, 10n],
    [2, 2n, 1n],
    [1e21, 10n ** 21n, 1n],
  ];
  for (const [input, num, den] of cases) {
    it(`reads ${JSON.stringify(input)} as exactly ${num}/${den}`, () => {
      const q = parseQuantity(input);
      assert.equal(q.num * den, num * q.den);
    });
  }

  for (const bad of ["", "abc", "1.2.3", "5Qi", "1 Gi", "m", "1e", "1ei"]) {
    it(`rejects ${JSON.stringify(bad)} naming the value`, () => {
      assert.throws(() => parseQuantity(bad), (e: Error) => e instanceof SyntaxError && e.message.includes(`'${bad}'`));
    });
  }
});

describe("cpuToUnits", () => {
  const table: [string | number, number][] = [
    ["1", 1024],
    ["250m", 256],
    ["500m", 512],
    [0.5, 512],
    ["100m", 103], // 102.4 rounds up
    ["1m", 2], // 1.024 rounds up
    ["0.1", 103], // exact fractions: 0.1 × 1024 = 102.4, never 102.40000000000001 → 104
    ["2", 2048],
    ["1500m", 1536],
    ["0", 0],
  ];
  for (const [input, units] of table) {
    it(`${JSON.stringify(input)} is ${units} units`, () => assert.equal(cpuToUnits(input), units));
  }
  it("rejects negative CPU", () => {
    assert.throws(() => cpuToUnits("-1"), RangeError);
  });
});

describe("memoryToMiB", () => {
  const table: [string | number, number][] = [
    ["256Mi", 256],
    ["1Gi", 1024],
    ["1.5Gi", 1536],
    ["1G", 954], // 953.67 MiB rounds up
    ["128974848", 123],
    ["129e6", 124], // 123.02 rounds up
    ["512Ki", 1],
    ["0", 0],
  ];
  for (const [input, mib] of table) {
    it(`${JSON.stringify(input)} is ${mib} MiB`, () => assert.equal(memoryToMiB(input), mib));
  }
});

describe("unitsToCpu", () => {
  it("formats multiples of 128 units exactly", () => {
    assert.deepEqual(unitsToCpu(256), { quantity: "250m", exact: true, returns: true });
    assert.deepEqual(unitsToCpu(1024), { quantity: "1", exact: true, returns: true });
    assert.deepEqual(unitsToCpu(2048), { quantity: "2", exact: true, returns: true });
    assert.deepEqual(unitsToCpu(128), { quantity: "125m", exact: true, returns: true });
  });
  it("rounds other values down to a millicore and says whether they come back", () => {
    assert.deepEqual(unitsToCpu(100), { quantity: "97m", exact: false, returns: true });
    assert.deepEqual(unitsToCpu(1), { quantity: "0", exact: false, returns: false });
  });
  it("comes back through cpuToUnits whenever any millicore value could (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 200_000 }), (units) => {
        const f = unitsToCpu(units);
        const someMillicoreReturns = [-1, 0, 1].some((d) => {
          const milli = Math.floor((units * 1000) / 1024) + d;
          return milli >= 0 && cpuToUnits(`${milli}m`) === units;
        });
        assert.equal(f.returns, someMillicoreReturns);
        if (f.exact) assert.equal(cpuToUnits(f.quantity), units);
      }),
    );
  });
});

describe("mibToMemory", () => {
  it("uses Gi for whole GiB and Mi otherwise, and always comes back exactly", () => {
    assert.equal(mibToMemory(512), "512Mi");
    assert.equal(mibToMemory(2048), "2Gi");
    assert.equal(mibToMemory(0), "0Mi");
    fc.assert(fc.property(fc.integer({ min: 0, max: 4_000_000 }), (mib) => memoryToMiB(mibToMemory(mib)) === mib));
  });
});
