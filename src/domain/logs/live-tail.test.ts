// A Live Tail session's life without HTTP (live-tail.ts): updates from published batches, the
// time limit, and a fault in the output ending only that session (SessionStreamingException)
// while the writer that published goes on. Short intervals through the hub's options.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { LogEventStore } from "../../store/index.js";
import { liveTailHub } from "./live-tail-hub.js";
import type { SessionUpdate } from "./live-tail-rules.js";
import { startLiveTail, type LiveTailOutput } from "./live-tail.js";
import type { LogsDeps } from "./records.js";

const scope = { accountId: "000000000000", region: "us-east-1" };

/** Deps whose every group exists with uid `uid-<name>`; a fresh event store object, so a fresh hub. */
function fakeDeps(): LogsDeps {
  return {
    cache: { get: (key: string) => ({ logGroupName: key, uid: `uid-${decodeURIComponent(key.split("/").pop()!)}` }) },
    logEvents: {} as LogEventStore,
    clock: { now: () => Date.now() },
  } as unknown as LogsDeps;
}

function recorder(overrides: Partial<LiveTailOutput> = {}) {
  const seen: string[] = [];
  const updates: SessionUpdate[] = [];
  const out: LiveTailOutput = {
    update: (u) => updates.push(u),
    timedOut: (m) => seen.push(`timeout: ${m}`),
    failed: (m) => seen.push(`failed: ${m}`),
    backlog: () => 0,
    ...overrides,
  };
  return { out, seen, updates };
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(check(), "condition not reached within 1 s");
};

describe("a Live Tail session", () => {
  it("sends the published batches it matches, then times out and unsubscribes", async () => {
    const deps = fakeDeps();
    const hub = liveTailHub(deps);
    hub.configure({ updateIntervalMs: 10, sessionLimitMs: 200 });
    const session = startLiveTail(deps, scope, { logGroupIdentifiers: ["web"], logEventFilterPattern: "ERROR" }, "req-1");
    assert.equal(session.start.requestId, "req-1");
    const r = recorder();
    let ended = 0;
    session.run(r.out, () => ended++);
    assert.equal(hub.subscriptions, 1);
    hub.publish({ groupUid: "uid-web", logStreamName: "s", events: [{ timestamp: 1, message: "ERROR a" }, { timestamp: 2, message: "INFO b" }], ingestionTime: 3 });
    hub.publish({ groupUid: "uid-other", logStreamName: "s", events: [{ timestamp: 1, message: "ERROR elsewhere" }], ingestionTime: 3 });
    await until(() => r.updates.some((u) => u.sessionResults.length > 0));
    assert.deepEqual(
      r.updates.flatMap((u) => u.sessionResults),
      [{ logStreamName: "s", logGroupIdentifier: "web", message: "ERROR a", timestamp: 1, ingestionTime: 3 }],
    );
    await until(() => ended === 1);
    assert.deepEqual(r.seen, ["timeout: The Live Tail session ended after its maximum duration of 200 ms."]);
    assert.equal(hub.subscriptions, 0);
  });

  it("holds back at most the 10 newest updates while the client is not reading", async () => {
    const deps = fakeDeps();
    const hub = liveTailHub(deps);
    hub.configure({ updateIntervalMs: 5 });
    let backlog = 1 << 30;
    // Each tick asks for the backlog once while updates wait: one message per tick, so one per update.
    let ticks = 0;
    const r = recorder({ backlog: () => (ticks++, backlog) });
    const stop = startLiveTail(deps, scope, { logGroupIdentifiers: ["web"] }, "req-3").run(r.out, () => {});
    for (let i = 0; i < 20; i++) {
      const before = ticks;
      hub.publish({ groupUid: "uid-web", logStreamName: "s", events: [{ timestamp: i, message: `m${i}` }], ingestionTime: i });
      await until(() => ticks > before);
    }
    assert.equal(r.updates.length, 0);
    backlog = 0;
    await until(() => r.updates.length >= 10);
    stop();
    // The tick that finds the client reading adds its own (empty) update first: the ten newest
    // are m11…m19 and that one, in order; m0…m10 were dropped.
    assert.deepEqual(
      r.updates.slice(0, 10).map((u) => u.sessionResults.map((e) => e.message).join()),
      [...Array.from({ length: 9 }, (_, i) => `m${i + 11}`), ""],
    );
    assert.equal(hub.subscriptions, 0);
  });

  it("ends with SessionStreamingException when its output fails, and the publisher is not hurt", async () => {
    const deps = fakeDeps();
    const hub = liveTailHub(deps);
    hub.configure({ updateIntervalMs: 10 });
    const r = recorder({
      update: () => {
        throw new Error("socket gone wrong");
      },
    });
    let ended = 0;
    const stop = startLiveTail(deps, scope, { logGroupIdentifiers: ["web"] }, "req-2").run(r.out, () => ended++);
    hub.publish({ groupUid: "uid-web", logStreamName: "s", events: [{ timestamp: 1, message: "x" }], ingestionTime: 1 });
    await until(() => ended === 1);
    assert.deepEqual(r.seen, ["failed: The Live Tail session failed: socket gone wrong"]);
    assert.equal(hub.subscriptions, 0);
    assert.doesNotThrow(() => hub.publish({ groupUid: "uid-web", logStreamName: "s", events: [{ timestamp: 2, message: "y" }], ingestionTime: 2 }));
    stop(); // idempotent after the session ended itself
    assert.equal(ended, 1);
  });
});
