import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  daemonPercents,
  deploymentPercents,
  ecsBounds,
  k8sDeploymentBounds,
  maximumPercentFor,
  minimumHealthyPercentFor,
  parseFencepost,
  rollingUpdateFor,
  type Fencepost,
} from "./rollout-math.js";

const pct = (value: number): Fencepost => ({ kind: "percent", value });
const abs = (value: number): Fencepost => ({ kind: "absolute", value });

describe("parseFencepost", () => {
  it("reads integers and percent strings", () => {
    assert.deepEqual(parseFencepost(3, "maxSurge"), abs(3));
    assert.deepEqual(parseFencepost("25%", "maxSurge"), pct(25));
  });
  it("rejects a bare numeric string, as Kubernetes does", () => {
    assert.throws(() => parseFencepost("3", "maxSurge"), /Invalid maxSurge: '3'/);
    assert.throws(() => parseFencepost(-1, "maxUnavailable"), /Invalid maxUnavailable: -1/);
  });
});

describe("k8sDeploymentBounds", () => {
  const table: [string, number, Fencepost, Fencepost, number, number][] = [
    ["defaults at 10", 10, pct(25), pct(25), 13, 8],
    ["defaults at 1: surge rounds up, unavailable down", 1, pct(25), pct(25), 2, 1],
    ["defaults at 4", 4, pct(25), pct(25), 5, 3],
    ["both resolve to 0 → unavailable 1", 3, abs(0), pct(10), 3, 2],
    ["unavailable capped at replicas", 2, abs(0), abs(5), 2, 0],
    ["absolute", 5, abs(2), abs(1), 7, 4],
    ["zero replicas", 0, pct(25), pct(25), 0, 0],
  ];
  for (const [name, r, s, u, maxTotal, minAvailable] of table) {
    it(name, () => {
      const b = k8sDeploymentBounds(r, s, u);
      assert.equal(b.maxTotal, maxTotal);
      assert.equal(b.minAvailable, minAvailable);
    });
  }
});

describe("ecsBounds", () => {
  it("follows the AWS worked examples", () => {
    assert.deepEqual(ecsBounds(4, 200, 50), { maxTotal: 8, minHealthy: 2 });
    assert.equal(ecsBounds(2, 200, 75).minHealthy, 2); // ceil(1.5)
    assert.equal(ecsBounds(3, 125, 100).maxTotal, 3); // floor(3.75)
  });
});

describe("deploymentPercents", () => {
  it("keeps percents as their mirror when the counts agree", () => {
    const r = deploymentPercents(4, pct(25), pct(25));
    assert.equal(r.maximumPercent.percent, 125);
    assert.equal(r.minimumHealthyPercent.percent, 75);
    assert.ok(r.maximumPercent.exact && r.minimumHealthyPercent.exact);
  });
  it("moves maxSurge's mirror when Kubernetes' ceil and ECS's floor disagree", () => {
    // replicas 3, 50%: Kubernetes total 3 + ceil(1.5) = 5; 150% gives floor(4.5) = 4; 167% gives 5.
    const r = deploymentPercents(3, pct(50), pct(0));
    assert.deepEqual(r.maximumPercent, { percent: 167, count: 5, exact: true });
    assert.deepEqual(r.minimumHealthyPercent, { percent: 100, count: 3, exact: true });
  });
  it("converts absolute numbers at the given replica count", () => {
    const r = deploymentPercents(10, abs(2), abs(1));
    assert.deepEqual(r.maximumPercent, { percent: 120, count: 12, exact: true });
    assert.deepEqual(r.minimumHealthyPercent, { percent: 90, count: 9, exact: true });
  });
  it("falls back to the nearest safe values above 100 tasks", () => {
    const r = deploymentPercents(250, abs(1), abs(1));
    assert.deepEqual(r.maximumPercent, { percent: 100, count: 250, exact: false });
    assert.deepEqual(r.minimumHealthyPercent, { percent: 100, count: 250, exact: false });
  });
});

// Property: for random replicas and settings, the ECS percents allow exactly Kubernetes' counts
// wherever some whole percent can, and otherwise the nearest safe counts.
describe("deploymentPercents (property)", () => {
  const fencepost = (max: number) =>
    fc.oneof(
      fc.integer({ min: 0, max }).map(abs),
      fc.integer({ min: 0, max: 100 }).map(pct),
    );
  const surgeArb = fc.oneof(fc.integer({ min: 0, max: 600 }).map(abs), fc.integer({ min: 0, max: 300 }).map(pct));

  it("is exact when a whole percent can be, and safe and nearest otherwise", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 500 }), surgeArb, fencepost(600), (replicas, surge, unavailable) => {
        fc.pre(!(surge.value === 0 && unavailable.value === 0)); // Kubernetes rejects this
        const r = deploymentPercents(replicas, surge, unavailable);
        const { maxTotal, minAvailable } = r.k8s;
        if (replicas === 0) {
          // Nothing runs on either side (a Deployment scaled to 0 never surges), so any percent is exact.
          assert.ok(r.maximumPercent.exact && r.minimumHealthyPercent.exact);
          return;
        }
        const ecs = ecsBounds(replicas, r.maximumPercent.percent, r.minimumHealthyPercent.percent);
        assert.equal(ecs.maxTotal, r.maximumPercent.count);
        assert.equal(ecs.minHealthy, r.minimumHealthyPercent.count);
        assert.ok(r.minimumHealthyPercent.percent >= 0 && r.minimumHealthyPercent.percent <= 100);
        assert.ok(r.maximumPercent.percent >= 100);

        // Every whole percent ECS could be given, and the counts it would allow.
        const minCounts = range(0, 100).map((p) => ecsBounds(replicas, 100, p).minHealthy);
        const maxLimit = Math.ceil((100 * (maxTotal + 1)) / replicas) + 1;
        const maxCounts = range(100, maxLimit).map((p) => ecsBounds(replicas, p, 0).maxTotal);

        if (minCounts.includes(minAvailable)) {
          assert.equal(ecs.minHealthy, minAvailable);
          assert.ok(r.minimumHealthyPercent.exact);
        } else {
          assert.ok(!r.minimumHealthyPercent.exact);
          assert.equal(ecs.minHealthy, Math.min(...minCounts.filter((c) => c >= minAvailable))); // never fewer healthy
        }
        if (maxCounts.includes(maxTotal)) {
          assert.equal(ecs.maxTotal, maxTotal);
          assert.ok(r.maximumPercent.exact);
        } else {
          assert.ok(!r.maximumPercent.exact);
          assert.equal(ecs.maxTotal, Math.max(...maxCounts.filter((c) => c <= maxTotal))); // never more in total
        }
        // Up to 100 replicas a whole percent always exists, so the translation is exact.
        if (replicas <= 100) assert.ok(r.maximumPercent.exact && r.minimumHealthyPercent.exact);
      }),
      { numRuns: 3000 },
    );
  });

  it("keeps a Kubernetes percent as its mirror whenever the mirror is exact", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 1, max: 300 }), fc.integer({ min: 0, max: 100 }), (r, s, u) => {
        const res = deploymentPercents(r, pct(s), pct(u));
        const k8s = res.k8s;
        if (ecsBounds(r, 100 + s, 0).maxTotal === k8s.maxTotal) assert.equal(res.maximumPercent.percent, 100 + s);
        if (ecsBounds(r, 100, 100 - u).minHealthy === k8s.minAvailable) assert.equal(res.minimumHealthyPercent.percent, 100 - u);
      }),
    );
  });
});

describe("minimumHealthyPercentFor / maximumPercentFor", () => {
  it("prefer the percent nearest the ratio", () => {
    assert.equal(minimumHealthyPercentFor(4, 3).percent, 75);
    assert.equal(minimumHealthyPercentFor(3, 2).percent, 66);
    assert.equal(maximumPercentFor(3, 4).percent, 134);
    assert.equal(maximumPercentFor(4, 5).percent, 125);
  });
  it("reject impossible counts naming them", () => {
    assert.throws(() => minimumHealthyPercentFor(3, 4), /minimum healthy count: 4; expected 0..3/);
    assert.throws(() => maximumPercentFor(3, 2), /maximum total: 2; expected at least desiredCount 3/);
  });
});

describe("rollingUpdateFor", () => {
  it("writes mirror percents when they are exact", () => {
    assert.deepEqual(rollingUpdateFor(4, 200, 50), { maxSurge: "100%", maxUnavailable: "50%", exact: true });
    assert.deepEqual(rollingUpdateFor(10, 150, 100), { maxSurge: "50%", maxUnavailable: "0%", exact: true });
  });
  it("writes an absolute surge when Kubernetes' rounding would differ", () => {
    assert.deepEqual(rollingUpdateFor(3, 150, 100), { maxSurge: 1, maxUnavailable: "0%", exact: true });
  });
  it("reports ECS's stuck configuration, which Kubernetes cannot express", () => {
    const r = rollingUpdateFor(3, 100, 100);
    assert.equal(r.exact, false);
    assert.deepEqual([r.maxSurge, r.maxUnavailable], [0, 1]);
    assert.match(r.note ?? "", /can neither start nor stop/);
  });

  it("gives Kubernetes the ECS counts, and ECS back the same counts (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 400 }), fc.integer({ min: 100, max: 300 }), fc.integer({ min: 0, max: 100 }), (d, maxP, minP) => {
        const ru = rollingUpdateFor(d, maxP, minP);
        const ecs = ecsBounds(d, maxP, minP);
        const surge = parseFencepost(ru.maxSurge, "maxSurge");
        const unavailable = parseFencepost(ru.maxUnavailable, "maxUnavailable");
        const k8s = k8sDeploymentBounds(d, surge, unavailable);
        if (!ru.exact) return;
        assert.equal(k8s.maxTotal, ecs.maxTotal);
        assert.equal(k8s.minAvailable, ecs.minHealthy);
        const back = deploymentPercents(d, surge, unavailable);
        const again = ecsBounds(d, back.maximumPercent.percent, back.minimumHealthyPercent.percent);
        assert.deepEqual(again, ecs);
        assert.equal(back.minimumHealthyPercent.percent === minP || d === 0, true);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("daemonPercents", () => {
  it("mirrors a percent, which is safe for every instance count", () => {
    const r = daemonPercents(pct(25), abs(0));
    assert.equal(r.minimumHealthyPercent, 75);
    assert.equal(r.exact, true);
    for (let n = 1; n <= 200; n++) {
      const k8sAvailable = n - Math.ceil((n * 25) / 100);
      assert.ok(ecsBounds(n, 100, 75).minHealthy >= k8sAvailable);
    }
  });
  it("needs the node count for an absolute maxUnavailable", () => {
    const withCount = daemonPercents(abs(1), abs(0), 10);
    assert.deepEqual(withCount, { minimumHealthyPercent: 90, exact: true });
    const without = daemonPercents(abs(1), abs(0));
    assert.equal(without.minimumHealthyPercent, 0);
    assert.equal(without.exact, false);
    assert.match(without.note ?? "", /pass nodeCount/);
  });
  it("turns a surge into stop-first replacement at the same pace", () => {
    const r = daemonPercents(abs(0), pct(10));
    assert.equal(r.minimumHealthyPercent, 90);
    assert.equal(r.exact, false);
  });
});

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = from; i <= to; i++) out.push(i);
  return out;
}
