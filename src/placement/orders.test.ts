// patchOrder and patchPositions against a rebuild: for random keys and random changes (views
// replaced in place, or instances added, removed and moved), the patched index must equal the
// one built from scratch for the new list.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { buildOrder, patchOrder } from "./orders.js";
import { changeBetween, patchPositions } from "./snapshot-change.js";
import type { LiveInstance } from "./snapshot.js";
import { anInstance } from "./test-builders.js";
import type { InstanceView } from "./types.js";

interface Row {
  readonly view: InstanceView;
  readonly keys: readonly number[];
  readonly member: boolean;
}

const keyArb = fc.oneof(fc.integer({ min: -3, max: 6 }), fc.constantFrom(0.5, 2.25, -1.5));

function rowArb(width: number): fc.Arbitrary<Row> {
  return fc.record({
    view: fc.nat().map((k) => anInstance({ id: `r${k}` })),
    keys: fc.array(keyArb, { minLength: width, maxLength: width }),
    member: fc.boolean(),
  });
}

const editArb = fc.record({
  kind: fc.constantFrom("replace", "replace", "add", "remove", "move"),
  at: fc.nat(),
  to: fc.nat(),
});

/** The rows after the edits; a replaced row is a new view object with new keys. */
function edited(rows: readonly Row[], edits: readonly (typeof editArb extends fc.Arbitrary<infer T> ? T : never)[], fresh: Row[]): Row[] {
  const out = rows.slice();
  for (const e of edits) {
    if (e.kind === "add" || out.length === 0) {
      const row = fresh.pop();
      if (row) out.splice(e.at % (out.length + 1), 0, row);
      continue;
    }
    const at = e.at % out.length;
    if (e.kind === "replace") out[at] = { ...(fresh.pop() ?? out[at]!), view: { ...out[at]!.view } };
    else if (e.kind === "remove") out.splice(at, 1);
    else out.splice(e.to % out.length, 0, ...out.splice(at, 1));
  }
  return out;
}

function members(rows: readonly Row[]): Int32Array {
  return Int32Array.from(rows.flatMap((r, i) => (r.member ? [i] : [])));
}

function order(rows: readonly Row[], width: number) {
  return buildOrder(members(rows), width, (i, l) => rows[i]!.keys[l]!);
}

describe("patching sorted indexes", () => {
  for (const width of [1, 2]) {
    it(`patchOrder equals a rebuild (keys of width ${width})`, () => {
      fc.assert(
        fc.property(
          fc.array(rowArb(width), { maxLength: 40 }),
          fc.array(editArb, { maxLength: 8 }),
          fc.array(rowArb(width), { maxLength: 8 }),
          (rows, edits, fresh) => {
            const next = edited(rows, edits, fresh.slice());
            const live = rows.map((_, index) => ({ index }) as LiveInstance);
            const change = changeBetween(
              rows.map((r) => r.view),
              live,
              next.map((r) => r.view),
            );
            if (change === undefined) return;
            const newMembers = members(next);
            const added = [...change.fresh].filter((f) => next[f]!.member);
            const patched = patchOrder(
              order(rows, width),
              change,
              added,
              (i, l) => next[i]!.keys[l]!,
              (i, l) => rows[i]!.keys[l]!,
              () => true,
            );
            assert.deepEqual(patched, order(next, width));
            assert.deepEqual(patchPositions(members(rows), change, added), newMembers);
          },
        ),
        { numRuns: 500 },
      );
    });
  }
});
