import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CliError } from "./errors.js";
import { describeStore, etcdConnectionOf } from "./store-option.js";

describe("--store and --store-prefix", () => {
  it("no --store is SQLite in the data dir", () => {
    assert.equal(etcdConnectionOf({}), undefined);
    assert.match(describeStore({}, "/var/lib/berth"), /^data in \/var\/lib\/berth$/);
  });

  it("--store-prefix overrides the URL's path", () => {
    assert.equal(etcdConnectionOf({ store: "etcd://h:2379/from-url" })?.prefix, "from-url");
    assert.equal(etcdConnectionOf({ store: "etcd://h:2379/from-url", storePrefix: "/flag/" })?.prefix, "flag");
    assert.match(describeStore({ store: "etcd://a:1,b:2" }, "/d"), /^etcd http:\/\/a:1,http:\/\/b:2 prefix \/berth\/ \(local files in \/d\)$/);
  });

  const refused: [string, { store?: string; storePrefix?: string }, RegExp][] = [
    ["a prefix without a store", { storePrefix: "x" }, /--store-prefix goes with --store/],
    ["a path instead of a URL", { store: "/var/lib/berth" }, /--store takes an etcd:\/\/host:port URL/],
    ["an empty prefix", { store: "etcd://h:2379", storePrefix: "/" }, /must not be empty/],
    ["a bad member list", { store: "etcd://h1,h2" }, /host:port/],
  ];
  for (const [name, flags, message] of refused) {
    it(`refuses ${name} as a usage error (exit 2)`, () => {
      assert.throws(
        () => etcdConnectionOf(flags),
        (err: unknown) => err instanceof CliError && message.test(err.message) && err.exitCode === 2,
      );
    });
  }
});
