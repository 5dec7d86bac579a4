import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isEtcdUrl, parseEtcdUrl } from "./etcd-url.js";

describe("parseEtcdUrl", () => {
  it("reads members, the prefix and the default prefix", () => {
    assert.deepEqual(parseEtcdUrl("etcd://h1:2379,h2:2379,10.0.0.3:2379", {}), {
      endpoints: ["http://h1:2379", "http://h2:2379", "http://10.0.0.3:2379"],
      prefix: "berth",
    });
    assert.equal(parseEtcdUrl("etcd://h:2379/team-a/", {}).prefix, "team-a");
    assert.equal(parseEtcdUrl("etcd://h:2379/a/b", {}).prefix, "a/b");
    assert.deepEqual(parseEtcdUrl("etcd://[::1]:2379", {}).endpoints, ["http://[::1]:2379"]);
  });

  it("turns on TLS with cacert, and takes a client certificate", () => {
    assert.deepEqual(parseEtcdUrl("etcd://h:2379/p?cacert=/ca.pem&cert=/c.pem&key=/k.pem", {}), {
      endpoints: ["https://h:2379"],
      prefix: "p",
      tls: { caFile: "/ca.pem", certFile: "/c.pem", keyFile: "/k.pem" },
    });
  });

  it("takes a user from the URL or the query, and the password from BERTH_ETCD_PASSWORD", () => {
    assert.deepEqual(parseEtcdUrl("etcd://root:s%40cret@h:2379", {}).auth, { username: "root", password: "s@cret" });
    assert.deepEqual(parseEtcdUrl("etcd://h:2379?user=berth", { BERTH_ETCD_PASSWORD: "pw" }).auth, { username: "berth", password: "pw" });
  });

  it("refuses what it cannot use, naming it", () => {
    assert.throws(() => parseEtcdUrl("etcd://", {}), /host:port/);
    assert.throws(() => parseEtcdUrl("etcd://h1,h2:2379", {}), /host:port/);
    assert.throws(() => parseEtcdUrl("etcd://h:2379?tls=1", {}), /unknown etcd option "tls"/);
    assert.throws(() => parseEtcdUrl("etcd://h:2379?cert=/c.pem", {}), /both cert= and key=/);
    assert.throws(() => parseEtcdUrl("etcd://h:2379?cert=/c&key=/k", {}), /needs cacert/);
    assert.throws(() => parseEtcdUrl("etcd://h:2379?password=x", {}), /needs a user/);
    assert.throws(() => parseEtcdUrl("sqlite:///x", {}), /not an etcd URL/);
  });

  it("tells etcd URLs from paths", () => {
    assert.equal(isEtcdUrl("etcd://h:2379"), true);
    assert.equal(isEtcdUrl("/var/lib/berth"), false);
  });
});
