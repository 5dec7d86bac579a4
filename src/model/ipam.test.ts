import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { parseCidr, parseIpv4, lastOf } from "./cidr.js";
import { allocateAddresses, gatewayOf, macOf, privateDnsNameOf, usableCount } from "./ipam.js";

test("allocateAddresses skips AWS's five reserved addresses and hands out the lowest free ones", () => {
  const table: [string, string[], number, string[]][] = [
    ["172.31.0.0/20", [], 2, ["172.31.0.4", "172.31.0.5"]],
    ["172.31.0.0/20", ["172.31.0.4", "172.31.0.6"], 2, ["172.31.0.5", "172.31.0.7"]],
    // A /28 has 16 addresses and 11 usable: .4 to .14; .15 is the broadcast address.
    ["10.0.0.0/28", [], 20, ["4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14"].map((x) => `10.0.0.${x}`)],
    ["10.0.0.0/28", ["4", "5", "6", "7", "8", "9", "10", "11", "12", "13"].map((x) => `10.0.0.${x}`), 3, ["10.0.0.14"]],
    ["10.0.0.0/28", ["4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14"].map((x) => `10.0.0.${x}`), 1, []],
  ];
  for (const [cidr, used, n, want] of table) assert.deepEqual(allocateAddresses(cidr, used, n), want, `${cidr} ${used.length} used`);
  assert.equal(usableCount("10.0.0.0/28"), 11);
  assert.equal(gatewayOf("172.31.16.0/20"), "172.31.16.1");
  assert.equal(macOf("172.31.0.10"), "0a:58:ac:1f:00:0a");
  assert.equal(privateDnsNameOf("172.31.3.7", "us-east-1"), "ip-172-31-3-7.ec2.internal");
  assert.equal(privateDnsNameOf("10.0.0.5", "eu-west-1"), "ip-10-0-0-5.eu-west-1.compute.internal");
});

// 200 launches arrive in batches (one transaction each, as RunTask's count or a scheduler pass),
// interleaved with tasks stopping: every allocation is decided on the addresses in use at that
// moment, exactly as the store's compare-and-swap serializes them.
test("property: 200 launches with stops between never hold one address twice, never a reserved one", () => {
  const cidr = "10.20.0.0/24";
  const c = parseCidr(cidr)!;
  const reserved = new Set([c.base, c.base + 1, c.base + 2, c.base + 3, lastOf(c)]);
  const step = fc.oneof(
    fc.record({ kind: fc.constant("launch" as const), count: fc.integer({ min: 1, max: 10 }) }),
    fc.record({ kind: fc.constant("stop" as const), pick: fc.nat() }),
  );
  fc.assert(
    fc.property(fc.array(step, { minLength: 1, maxLength: 120 }), (steps) => {
      const held: string[] = [];
      let launched = 0;
      for (const s of steps) {
        if (launched >= 200) break;
        if (s.kind === "stop") {
          if (held.length) held.splice(s.pick % held.length, 1);
          continue;
        }
        const want = Math.min(s.count, 200 - launched);
        const got = allocateAddresses(cidr, held, want);
        // All it asked for while there is room; what is left when there is not.
        assert.equal(got.length, Math.min(want, 251 - held.length));
        held.push(...got);
        launched += want;
        assert.equal(new Set(held).size, held.length, "an address is held twice");
        for (const a of got) {
          const n = parseIpv4(a)!;
          assert.ok(n > c.base && n < lastOf(c) && !reserved.has(n), `${a} is reserved or outside ${cidr}`);
        }
      }
    }),
    { numRuns: 200 },
  );
});
