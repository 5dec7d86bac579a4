import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { EcsError } from "../../model/index.js";
import { decodeToken, encodeToken } from "./task-logs.js";

describe("GetTaskLogs nextToken", () => {
  it("carries every container's cursor", () => {
    const cursors = { app: { t: 1_767_000_000_123, n: 3 }, "side-car": { t: 5, n: 1 } };
    assert.deepEqual(decodeToken(encodeToken(cursors)), cursors);
    assert.deepEqual(decodeToken(encodeToken({})), {});
  });

  const bad: [string, string][] = [
    ["not base64 JSON", "!!!"],
    ["JSON without cursors", Buffer.from("[1,2]").toString("base64url")],
    ["a cursor that is not [t, n]", Buffer.from(JSON.stringify({ c: { app: [1] } })).toString("base64url")],
    ["a fractional position", Buffer.from(JSON.stringify({ c: { app: [1, 0.5] } })).toString("base64url")],
  ];
  for (const [name, token] of bad) {
    it(`refuses ${name}, naming the field`, () => {
      assert.throws(
        () => decodeToken(token),
        (err: unknown) => err instanceof EcsError && err.type === "InvalidParameterException" && /^Invalid parameter 'nextToken'/.test(err.message),
      );
    });
  }
});
