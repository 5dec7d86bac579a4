// CloudWatch Logs on berth's port, driven by the unmodified AWS CLI (v1) and by boto3: groups,
// streams, PutLogEvents with its partial rejections, GetLogEvents' tokens, FilterLogEvents with
// patterns and the calls `aws logs tail --follow` (CLI v2) makes, paginators, retention, tags,
// each error with its code and message and the store left unchanged, and acknowledged events
// surviving kill -9 of the server.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { logs } from "../../src/domain/index.js";
import { openLogEventStore } from "../../src/store/index.js";
import { missingTool, run } from "../helpers/aws-cli.js";
import { awsCli, awsRefusal, botoRefusals } from "../helpers/aws-json-cli.js";
import { spawnServer } from "../helpers/process.js";
import { logsCall } from "../helpers/logs-call.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

const DAY = 86_400_000;

const events = (...list: [number, string][]) => JSON.stringify(list.map(([timestamp, message]) => ({ timestamp, message })));

describe("CloudWatch Logs against berth", async () => {
  const noCli = await missingTool("aws", ["--version"]);
  const noBoto = await missingTool("python3", ["-c", "import boto3"]);
  let s: TestServer;
  const cli = awsCli("logs", () => s);
  const refused = awsRefusal(cli, () => s);
  before(async () => {
    s = await startTestServer({ scheduler: false, loadBalancers: false });
  });
  after(async () => {
    if (s) await s.close();
  });

  it("creates a group and a stream, stores events and reads them back by page, token and pattern", { skip: noCli }, async () => {
    await cli("create-log-group", "--log-group-name", "/ecs/web", "--tags", "team=web");
    await cli("create-log-stream", "--log-group-name", "/ecs/web", "--log-stream-name", "app/web/0123");
    const t = Date.now() - 60_000;
    const put = await cli(
      "put-log-events",
      "--log-group-name",
      "/ecs/web",
      "--log-stream-name",
      "app/web/0123",
      "--sequence-token",
      "ignored-by-aws-now",
      "--log-events",
      events([t, "GET / 200"], [t + 1, '{"level":"error","latency":150}'], [t + 2, "ERROR disk full"], [t + 3, '{"level":"info","latency":20}']),
    );
    assert.equal(typeof put.nextSequenceToken, "string");
    assert.equal(put.rejectedLogEventsInfo, undefined);

    // The newest page by default, ascending within it.
    const newest = await cli("get-log-events", "--log-group-name", "/ecs/web", "--log-stream-name", "app/web/0123", "--limit", "2");
    assert.deepEqual(
      newest.events.map((e: { message: string }) => e.message),
      ["ERROR disk full", '{"level":"info","latency":20}'],
    );
    assert.ok(newest.events.every((e: { ingestionTime: number }) => e.ingestionTime >= t));
    // Backwards from there: the older two; then the same token back, the end.
    const older = await cli("get-log-events", "--log-group-name", "/ecs/web", "--log-stream-name", "app/web/0123", "--limit", "2", "--next-token", newest.nextBackwardToken);
    assert.deepEqual(
      older.events.map((e: { message: string }) => e.message),
      ["GET / 200", '{"level":"error","latency":150}'],
    );
    const start = await cli("get-log-events", "--log-group-name", "/ecs/web", "--log-stream-name", "app/web/0123", "--next-token", older.nextBackwardToken);
    assert.deepEqual(start.events, []);
    assert.equal(start.nextBackwardToken, older.nextBackwardToken);

    // From the head, forwards, until the forward token comes back unchanged.
    const seen: string[] = [];
    let token: string | undefined;
    for (let i = 0; i < 5; i++) {
      const page = await cli(
        "get-log-events",
        "--log-group-name",
        "/ecs/web",
        "--log-stream-name",
        "app/web/0123",
        "--start-from-head",
        "--limit",
        "3",
        ...(token ? ["--next-token", token] : []),
      );
      seen.push(...page.events.map((e: { message: string }) => e.message));
      if (page.nextForwardToken === token) break;
      token = page.nextForwardToken;
    }
    assert.equal(seen.length, 4);
    assert.match(token!, /^f\/\d{56}\/s$/);
    // startTime inclusive, endTime exclusive.
    const window = await cli("get-log-events", "--log-group-name", "/ecs/web", "--log-stream-name", "app/web/0123", "--start-time", String(t + 1), "--end-time", String(t + 3));
    assert.equal(window.events.length, 2);

    const json = await cli("filter-log-events", "--log-group-name", "/ecs/web", "--filter-pattern", '{ $.latency > 100 && $.level = "error" }');
    assert.deepEqual(
      json.events.map((e: { message: string; logStreamName: string }) => [e.logStreamName, e.message]),
      [["app/web/0123", '{"level":"error","latency":150}']],
    );
    assert.deepEqual(json.searchedLogStreams, []);
    const terms = await cli("filter-log-events", "--log-group-name", "/ecs/web", "--filter-pattern", "?ERROR ?200 -disk");
    assert.deepEqual(
      terms.events.map((e: { message: string }) => e.message),
      ["GET / 200"],
    );

    const streams = await cli("describe-log-streams", "--log-group-name", "/ecs/web");
    assert.equal(streams.logStreams.length, 1);
    const st = streams.logStreams[0];
    assert.equal(st.firstEventTimestamp, t);
    assert.equal(st.lastEventTimestamp, t + 3);
    assert.ok(st.lastIngestionTime >= t);
    const bytes = ["GET / 200", '{"level":"error","latency":150}', "ERROR disk full", '{"level":"info","latency":20}'].reduce((n, m) => n + m.length + 26, 0);
    assert.equal(st.storedBytes, bytes);
    assert.equal(st.arn, "arn:aws:logs:us-east-1:000000000000:log-group:/ecs/web:log-stream:app/web/0123");

    const groups = await cli("describe-log-groups", "--log-group-name-prefix", "/ecs/");
    assert.deepEqual(groups.logGroups[0], {
      logGroupName: "/ecs/web",
      creationTime: groups.logGroups[0].creationTime,
      metricFilterCount: 0,
      arn: "arn:aws:logs:us-east-1:000000000000:log-group:/ecs/web:*",
      storedBytes: bytes,
      logGroupClass: "STANDARD",
      logGroupArn: "arn:aws:logs:us-east-1:000000000000:log-group:/ecs/web",
    });
    assert.deepEqual((await cli("list-tags-log-group", "--log-group-name", "/ecs/web")).tags, { team: "web" });
  });

  it("answers partial rejections and refuses bad batches whole, naming the rule", { skip: noCli }, async () => {
    await cli("create-log-group", "--log-group-name", "rules");
    await cli("create-log-stream", "--log-group-name", "rules", "--log-stream-name", "s");
    const now = Date.now();
    const put = await cli("put-log-events", "--log-group-name", "rules", "--log-stream-name", "s", "--log-events", events([now - 15 * DAY, "old"], [now, "ok"], [now + 3 * 3_600_000, "new"]));
    assert.deepEqual(put.rejectedLogEventsInfo, { tooOldLogEventEndIndex: 1, tooNewLogEventStartIndex: 2 });
    const got = await cli("get-log-events", "--log-group-name", "rules", "--log-stream-name", "s");
    assert.deepEqual(
      got.events.map((e: { message: string }) => e.message),
      ["ok"],
    );
    // Every refusal side by side (none of them writes): `Code: message`, the store unchanged.
    const answers = await Promise.all([
      refused("put-log-events", "--log-group-name", "rules", "--log-stream-name", "s", "--log-events", events([now, "b"], [now - 1, "a"])),
      refused("put-log-events", "--log-group-name", "rules", "--log-stream-name", "s", "--log-events", events([now - 2 * DAY, "a"], [now, "b"])),
      refused("put-log-events", "--log-group-name", "rules", "--log-stream-name", "nope", "--log-events", events([now, "a"])),
      refused("put-log-events", "--log-group-name", "nope", "--log-stream-name", "s", "--log-events", events([now, "a"])),
      refused("create-log-group", "--log-group-name", "rules"),
      refused("create-log-stream", "--log-group-name", "rules", "--log-stream-name", "s"),
      refused("create-log-stream", "--log-group-name", "nope", "--log-stream-name", "s"),
      refused("describe-log-streams", "--log-group-name", "rules", "--order-by", "LastEventTime", "--log-stream-name-prefix", "s"),
      refused("delete-log-stream", "--log-group-name", "rules", "--log-stream-name", "nope"),
      refused("delete-log-group", "--log-group-name", "nope"),
      refused("put-retention-policy", "--log-group-name", "rules", "--retention-in-days", "2"),
      refused("filter-log-events", "--log-group-name", "rules", "--filter-pattern", "{ $.a = "),
    ]);
    assert.deepEqual(answers.slice(0, 10), [
      "InvalidParameterException: Log events in a single PutLogEvents request must be in chronological order.",
      "InvalidParameterException: The batch of log events in a single PutLogEvents request cannot span more than 24 hours.",
      "ResourceNotFoundException: The specified log stream does not exist.",
      "ResourceNotFoundException: The specified log group does not exist.",
      "ResourceAlreadyExistsException: The specified log group already exists",
      "ResourceAlreadyExistsException: The specified log stream already exists",
      "ResourceNotFoundException: The specified log group does not exist.",
      "InvalidParameterException: Cannot order by LastEventTime with a logStreamNamePrefix.",
      "ResourceNotFoundException: The specified log stream does not exist.",
      "ResourceNotFoundException: The specified log group does not exist.",
    ]);
    assert.match(answers[10]!, /^InvalidParameterException: 1 validation error detected: Value '2' at 'retentionInDays'/);
    assert.match(answers[11]!, /^InvalidParameterException: Invalid filter pattern/);
  });

  it("refuses bad input through boto3 with Logs' codes and messages, changing nothing", { skip: noBoto }, async () => {
    await logsCall(s.url, "CreateLogGroup", { logGroupName: "boto-refusals" });
    const now = Date.now();
    const calls: [string, Record<string, unknown>][] = [
      ["create_log_group", { logGroupName: "bad name!" }],
      ["create_log_group", { logGroupName: "aws/reserved" }],
      ["get_log_events", { logGroupName: "boto-refusals", logGroupIdentifier: "boto-refusals", logStreamName: "s" }],
      ["get_log_events", { logGroupName: "boto-refusals", logStreamName: "s" }],
      ["get_log_events", { logGroupName: "boto-refusals", logStreamName: "s", limit: 10_001 }],
      ["filter_log_events", { logGroupName: "boto-refusals", logStreamNames: ["a"], logStreamNamePrefix: "a" }],
      ["filter_log_events", { logGroupName: "boto-refusals", nextToken: "garbage" }],
      ["filter_log_events", { logGroupName: "boto-refusals", filterPattern: "[ip, user]" }],
      ["put_log_events", { logGroupName: "boto-refusals", logStreamName: "s", logEvents: [] }],
      ["put_log_events", { logGroupName: "boto-refusals", logStreamName: "s", logEvents: [{ timestamp: now, message: "" }] }],
      ["describe_log_groups", { limit: 51 }],
      ["tag_resource", { resourceArn: "arn:aws:ecs:us-east-1:000000000000:cluster/x", tags: { a: "b" } }],
      ["tag_log_group", { logGroupName: "boto-refusals", tags: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, "v"])) }],
    ];
    const answers = await botoRefusals(s, "logs", calls);
    assert.match(answers[0]!, /^InvalidParameterException: .*logGroupName/);
    assert.deepEqual(answers.slice(1), [
      "InvalidParameterException: Log group names starting with 'aws/' are reserved for AWS services.",
      "InvalidParameterException: LogGroup name and LogGroup ARN are mutually exclusive parameters.",
      "ResourceNotFoundException: The specified log stream does not exist.",
      answers[4]!.startsWith("InvalidParameterException: ") && answers[4]!.includes("limit") ? answers[4] : "a limit refusal",
      "InvalidParameterException: logStreamNames and logStreamNamePrefix are mutually exclusive parameters.",
      "InvalidParameterException: The specified nextToken is invalid.",
      "InvalidParameterException: berth does not support space-delimited filter patterns ([field, ...]).",
      answers[8]!.startsWith("InvalidParameterException: ") && answers[8]!.includes("logEvents") ? answers[8] : "a logEvents refusal",
      answers[9]!.startsWith("InvalidParameterException: ") && answers[9]!.includes("message") ? answers[9] : "a message refusal",
      answers[10]!.startsWith("InvalidParameterException: ") && answers[10]!.includes("limit") ? answers[10] : "a limit refusal",
      "InvalidParameterException: 1 validation error detected: Value 'arn:aws:ecs:us-east-1:000000000000:cluster/x' at 'resourceArn' failed to satisfy constraint: Member must be the ARN of a log group",
      "TooManyTagsException: A resource can have no more than 50 tags.",
    ]);
  });

  it("answers the calls `aws logs tail --follow` makes, with stable eventIds, and boto3's paginators", { skip: noBoto }, async () => {
    const script = `
import json, sys, time, boto3
c = boto3.client("logs", endpoint_url=sys.argv[1], region_name="us-east-1", aws_access_key_id="AKIDTEST", aws_secret_access_key="secret")
g = "/ecs/tail"
c.create_log_group(logGroupName=g)
for s in ["web/app/1", "web/app/2", "worker/app/3"]:
    c.create_log_stream(logGroupName=g, logStreamName=s)
now = int(time.time() * 1000)
c.put_log_events(logGroupName=g, logStreamName="web/app/1", logEvents=[{"timestamp": now - 5000 + i, "message": "one %d" % i} for i in range(30)])
c.put_log_events(logGroupName=g, logStreamName="web/app/2", logEvents=[{"timestamp": now - 5000 + i, "message": "two %d" % i} for i in range(30)])
c.put_log_events(logGroupName=g, logStreamName="worker/app/3", logEvents=[{"timestamp": now - 4000, "message": "three"}])
out = {}
# What tail does: FilterLogEvents from now - 10 min, interleaved, following nextToken; then again
# from the newest timestamp seen, skipping eventIds already printed for it.
def poll(start, seen, **extra):
    args = dict(logGroupName=g, interleaved=True, startTime=start, limit=25, **extra)
    printed = []
    while True:
        page = c.filter_log_events(**args)
        for e in page["events"]:
            if e["eventId"] in seen:
                continue
            seen.add(e["eventId"])
            printed.append(e)
        if "nextToken" not in page:
            return printed
        args["nextToken"] = page["nextToken"]
seen = set()
first = poll(now - 600000, seen)
out["first"] = [e["message"] for e in first]
out["sorted"] = [e["timestamp"] for e in first] == sorted(e["timestamp"] for e in first)
newest = max(e["timestamp"] for e in first)
c.put_log_events(logGroupName=g, logStreamName="web/app/1", logEvents=[{"timestamp": newest, "message": "same ms later"}, {"timestamp": now + 10, "message": "after"}])
again = poll(newest, seen)
out["again"] = [e["message"] for e in again]
out["prefix"] = len(poll(now - 600000, set(), logStreamNamePrefix="worker/"))
out["names"] = len(poll(now - 600000, set(), logStreamNames=["web/app/2"]))
out["pattern"] = [e["message"] for e in poll(now - 600000, set(), filterPattern='"two 7"')]
for i in range(5):
    c.create_log_group(logGroupName="/pg/%d" % i)
out["groups"] = [gr["logGroupName"] for p in c.get_paginator("describe_log_groups").paginate(logGroupNamePrefix="/pg/", PaginationConfig={"PageSize": 2}) for gr in p["logGroups"]]
out["streams"] = [s["logStreamName"] for p in c.get_paginator("describe_log_streams").paginate(logGroupName=g, orderBy="LastEventTime", descending=True, PaginationConfig={"PageSize": 1}) for s in p["logStreams"]]
out["filtered"] = sum(len(p["events"]) for p in c.get_paginator("filter_log_events").paginate(logGroupName=g, PaginationConfig={"PageSize": 7}))
out["byArn"] = len(c.get_log_events(logGroupIdentifier="arn:aws:logs:us-east-1:000000000000:log-group:/ecs/tail", logStreamName="worker/app/3")["events"])
c.put_retention_policy(logGroupName=g, retentionInDays=7)
out["retention"] = c.describe_log_groups(logGroupNamePattern="tail")["logGroups"][0].get("retentionInDays")
c.delete_retention_policy(logGroupName=g)
out["noRetention"] = "retentionInDays" in c.describe_log_groups(logGroupNamePattern="tail")["logGroups"][0]
arn = "arn:aws:logs:us-east-1:000000000000:log-group:/ecs/tail"
c.tag_resource(resourceArn=arn, tags={"a": "1", "b": "2"})
c.untag_resource(resourceArn=arn, tagKeys=["a"])
out["tags"] = c.list_tags_for_resource(resourceArn=arn)["tags"]
print(json.dumps(out))
`;
    const { stdout } = await run("python3", ["-c", script, s.url]);
    const out = JSON.parse(stdout);
    assert.equal(out.first.length, 61);
    assert.equal(out.sorted, true);
    // Interleaved: the two streams' events at the same millisecond alternate in arrival order.
    assert.deepEqual(out.first.slice(0, 4), ["one 0", "two 0", "one 1", "two 1"]);
    assert.deepEqual(out.again, ["same ms later", "after"]);
    assert.equal(out.prefix, 1);
    assert.equal(out.names, 30);
    assert.deepEqual(out.pattern, ["two 7"]);
    assert.deepEqual(out.groups, ["/pg/0", "/pg/1", "/pg/2", "/pg/3", "/pg/4"]);
    assert.deepEqual(out.streams, ["web/app/1", "worker/app/3", "web/app/2"]);
    assert.equal(out.filtered, 63);
    assert.equal(out.byArn, 1);
    assert.equal(out.retention, 7);
    assert.equal(out.noRetention, false);
    assert.deepEqual(out.tags, { b: "2" });
  });

  it("hides events past the retention at once and sweeps them from the file", async () => {
    const now = Date.now();
    assert.equal((await logsCall(s.url, "CreateLogGroup", { logGroupName: "kept" })).status, 200);
    await logsCall(s.url, "CreateLogStream", { logGroupName: "kept", logStreamName: "s" });
    await logsCall(s.url, "PutLogEvents", { logGroupName: "kept", logStreamName: "s", logEvents: [{ timestamp: now - 2 * DAY, message: "two days old" }] });
    await logsCall(s.url, "PutLogEvents", { logGroupName: "kept", logStreamName: "s", logEvents: [{ timestamp: now, message: "fresh" }] });
    const before = await logsCall(s.url, "GetLogEvents", { logGroupName: "kept", logStreamName: "s" });
    assert.equal((before.body.events as unknown[]).length, 2);
    await logsCall(s.url, "PutRetentionPolicy", { logGroupName: "kept", retentionInDays: 1 });
    const hidden = await logsCall(s.url, "FilterLogEvents", { logGroupName: "kept" });
    assert.deepEqual(
      (hidden.body.events as { message: string }[]).map((e) => e.message),
      ["fresh"],
    );
    const deps = { ...s.cp.deps, logEvents: logsEventsOf(s) };
    assert.ok(logs.sweepExpiredLogEvents(deps) >= 1);
    const streams = await logsCall(s.url, "DescribeLogStreams", { logGroupName: "kept" });
    const st = (streams.body.logStreams as { storedBytes: number; firstEventTimestamp: number }[])[0]!;
    assert.equal(st.storedBytes, "fresh".length + 26);
    assert.equal(st.firstEventTimestamp, now);
    // An event older than the retention is now expired at PutLogEvents.
    const put = await logsCall(s.url, "PutLogEvents", { logGroupName: "kept", logStreamName: "s", logEvents: [{ timestamp: now - 2 * DAY, message: "x" }, { timestamp: now, message: "y" }] });
    assert.deepEqual(put.body.rejectedLogEventsInfo, { expiredLogEventEndIndex: 1 });
  });

  it("deletes a stream's and a group's events with them; the same names start empty", async () => {
    const now = Date.now();
    await logsCall(s.url, "CreateLogGroup", { logGroupName: "gone" });
    await logsCall(s.url, "CreateLogStream", { logGroupName: "gone", logStreamName: "s" });
    await logsCall(s.url, "PutLogEvents", { logGroupName: "gone", logStreamName: "s", logEvents: [{ timestamp: now, message: "before" }] });
    assert.equal((await logsCall(s.url, "DeleteLogStream", { logGroupName: "gone", logStreamName: "s" })).status, 200);
    await logsCall(s.url, "CreateLogStream", { logGroupName: "gone", logStreamName: "s" });
    assert.deepEqual((await logsCall(s.url, "GetLogEvents", { logGroupName: "gone", logStreamName: "s" })).body.events, []);
    await logsCall(s.url, "PutLogEvents", { logGroupName: "gone", logStreamName: "s", logEvents: [{ timestamp: now, message: "again" }] });
    assert.equal((await logsCall(s.url, "DeleteLogGroup", { logGroupName: "gone" })).status, 200);
    const missing = await logsCall(s.url, "GetLogEvents", { logGroupName: "gone", logStreamName: "s" });
    assert.deepEqual([missing.status, missing.body.__type, missing.body.message], [400, "ResourceNotFoundException", "The specified log group does not exist."]);
    await logsCall(s.url, "CreateLogGroup", { logGroupName: "gone" });
    assert.deepEqual((await logsCall(s.url, "FilterLogEvents", { logGroupName: "gone" })).body.events, []);
    assert.equal(logsEventsOf(s).groupBytes("no-such-uid"), 0);
  });
});

/** The event store of a test server's own SQLite file. */
function logsEventsOf(s: TestServer) {
  const store = s.cp.deps.store as unknown as { database(): import("better-sqlite3").Database };
  return openLogEventStore(store.database());
}

describe("CloudWatch Logs durability across kill -9", () => {
  it("keeps every event whose PutLogEvents returned 200", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "berth-logs-kill-"));
    try {
      const first = await spawnServer(dataDir);
      await logsCall(first.url, "CreateLogGroup", { logGroupName: "d" });
      for (let w = 0; w < 4; w++) await logsCall(first.url, "CreateLogStream", { logGroupName: "d", logStreamName: `w${w}` });
      const acked: string[] = [];
      let stop = false;
      const writer = async (w: number) => {
        for (let b = 0; !stop; b++) {
          const batch = Array.from({ length: 100 }, (_, i) => ({ timestamp: Date.now(), message: `w${w} b${b} e${i}` }));
          try {
            const res = await logsCall(first.url, "PutLogEvents", { logGroupName: "d", logStreamName: `w${w}`, logEvents: batch });
            if (res.status !== 200) throw new Error(JSON.stringify(res.body));
            acked.push(...batch.map((e) => e.message));
          } catch {
            return; // the server died under us: this batch was never acknowledged
          }
        }
      };
      const writers = Array.from({ length: 4 }, (_, w) => writer(w));
      try {
        const deadline = Date.now() + 60_000;
        while (acked.length < 5_000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      } finally {
        await first.stop("SIGKILL");
        stop = true;
        await Promise.all(writers);
      }
      assert.ok(acked.length >= 5_000, `the load made progress (${acked.length} events)`);

      const second = await spawnServer(dataDir);
      try {
        const stored = new Set<string>();
        for (let w = 0; w < 4; w++) {
          let token: string | undefined;
          for (;;) {
            const page = await logsCall(second.url, "GetLogEvents", { logGroupName: "d", logStreamName: `w${w}`, startFromHead: true, ...(token ? { nextToken: token } : {}) });
            for (const e of page.body.events as { message: string }[]) stored.add(e.message);
            if (page.body.nextForwardToken === token) break;
            token = page.body.nextForwardToken as string;
          }
        }
        const lost = acked.filter((m) => !stored.has(m));
        assert.deepEqual(lost.slice(0, 5), [], `${lost.length} acknowledged events lost`);
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
