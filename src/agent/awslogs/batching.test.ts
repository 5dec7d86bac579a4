import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  datetimePattern,
  EventQueue,
  eventBytes,
  FLUSH_INTERVAL_MS,
  flushDue,
  LineJoiner,
  MAX_BYTES_PER_PUT,
  MAX_EVENT_BYTES,
  MAX_EVENTS_PER_PUT,
  sortEvents,
  splitEvent,
} from "./batching.js";
import { awslogsConfig, parseSize, streamName } from "./options.js";

const ev = (timestamp: number, message: string) => ({ timestamp, message });

describe("awslogs batching", () => {
  it("counts 26 bytes per event on top of the UTF-8 message", () => {
    assert.equal(eventBytes(ev(1, "")), 26);
    assert.equal(eventBytes(ev(1, "é")), 28);
  });

  const flushCases: { name: string; events: number; size: number; now: number; last: number; due: boolean }[] = [
    { name: "nothing waits", events: 0, size: 0, now: 10_000, last: 0, due: false },
    { name: "one event before the tick", events: 1, size: 10, now: FLUSH_INTERVAL_MS - 1, last: 0, due: false },
    { name: "one event at the tick", events: 1, size: 10, now: FLUSH_INTERVAL_MS, last: 0, due: true },
    { name: "10,000 events at once", events: MAX_EVENTS_PER_PUT, size: 1, now: 1, last: 0, due: true },
    { name: "9,999 events", events: MAX_EVENTS_PER_PUT - 1, size: 1, now: 1, last: 0, due: false },
    { name: "a megabyte of events", events: 8, size: 131_072, now: 1, last: 0, due: true },
  ];
  for (const c of flushCases) {
    it(`flush due: ${c.name} → ${c.due}`, () => {
      const q = new EventQueue();
      for (let i = 0; i < c.events; i++) q.push(ev(i, "x".repeat(c.size)));
      assert.equal(flushDue(q, c.now, c.last), c.due);
    });
  }

  it("takes batches within 10,000 events and 1,048,576 bytes, oldest first", () => {
    const q = new EventQueue();
    for (let i = 0; i < 25_000; i++) q.push(ev(i, "y"));
    const sizes: number[] = [];
    let next = 0;
    while (q.length) {
      const b = q.take();
      sizes.push(b.length);
      for (const e of b) assert.equal(e.timestamp, next++);
    }
    assert.deepEqual(sizes, [10_000, 10_000, 5_000]);

    const big = new EventQueue();
    const msg = "z".repeat(100_000 - 26);
    for (let i = 0; i < 25; i++) big.push(ev(i, msg));
    const b = big.take();
    assert.equal(b.length, 10); // 10 × 100,000 bytes fit in 1,048,576; 11 do not
    assert.ok(b.reduce((s, e) => s + eventBytes(e), 0) <= MAX_BYTES_PER_PUT);
    assert.equal(big.length, 15);
  });

  it("sorts a batch by timestamp, keeping the order of lines stamped alike", () => {
    assert.deepEqual(sortEvents([ev(2, "c"), ev(1, "a"), ev(2, "d"), ev(1, "b")]).map((e) => e.message), ["a", "b", "c", "d"]);
  });

  it("splits an event over 256 KiB on character boundaries; the cursor goes with the last piece", () => {
    const text = "é".repeat(MAX_EVENT_BYTES); // 2 bytes each: about two events' worth
    const pieces = splitEvent({ timestamp: 7, message: text, through: { t: 7, n: 1 } });
    assert.equal(pieces.length, 2);
    for (const p of pieces) {
      assert.ok(Buffer.byteLength(p.message) <= MAX_EVENT_BYTES);
      assert.equal(p.timestamp, 7);
    }
    assert.equal(pieces.map((p) => p.message).join(""), text);
    assert.equal(pieces[0]!.through, undefined);
    assert.deepEqual(pieces[1]!.through, { t: 7, n: 1 });
    assert.equal(splitEvent(ev(1, "a".repeat(MAX_EVENT_BYTES))).length, 1);
    assert.equal(splitEvent(ev(1, "a".repeat(MAX_EVENT_BYTES + 1))).length, 2);
  });

  it("non-blocking: drops the oldest beyond max-buffer-size and counts them", () => {
    const q = new EventQueue(10 * (26 + 4));
    let dropped = 0;
    for (let i = 0; i < 15; i++) dropped += q.push(ev(i, `l${String(i).padStart(3, "0")}`));
    assert.equal(dropped, 5);
    assert.equal(q.dropped, 5);
    assert.deepEqual(q.take().map((e) => e.timestamp), [5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
  });

  it("non-blocking: a batch put back after a failed send counts toward the limit", () => {
    const q = new EventQueue(4 * 27);
    for (let i = 0; i < 4; i++) q.push(ev(i, "a"));
    const batch = q.take();
    q.push(ev(4, "b"));
    q.push(ev(5, "c"));
    assert.equal(q.unshift(batch), 2);
    assert.deepEqual(q.take().map((e) => e.timestamp), [2, 3, 4, 5]);
  });

  it("blocking: nothing is dropped", () => {
    const q = new EventQueue();
    for (let i = 0; i < 30_000; i++) q.push(ev(i, "x".repeat(100)));
    assert.equal(q.dropped, 0);
    assert.equal(q.length, 30_000);
  });
});

describe("awslogs multiline", () => {
  const lines = (texts: string[]) => texts.map((line, i) => ({ timestamp: 100 + i, line, at: { t: 100 + i, n: 1 } }));
  const join = (pattern: RegExp | undefined, texts: string[]) => {
    const j = new LineJoiner(pattern);
    const out = lines(texts).flatMap((l) => j.push(l));
    return [...out, ...j.flush()];
  };

  it("without a pattern each line is an event", () => {
    assert.deepEqual(join(undefined, ["a", "b"]).map((e) => e.message), ["a", "b"]);
  });

  it("joins lines until the next match; the event keeps its first line's time and its last line's position", () => {
    const out = join(/^INFO|^ERROR/, ["before", "INFO start", "  at x", "  at y", "ERROR next", "tail"]);
    assert.deepEqual(out.map((e) => e.message), ["before", "INFO start\n  at x\n  at y", "ERROR next\ntail"]);
    assert.equal(out[1]!.timestamp, 101);
    assert.deepEqual(out[1]!.through, { t: 103, n: 1 });
  });

  it("an open event goes once idle for the flush interval", () => {
    const j = new LineJoiner(/^\[/);
    j.push({ timestamp: 0, line: "[1] a" });
    j.push({ timestamp: 10, line: "b" });
    assert.deepEqual(j.flushIdle(10 + FLUSH_INTERVAL_MS - 1), []);
    assert.deepEqual(j.flushIdle(10 + FLUSH_INTERVAL_MS).map((e) => e.message), ["[1] a\nb"]);
    assert.deepEqual(j.flush(), []);
  });

  it("awslogs-datetime-format matches at the line start", () => {
    const re = datetimePattern("%Y-%m-%d %H:%M:%S");
    assert.ok(re.test("2026-12-05 08:50:01 started"));
    assert.ok(!re.test("  2026-12-05 08:50:01 indented"));
    assert.ok(!re.test("2026-13-05 08:50:01 bad month"));
    assert.ok(datetimePattern("[%b %d, %Y %H:%M:%S]").test("[Dec 05, 2026 08:50:01] x"));
    assert.throws(() => datetimePattern("%Q"), /unknown directive %Q/);
  });
});

describe("awslogs options", () => {
  const def = (options: Record<string, string>) => ({ logConfiguration: { logDriver: "awslogs", options } });
  it("reads ECS's options with their defaults", () => {
    const r = awslogsConfig(def({ "awslogs-group": "/ecs/web", "awslogs-stream-prefix": "web" }), "us-east-1");
    assert.ok(r.ok);
    assert.equal(r.config.region, "us-east-1");
    assert.equal(r.config.mode, "blocking");
    assert.equal(r.config.maxBufferBytes, Infinity);
    assert.equal(r.config.createGroup, false);
    assert.equal(streamName(r.config, "app", "abc123", "f00d"), "web/app/abc123");
    assert.equal(streamName({}, "app", "abc123", "f00d"), "f00d");
  });
  it("non-blocking defaults to a 1m buffer", () => {
    const r = awslogsConfig(def({ "awslogs-group": "g", mode: "non-blocking" }), "eu-west-1");
    assert.ok(r.ok && r.config.maxBufferBytes === 1_048_576);
    const s = awslogsConfig(def({ "awslogs-group": "g", mode: "non-blocking", "max-buffer-size": "4k", "awslogs-create-group": "true", "awslogs-region": "eu-west-2" }), "eu-west-1");
    assert.ok(s.ok && s.config.maxBufferBytes === 4096 && s.config.createGroup && s.config.region === "eu-west-2");
  });
  const refusals: [Record<string, string>, RegExp][] = [
    [{}, /awslogs-group/],
    [{ "awslogs-group": "g", mode: "fast" }, /unknown mode "fast"/],
    [{ "awslogs-group": "g", mode: "non-blocking", "max-buffer-size": "lots" }, /max-buffer-size/],
    [{ "awslogs-group": "g", "awslogs-multiline-pattern": "(" }, /awslogs-multiline-pattern/],
    [{ "awslogs-group": "g", "awslogs-multiline-pattern": "^a", "awslogs-datetime-format": "%Y" }, /at the same time/],
    [{ "awslogs-group": "g", "awslogs-create-group": "yes" }, /awslogs-create-group/],
  ];
  for (const [options, why] of refusals) {
    it(`refuses ${JSON.stringify(options)}`, () => {
      const r = awslogsConfig(def(options), "us-east-1");
      assert.ok(!r.ok);
      assert.match(r.reason, /^failed to initialize logging driver: /);
      assert.match(r.reason, why);
    });
  }
  it("parses Docker's sizes", () => {
    assert.deepEqual(["1000", "1k", "1m", "2g", "1.5k", "0", "x"].map(parseSize), [1000, 1024, 1_048_576, 2 * 1024 ** 3, 1536, undefined, undefined]);
  });
});
