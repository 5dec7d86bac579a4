import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fargateMemoryOptions, fargateSizeProblem, validFargateSize } from "./fargate-sizes.js";

describe("validFargateSize", () => {
  const valid: [number, number][] = [
    [256, 512], [256, 1024], [256, 2048],
    [512, 1024], [512, 4096],
    [1024, 2048], [1024, 5120], [1024, 8192],
    [2048, 4096], [2048, 16384],
    [4096, 8192], [4096, 30720],
    [8192, 16384], [8192, 20480], [8192, 61440],
    [16384, 32768], [16384, 40960], [16384, 122880],
  ];
  const invalid: [number, number][] = [
    [256, 256], [256, 3072], [512, 512], [512, 5120], [1024, 1024], [2048, 17408],
    [4096, 31744], [8192, 17408], [8192, 65536], [16384, 36864], [16384, 131072], [128, 512], [3072, 8192],
  ];
  for (const [cpu, memory] of valid) it(`accepts ${cpu}/${memory}`, () => assert.equal(validFargateSize(cpu, memory), true));
  for (const [cpu, memory] of invalid) it(`rejects ${cpu}/${memory}`, () => assert.equal(validFargateSize(cpu, memory), false));

  it("lists the memory options per cpu", () => {
    assert.deepEqual(fargateMemoryOptions(512), [1024, 2048, 3072, 4096]);
    assert.equal(fargateMemoryOptions(4096).length, 23);
    assert.deepEqual(fargateMemoryOptions(100), []);
  });

  it("explains what is wrong", () => {
    assert.equal(fargateSizeProblem(1024, 2048), undefined);
    assert.equal(fargateSizeProblem(1024, 1024), "Fargate task memory 1024 MiB is not valid with cpu 1024; allowed: 2048-8192 in steps of 1024");
    assert.equal(fargateSizeProblem(256, 4096), "Fargate task memory 4096 MiB is not valid with cpu 256; allowed: 512, 1024, 2048");
    assert.equal(fargateSizeProblem(3000, 4096), "Fargate task cpu 3000 is not valid; allowed: 256, 512, 1024, 2048, 4096, 8192, 16384");
  });
});
