import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Deps } from "./deps.js";
import { placementSnapshot } from "./placement-snapshots.js";

function depsWithCache(): Deps {
  return { cache: {}, store: {}, clock: {} } as unknown as Deps;
}

describe("placementSnapshot", () => {
  it("derives each snapshot from the last one of the same candidate set", () => {
    const deps = depsWithCache();
    const first = placementSnapshot(deps, "cluster-a\u0000EC2", []);
    const second = placementSnapshot(deps, "cluster-a\u0000EC2", []);
    const other = placementSnapshot(deps, "cluster-a\u0000EXTERNAL", []);
    assert.equal(first.generation, 0);
    assert.equal(second.generation, 1);
    assert.equal(other.generation, 0);
  });

  it("keeps a line per cache, and forgets the least recently used candidate sets", () => {
    const deps = depsWithCache();
    placementSnapshot(deps, "kept", []);
    for (let k = 0; k < 40; k++) {
      placementSnapshot(deps, `set-${k}`, []);
      placementSnapshot(deps, "kept", []);
    }
    assert.equal(placementSnapshot(deps, "kept", []).generation, 41);
    assert.equal(placementSnapshot(deps, "set-0", []).generation, 0);
    assert.equal(placementSnapshot(depsWithCache(), "kept", []).generation, 0);
  });
});
