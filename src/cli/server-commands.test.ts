import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { authSummary, rootKeyFromEnv } from "./server-commands.js";

describe("authSummary", () => {
  const cases: [Parameters<typeof authSummary>, string][] = [
    [["local", "127.0.0.1", undefined], "local — any access key is the account's root; keys made with IAM are verified"],
    [["strict", "0.0.0.0", undefined], "strict — only IAM keys, signatures verified"],
    [["strict", "0.0.0.0", "AKIAROOT"], "strict — only IAM keys, signatures verified; root key AKIAROOT from BERTH_ROOT_ACCESS_KEY_ID"],
    [
      ["local", "0.0.0.0", undefined],
      "local — any access key is the account's root; keys made with IAM are verified — WARNING: 0.0.0.0 is reachable from other machines, and they get the root too",
    ],
  ];
  for (const [args, want] of cases) it(`${args.join(", ")}`, () => assert.equal(authSummary(...args), want));
});

describe("rootKeyFromEnv", () => {
  it("reads both variables, or none", () => {
    assert.deepEqual(rootKeyFromEnv({}), []);
    assert.deepEqual(rootKeyFromEnv({ BERTH_ROOT_ACCESS_KEY_ID: "AK", BERTH_ROOT_SECRET_ACCESS_KEY: "s" }), [{ accessKeyId: "AK", secretAccessKey: "s" }]);
  });
  it("refuses one without the other", () => {
    assert.throws(() => rootKeyFromEnv({ BERTH_ROOT_ACCESS_KEY_ID: "AK" }), /set together or not at all/);
    assert.throws(() => rootKeyFromEnv({ BERTH_ROOT_SECRET_ACCESS_KEY: "s" }), /set together or not at all/);
  });
});
