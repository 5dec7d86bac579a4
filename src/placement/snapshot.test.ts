import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compileRequest, staticCandidates } from "./filters.js";
import { baseBucketCounts, childrenOf, orderOf, rootNode } from "./indexes.js";
import { explainPlacement, place } from "./place.js";
import { ClusterSnapshot, createSnapshot } from "./snapshot.js";
import { aRequest, anInstance, seededRng } from "./test-builders.js";
import type { InstanceView, PlacementRequest } from "./types.js";

const AZ = "ecs.availability-zone";

function cluster(): InstanceView[] {
  return Array.from({ length: 12 }, (_, k) =>
    anInstance({
      id: `i${String(k).padStart(2, "0")}`,
      az: ["a", "b", "c"][k % 3],
      cpu: 1024 + 256 * (k % 4),
      memory: 2048 + 512 * (k % 5),
      attributes: { stack: k % 4 === 3 ? "dev" : "prod" },
      tasks: k % 2 === 0 ? [{ group: "service:web" }] : [],
    }),
  );
}

const REQUESTS: Record<string, PlacementRequest> = {
  "binpack memory, memberOf": aRequest({
    count: 5,
    group: "service:web",
    strategy: [{ type: "binpack", field: "memory" }],
    constraints: [{ type: "memberOf", expression: "attribute:stack == prod" }],
  }),
  "spread AZ then instance, memberOf": aRequest({
    count: 5,
    group: "service:web",
    strategy: [],
    constraints: [{ type: "memberOf", expression: "attribute:ecs.availability-zone != d" }],
  }),
  "spread instance, task-dependent memberOf": aRequest({
    count: 5,
    group: "service:web",
    strategy: [{ type: "spread", field: "instanceId" }, { type: "binpack", field: "cpu" }],
    constraints: [{ type: "memberOf", expression: "runningTasksCount < 2" }],
  }),
  distinctInstance: aRequest({ count: 5, group: "service:web", constraints: [{ type: "distinctInstance" }] }),
};

type Edit = (views: InstanceView[]) => void;

const EDITS: Record<string, Edit> = {
  "resources of one instance": (v) => {
    v[4] = { ...v[4]!, remaining: { ...v[4]!.remaining, cpu: 256, memory: 600 } };
  },
  "an attribute (memberOf verdict flips)": (v) => {
    v[3] = { ...v[3]!, attributes: v[3]!.attributes.map((a) => (a.name === "stack" ? { name: "stack", value: "prod" } : a)) };
  },
  "the AZ (moves between spread buckets)": (v) => {
    v[0] = { ...v[0]!, attributes: v[0]!.attributes.map((a) => (a.name === AZ ? { name: AZ, value: "c" } : a)) };
  },
  "a task placed (spread counts, runningTasksCount)": (v) => {
    v[5] = { ...v[5]!, tasks: [...v[5]!.tasks, ...anInstance({ id: "x", tasks: [{ group: "service:web" }] }).tasks] };
  },
  "the agent disconnects": (v) => {
    v[6] = { ...v[6]!, agentConnected: false };
  },
  "the instance drains": (v) => {
    v[7] = { ...v[7]!, status: "DRAINING" };
  },
  "an instance added first, in a new AZ": (v) => {
    v.unshift(anInstance({ id: "added", az: "z", memory: 512 }));
  },
  "an instance added last": (v) => {
    v.push(anInstance({ id: "added", az: "b", memory: 700 }));
  },
  "an instance removed": (v) => {
    v.splice(2, 1);
  },
  "an instance moved": (v) => {
    v.splice(9, 0, ...v.splice(1, 1));
  },
  "a new object with the same content": (v) => {
    v[8] = { ...v[8]! };
  },
  "nothing": () => {},
};

/** The indexes a request uses, as plain data: candidates, AZ buckets, orders, counts. */
function indexesOf(snapshot: ClusterSnapshot, request: PlacementRequest): unknown {
  const req = compileRequest(request, snapshot);
  const root = rootNode(snapshot, req.staticKey, staticCandidates(snapshot, req));
  const arns = (list: ArrayLike<number>) => Array.from(list, (i) => snapshot.instances[i]!.arn);
  const orderAt = (node: typeof root) => {
    const order = orderOf(snapshot, node, [{ kind: "spreadInstance" }, { kind: "binpack", resource: "memory" }], req.group, "test");
    return { idx: arns(order.idx), keys: Array.from(order.keys) };
  };
  return {
    candidates: arns(root.members),
    order: orderAt(root),
    buckets: [...childrenOf(snapshot, root, AZ)].map(([value, node]) => ({ value, members: arns(node.members), order: orderAt(node) })),
    counts: [...baseBucketCounts(snapshot, req.group, AZ)].filter(([, n]) => n !== 0).sort(),
    verdicts: snapshot.instances.map((_, i) => req.memberOf.map((q) => snapshot.matches(q, i))),
  };
}

describe("createSnapshot with previous", () => {
  for (const [change, edit] of Object.entries(EDITS)) {
    for (const [name, request] of Object.entries(REQUESTS)) {
      it(`${change}: ${name} places as a fresh snapshot`, () => {
        const views = cluster();
        const previous = createSnapshot(views);
        const before = place(request, previous, { rng: seededRng(3) });
        indexesOf(previous, request);
        const next = views.slice();
        edit(next);
        const derived = createSnapshot(next, { previous });
        const fresh = createSnapshot(next);
        for (let seed = 0; seed < 8; seed++) {
          assert.deepEqual(place(request, derived, { rng: seededRng(seed) }), place(request, fresh, { rng: seededRng(seed) }));
        }
        assert.deepEqual(explainPlacement(request, derived), explainPlacement(request, fresh));
        assert.deepEqual(indexesOf(derived, request), indexesOf(fresh, request));
        assert.deepEqual(place(request, previous, { rng: seededRng(3) }), before, "the previous snapshot is unchanged");
      });
    }
  }

  it("derives from a snapshot several launches back, whose indexes were not used since", () => {
    const views = cluster();
    const binpack = REQUESTS["binpack memory, memberOf"]!;
    const spread = REQUESTS["spread AZ then instance, memberOf"]!;
    let snapshot = createSnapshot(views);
    place(binpack, snapshot, { rng: seededRng(1) });
    for (let k = 0; k < 5; k++) {
      EDITS["resources of one instance"]!(views);
      views[k] = { ...views[k]! };
      snapshot = createSnapshot(views, { previous: snapshot });
      place(spread, snapshot, { rng: seededRng(k) });
    }
    assert.deepEqual(indexesOf(snapshot, binpack), indexesOf(createSnapshot(views), binpack));
  });

  it("keeps its own copy of the instance list", () => {
    const views = cluster();
    const snapshot = createSnapshot(views);
    const first = views[0]!;
    views[0] = anInstance({ id: "other" });
    assert.equal(snapshot.instances[0], first);
  });
});
