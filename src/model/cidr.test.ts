import assert from "node:assert/strict";
import { test } from "node:test";
import { containsCidr, formatCidr, formatIpv4, lastOf, overlaps, parseCidr, parseIpv4, sizeOf } from "./cidr.js";

test("parseCidr accepts network addresses and refuses anything else", () => {
  const table: [string, string | undefined][] = [
    ["172.31.0.0/16", "172.31.0.0/16"],
    ["10.0.16.0/20", "10.0.16.0/20"],
    ["0.0.0.0/0", "0.0.0.0/0"],
    ["10.0.0.1/16", undefined], // host bits set
    ["10.0.0.0/33", undefined],
    ["10.0.0.256/24", undefined],
    ["10.0.0.0", undefined],
    ["10.0.0.0/", undefined],
    ["a.b.c.d/8", undefined],
  ];
  for (const [text, want] of table) {
    const c = parseCidr(text);
    assert.equal(c ? formatCidr(c) : undefined, want, text);
  }
});

test("sizes, last addresses, containment and overlap", () => {
  const vpc = parseCidr("172.31.0.0/16")!;
  const a = parseCidr("172.31.0.0/20")!;
  const b = parseCidr("172.31.16.0/20")!;
  const wide = parseCidr("172.31.0.0/19")!;
  assert.equal(sizeOf(a), 4096);
  assert.equal(formatIpv4(lastOf(a)), "172.31.15.255");
  assert.ok(containsCidr(vpc, a));
  assert.ok(!containsCidr(a, vpc));
  assert.ok(!containsCidr(vpc, parseCidr("172.32.0.0/20")!));
  assert.ok(!overlaps(a, b));
  assert.ok(overlaps(wide, b));
  assert.equal(parseIpv4("255.255.255.255"), 0xffffffff);
});
