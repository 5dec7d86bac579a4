// Table tests for Live Tail's pure decisions (live-tail-rules.ts): which requests are refused
// and with what, which streams a session shows, the 500-per-second token bucket, the even
// thinning of a sampled batch, update assembly and the slow client's buffer; and the hub's
// subscription bookkeeping (live-tail-hub.ts).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { EcsError } from "../../model/index.js";
import { LiveTailHub } from "./live-tail-hub.js";
import {
  bufferUpdate,
  decideLiveTail,
  fullBucket,
  MAX_BUFFERED_UPDATES,
  spread,
  takeTokens,
  updateOf,
  type LiveTailInput,
  type SessionUpdate,
  type TailEvent,
} from "./live-tail-rules.js";

const scope = { accountId: "000000000000", region: "us-east-1" };
const arn = (name: string, region = "us-east-1", account = "000000000000") => `arn:aws:logs:${region}:${account}:log-group:${name}`;

function refusal(input: LiveTailInput): string {
  try {
    decideLiveTail(input, scope);
  } catch (err) {
    assert.ok(err instanceof EcsError);
    return `${err.type}: ${err.message}`;
  }
  return "accepted";
}

describe("decideLiveTail", () => {
  it("refuses what AWS refuses, naming the field", () => {
    const cases: [LiveTailInput, RegExp][] = [
      [{ logGroupIdentifiers: ["a"], logStreamNames: ["s"], logStreamNamePrefixes: ["p"] }, /^InvalidParameterException: logStreamNames and logStreamNamePrefixes are mutually exclusive/],
      [{ logGroupIdentifiers: ["a", "b"], logStreamNames: ["s"] }, /^InvalidParameterException: logStreamNames may be given only with exactly one log group .* found 2/],
      [{ logGroupIdentifiers: ["a", "b"], logStreamNamePrefixes: ["p"] }, /^InvalidParameterException: logStreamNamePrefixes may be given only/],
      [{ logGroupIdentifiers: [`${arn("a")}:*`] }, /^InvalidParameterException: Invalid logGroupIdentifier '.*:\*': an ARN in logGroupIdentifiers can't end with '\*'/],
      [{ logGroupIdentifiers: ["arn:aws:ecs:us-east-1:000000000000:cluster/x"] }, /^InvalidParameterException: Invalid logGroupIdentifier 'arn:aws:ecs/],
      [{ logGroupIdentifiers: [arn("a", "eu-west-1")] }, /^ResourceNotFoundException: /],
      [{ logGroupIdentifiers: [arn("a", "us-east-1", "111111111111")] }, /^ResourceNotFoundException: /],
      [{ logGroupIdentifiers: ["a"], logEventFilterPattern: "[ip, user]" }, /^InvalidParameterException: berth does not support space-delimited/],
      [{ logGroupIdentifiers: ["a"], logEventFilterPattern: "%a(b)%" }, /^InvalidParameterException: Invalid filter pattern/],
    ];
    for (const [input, want] of cases) assert.match(refusal(input), want, JSON.stringify(input));
  });

  it("accepts names and ARNs, each group once, keeping the caller's identifier", () => {
    const plan = decideLiveTail({ logGroupIdentifiers: ["/ecs/web", arn("/ecs/api"), arn("/ecs/web")] }, scope);
    assert.deepEqual(plan.groups, [
      { identifier: "/ecs/web", name: "/ecs/web" },
      { identifier: arn("/ecs/api"), name: "/ecs/api" },
    ]);
  });

  it("shows the streams named, or starting with a prefix, or all", () => {
    const cases: [Partial<LiveTailInput>, string, boolean][] = [
      [{}, "anything", true],
      [{ logStreamNames: ["web/1", "web/2"] }, "web/2", true],
      [{ logStreamNames: ["web/1"] }, "web/10", false],
      [{ logStreamNamePrefixes: ["web/", "api/"] }, "api/7", true],
      [{ logStreamNamePrefixes: ["web/"] }, "worker/1", false],
    ];
    for (const [extra, stream, shown] of cases) {
      assert.equal(decideLiveTail({ logGroupIdentifiers: ["g"], ...extra }, scope).wantsStream(stream), shown, `${JSON.stringify(extra)} ${stream}`);
    }
  });

  it("applies FilterLogEvents' patterns", () => {
    const { pattern } = decideLiveTail({ logGroupIdentifiers: ["g"], logEventFilterPattern: "ERROR -retrying" }, scope);
    assert.equal(pattern.matches("ERROR disk full"), true);
    assert.equal(pattern.matches("ERROR retrying"), false);
    assert.equal(pattern.matches("INFO ok"), false);
  });
});

describe("takeTokens", () => {
  it("hands out at most 500 a second, refilled with time", () => {
    // [tokens before, ms since counted, wanted] → [granted, tokens after]
    const cases: [number, number, number, number, number][] = [
      [500, 0, 10, 10, 490],
      [500, 0, 10_000, 500, 0],
      [0, 500, 1_000, 250, 0],
      [0, 1_000, 1_000, 500, 0],
      [0, 60_000, 1_000, 500, 0], // capped: an idle minute does not save up 30,000
      [100, 100, 0, 0, 150],
      [0, 1, 1, 0, 0.5], // half a token is not a token
    ];
    for (const [tokens, elapsed, wanted, granted, left] of cases) {
      const out = takeTokens({ tokens, at: 1_000 }, 1_000 + elapsed, wanted);
      assert.deepEqual([out.granted, out.bucket.tokens], [granted, left], JSON.stringify({ tokens, elapsed, wanted }));
    }
  });

  it("admits 500 of a burst, then 500 per second of a steady flood", () => {
    let bucket = fullBucket(0);
    let admitted = 0;
    for (let t = 0; t <= 10_000; t += 10) {
      const r = takeTokens(bucket, t, 100); // 10,000 events a second offered
      bucket = r.bucket;
      admitted += r.granted;
    }
    assert.equal(admitted, 500 + 10 * 500);
  });
});

describe("spread", () => {
  it("keeps k evenly spaced items in order", () => {
    assert.deepEqual(spread(["a", "b", "c", "d"], 2), ["a", "c"]);
    assert.deepEqual(spread([1, 2, 3], 5), [1, 2, 3]);
    assert.deepEqual(spread([1, 2, 3], 0), []);
    const kept = spread([...Array(10_000).keys()], 500);
    assert.equal(kept.length, 500);
    assert.equal(kept[0], 0);
    assert.ok(kept[499]! >= 9_900, "the sample reaches the end of the burst");
  });
});

const ev = (i: number): TailEvent => ({ logStreamName: "s", logGroupIdentifier: "g", message: `m${i}`, timestamp: i, ingestionTime: i });

describe("updateOf", () => {
  it("marks an update sampled when events were dropped or there were more than 500", () => {
    assert.deepEqual(updateOf([], false), { sessionMetadata: { sampled: false }, sessionResults: [] });
    assert.equal(updateOf([ev(1)], true).sessionMetadata.sampled, true);
    const big = updateOf([...Array(501).keys()].map(ev), false);
    assert.equal(big.sessionMetadata.sampled, true);
    assert.equal(big.sessionResults.length, 500);
    assert.equal(updateOf([...Array(500).keys()].map(ev), false).sessionMetadata.sampled, false);
  });
});

describe("bufferUpdate", () => {
  it("keeps the newest 10 updates for a slow client", () => {
    let q: SessionUpdate[] = [];
    for (let i = 0; i < 15; i++) q = bufferUpdate(q, updateOf([ev(i)], false));
    assert.equal(q.length, MAX_BUFFERED_UPDATES);
    assert.deepEqual(
      q.map((u) => u.sessionResults[0]!.message),
      ["m5", "m6", "m7", "m8", "m9", "m10", "m11", "m12", "m13", "m14"],
    );
  });
});

describe("LiveTailHub", () => {
  it("tells a group's subscribers of its batches and counts sessions until they unsubscribe", () => {
    const hub = new LiveTailHub();
    const heard: string[] = [];
    const stopA = hub.subscribe(["g1", "g2"], (b) => heard.push(`A:${b.groupUid}`));
    const stopB = hub.subscribe(["g2"], (b) => heard.push(`B:${b.groupUid}`));
    assert.equal(hub.subscriptions, 2);
    const batch = (groupUid: string) => ({ groupUid, logStreamName: "s", events: [{ timestamp: 1, message: "x" }], ingestionTime: 1 });
    hub.publish(batch("g1"));
    hub.publish(batch("g2"));
    hub.publish(batch("g3"));
    assert.deepEqual(heard, ["A:g1", "A:g2", "B:g2"]);
    stopA();
    stopA(); // idempotent
    assert.equal(hub.subscriptions, 1);
    hub.publish(batch("g1"));
    assert.equal(heard.length, 3);
    stopB();
    assert.equal(hub.subscriptions, 0);
  });
});
