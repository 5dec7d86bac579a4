import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { resolveUser } from "./user-spec.js";

const passwd = "root:x:0:0:root:/root:/bin/bash\n# comment\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\napp:x:1000:1001::/home/app:/bin/sh\n";
const group = "root:x:0:\nnogroup:x:65534:\nstaff:x:50:\napp:x:1001:\n";

describe("resolveUser", () => {
  it("a name takes its uid and primary gid", () => {
    assert.deepEqual(resolveUser("app", passwd, group), { uid: 1000, gid: 1001, name: "app" });
  });
  it("a known uid is the same user", () => {
    assert.deepEqual(resolveUser("65534", passwd, group), { uid: 65534, gid: 65534, name: "nobody" });
  });
  it("an unknown uid runs with gid 0, as Docker does", () => {
    assert.deepEqual(resolveUser("4242", passwd, group), { uid: 4242, gid: 0 });
  });
  it("a group by name or number overrides the primary group", () => {
    assert.deepEqual(resolveUser("app:staff", passwd, group), { uid: 1000, gid: 50, name: "app" });
    assert.deepEqual(resolveUser("4242:7", passwd, group), { uid: 4242, gid: 7 });
  });
  it("names what is wrong", () => {
    assert.throws(() => resolveUser("ghost", passwd, group), /user "ghost" has no passwd entry/);
    assert.throws(() => resolveUser("app:ghosts", passwd, group), /group "ghosts" has no group entry/);
    assert.throws(() => resolveUser("a:b:c", passwd, group), /user "a:b:c" is not valid/);
    assert.throws(() => resolveUser("", passwd, group), /is not valid/);
  });
});
