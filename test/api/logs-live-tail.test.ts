// CloudWatch Logs' StartLiveTail on berth's port, read by boto3 (a python subprocess that
// prints each event-stream event as a JSON line) and by the AWS SDK for JavaScript v3: the
// initial sessionStart, then updates carrying the events PutLogEvents stores meanwhile; the
// filter pattern and the stream name and prefix filters; refusals before any session starts;
// sampling past 500 events a second; SessionTimeoutException at the (shortened) session limit;
// the session's subscription freed when the client goes away; the `stream-` host prefix
// botocore puts on the endpoint; IAM policies on the groups tailed; the AWS CLI's
// `aws logs start-live-tail`, which prints each event's message.
import { CloudWatchLogsClient, StartLiveTailCommand, type StartLiveTailResponseStream } from "@aws-sdk/client-cloudwatch-logs";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { after, afterEach, before, describe, it } from "node:test";
import { logs } from "../../src/domain/index.js";
import { AWS_ENV, missingTool, run } from "../helpers/aws-cli.js";
import { logsCall } from "../helpers/logs-call.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

const ACCOUNT = "000000000000";
const groupArn = (name: string) => `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:${name}`;

/**
 * The boto3 side. argv[1] is a JSON object: `request` (start_live_tail's arguments), `mode`
 * (how the `stream-` host prefix is dealt with: "env" sets AWS_DISABLE_HOST_PREFIX_INJECTION
 * as a CLI user would, "config" passes Config(inject_host_prefix=False), "resolve" keeps the
 * prefix and resolves `stream-127.0.0.1` to 127.0.0.1 as an /etc/hosts line would), and
 * `closeAfter` (close the stream after that many events, then stay alive until stdin closes).
 * Each event is printed as one JSON line; a refusal or a stream exception as {error, message};
 * the end of the stream as {end: true}.
 */
const TAIL_PY = `
import json, os, socket, sys, boto3, botocore.config
opts = json.loads(sys.argv[1])
mode = opts.get("mode", "env")
if mode == "resolve":
    real = socket.getaddrinfo
    socket.getaddrinfo = lambda host, *a, **k: real("127.0.0.1" if host == "stream-127.0.0.1" else host, *a, **k)
kw = {"inject_host_prefix": False} if mode == "config" else {}
client = boto3.client("logs", endpoint_url=os.environ["URL"], region_name="us-east-1",
    aws_access_key_id=os.environ.get("KEY_ID", "AKIDTEST"), aws_secret_access_key=os.environ.get("KEY_SECRET", "secret"),
    config=botocore.config.Config(parameter_validation=False, retries={"max_attempts": 1}, read_timeout=60, **kw))
out = lambda o: print(json.dumps(o), flush=True)
try:
    stream = client.start_live_tail(**opts["request"])["responseStream"]
except client.exceptions.ClientError as e:
    out({"error": e.response["Error"]["Code"], "message": e.response["Error"]["Message"]})
    sys.exit(0)
n = 0
try:
    for event in stream:
        out(event)
        n += 1
        if opts.get("closeAfter") == n:
            stream.close()
            out({"closed": True})
            sys.stdin.read()
            sys.exit(0)
except client.exceptions.ClientError as e:
    out({"error": e.response["Error"]["Code"], "message": e.response["Error"]["Message"]})
out({"end": True})
`;

// biome-ignore lint: JSON lines from python
type Line = any;

interface Tail {
  /** The next line (from the start, in order) that satisfies `want`, within `ms`. */
  next(want: (line: Line) => boolean, ms?: number): Promise<Line>;
  /** Every line so far. */
  lines: Line[];
  exited: Promise<number | null>;
  proc: ChildProcess;
}

function tail(url: string, opts: Record<string, unknown>, env: Record<string, string> = {}): Tail {
  const mode = (opts.mode as string | undefined) ?? "env";
  const proc = spawn("python3", ["-c", TAIL_PY, JSON.stringify(opts)], {
    env: { ...process.env, ...AWS_ENV, URL: url, ...(mode === "env" ? { AWS_DISABLE_HOST_PREFIX_INJECTION: "true" } : {}), ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  const lines: Line[] = [];
  let stderr = "";
  proc.stderr!.on("data", (d) => (stderr += d));
  const waiters = new Set<() => void>();
  createInterface({ input: proc.stdout! }).on("line", (l) => {
    lines.push(JSON.parse(l));
    for (const w of [...waiters]) w();
  });
  const exited = new Promise<number | null>((resolve) => proc.on("exit", (code) => resolve(code)));
  let cursor = 0;
  const next = (want: (line: Line) => boolean, ms = 8_000) =>
    new Promise<Line>((resolve, reject) => {
      const look = () => {
        while (cursor < lines.length) {
          const line = lines[cursor++];
          if (want(line)) {
            waiters.delete(look);
            clearTimeout(timer);
            return resolve(line);
          }
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(look);
        reject(new Error(`no matching line within ${ms} ms; lines: ${JSON.stringify(lines).slice(0, 2000)}; stderr: ${stderr.slice(-2000)}`));
      }, ms);
      waiters.add(look);
      look();
    });
  open.add(proc);
  return { next, lines, exited, proc };
}

const open = new Set<ChildProcess>();

const isStart = (l: Line) => "sessionStart" in l;
/** An update carrying events (not the empty ones sent every second). */
const withEvents = (l: Line) => l.sessionUpdate?.sessionResults?.length > 0;

async function eventually(check: () => boolean, what: string, ms = 5_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe("CloudWatch Logs Live Tail against berth", async () => {
  const noBoto = await missingTool("python3", ["-c", "import boto3"]);
  const noCli = await missingTool("aws", ["--version"]);
  let s: TestServer;
  const call = async (op: string, body: unknown) => {
    const r = await logsCall(s.url, op, body);
    assert.equal(r.status, 200, `${op}: ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const put = (group: string, stream: string, messages: string[]) =>
    call("PutLogEvents", { logGroupName: group, logStreamName: stream, logEvents: messages.map((message) => ({ timestamp: Date.now(), message })) });
  const subscriptions = () => logs.liveTailSubscriptions(s.cp.logsDeps!);

  before(async () => {
    s = await startTestServer({ scheduler: false, loadBalancers: false });
    for (const g of ["/ecs/web", "/ecs/api", "/ecs/flood"]) await call("CreateLogGroup", { logGroupName: g });
    for (const st of ["web/1", "web/2", "api/1"]) await call("CreateLogStream", { logGroupName: "/ecs/web", logStreamName: st });
    await call("CreateLogStream", { logGroupName: "/ecs/api", logStreamName: "main" });
    await call("CreateLogStream", { logGroupName: "/ecs/flood", logStreamName: "f" });
  });
  afterEach(async () => {
    for (const p of open) p.kill("SIGKILL");
    open.clear();
    // Every session of the test is gone once its client is.
    await eventually(() => subscriptions() === 0, "the sessions to end");
  });
  after(async () => {
    if (s) await s.close();
  });

  it("starts a session, then sends the events stored meanwhile in every group tailed", { skip: noBoto }, async () => {
    await put("/ecs/web", "web/1", ["before the session"]);
    const t = tail(s.url, { request: { logGroupIdentifiers: ["/ecs/web", groupArn("/ecs/api")] } });
    const start = (await t.next(isStart)).sessionStart;
    assert.deepEqual(start.logGroupIdentifiers, ["/ecs/web", groupArn("/ecs/api")]);
    assert.match(start.sessionId, /^[0-9a-f-]{36}$/);
    assert.match(start.requestId, /^[0-9a-f-]{36}$/);
    assert.equal(subscriptions(), 1);

    const sent = Date.now();
    await put("/ecs/web", "web/2", ["GET / 200", "GET /health 200"]);
    await put("/ecs/api", "main", ["POST /orders 201"]);
    const seen: Line[] = [];
    while (seen.length < 3) seen.push(...(await t.next(withEvents)).sessionUpdate.sessionResults);
    assert.deepEqual(
      seen.map((e) => [e.logGroupIdentifier, e.logStreamName, e.message]),
      [
        ["/ecs/web", "web/2", "GET / 200"],
        ["/ecs/web", "web/2", "GET /health 200"],
        // Named as the request named it: by ARN.
        [groupArn("/ecs/api"), "main", "POST /orders 201"],
      ],
    );
    for (const e of seen) {
      assert.ok(e.timestamp >= sent - 1_000 && e.ingestionTime >= sent - 1_000, JSON.stringify(e));
    }
    assert.ok(!t.lines.some((l) => JSON.stringify(l).includes("before the session")), "events stored before the session are not tailed");
    // Updates keep coming about once a second, empty ones included, none sampled.
    const updates = t.lines.filter((l) => "sessionUpdate" in l);
    assert.ok(updates.every((u) => u.sessionUpdate.sessionMetadata.sampled === false));
    await t.next((l) => "sessionUpdate" in l && l.sessionUpdate.sessionResults.length === 0, 3_000);
  });

  it("applies the filter pattern and the stream name and prefix filters", { skip: noBoto }, async () => {
    const pattern = tail(s.url, { request: { logGroupIdentifiers: ["/ecs/web"], logEventFilterPattern: "ERROR -retrying" } });
    const names = tail(s.url, { request: { logGroupIdentifiers: ["/ecs/web"], logStreamNames: ["web/1"] } });
    const prefixes = tail(s.url, { request: { logGroupIdentifiers: [groupArn("/ecs/web")], logStreamNamePrefixes: ["api/", "nothing/"] } });
    for (const t of [pattern, names, prefixes]) await t.next(isStart);
    assert.equal(subscriptions(), 3);
    const started = prefixes.lines.find(isStart).sessionStart;
    assert.deepEqual(started.logStreamNamePrefixes, ["api/", "nothing/"]);
    assert.deepEqual(names.lines.find(isStart).sessionStart.logStreamNames, ["web/1"]);
    assert.equal(pattern.lines.find(isStart).sessionStart.logEventFilterPattern, "ERROR -retrying");

    await put("/ecs/web", "web/1", ["ERROR disk full", "INFO fine", "ERROR retrying"]);
    await put("/ecs/web", "api/1", ["ERROR upstream timeout"]);
    await put("/ecs/web", "web/2", ["INFO other stream"]);
    const messages = async (t: Tail, n: number) => {
      const out: string[] = [];
      while (out.length < n) out.push(...(await t.next(withEvents)).sessionUpdate.sessionResults.map((e: Line) => `${e.logStreamName}: ${e.message}`));
      return out;
    };
    assert.deepEqual(await messages(pattern, 2), ["web/1: ERROR disk full", "api/1: ERROR upstream timeout"]);
    assert.deepEqual(await messages(names, 3), ["web/1: ERROR disk full", "web/1: INFO fine", "web/1: ERROR retrying"]);
    assert.deepEqual(await messages(prefixes, 1), ["api/1: ERROR upstream timeout"]);
    // Nothing else arrives in the next update of each.
    for (const t of [pattern, names, prefixes]) {
      const before = t.lines.length;
      await t.next((l) => "sessionUpdate" in l && t.lines.indexOf(l) >= before, 3_000);
      assert.ok(t.lines.slice(before).every((l) => !withEvents(l)), JSON.stringify(t.lines.slice(before)));
    }
  });

  it("refuses bad input before any session starts, in Logs' own errors", { skip: noBoto }, async () => {
    const eleven = Array.from({ length: 11 }, (_, i) => `/g${i}`);
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ logGroupIdentifiers: eleven }, /^InvalidParameterException: .*logGroupIdentifiers/],
      [{ logGroupIdentifiers: [] }, /^InvalidParameterException: .*logGroupIdentifiers/],
      [{ logGroupIdentifiers: ["/ecs/web"], logStreamNames: ["web/1"], logStreamNamePrefixes: ["web/"] }, /^InvalidParameterException: logStreamNames and logStreamNamePrefixes are mutually exclusive/],
      [{ logGroupIdentifiers: ["/ecs/web", "/ecs/api"], logStreamNames: ["web/1"] }, /^InvalidParameterException: logStreamNames may be given only with exactly one log group/],
      [{ logGroupIdentifiers: ["/ecs/web", "/ecs/nope"] }, /^ResourceNotFoundException: The specified log group does not exist\./],
      [{ logGroupIdentifiers: [`${groupArn("/ecs/web")}:*`] }, /^InvalidParameterException: Invalid parameter 'logGroupIdentifiers\[0\]'/],
      [{ logGroupIdentifiers: ["/ecs/web"], logEventFilterPattern: "[ip, user]" }, /^InvalidParameterException: .*space-delimited/],
    ];
    for (const [request, want] of cases) {
      const t = tail(s.url, { request });
      const first = await t.next(() => true);
      assert.match(`${first.error}: ${first.message}`, want, JSON.stringify(request));
      assert.equal(await t.exited, 0);
      assert.equal(subscriptions(), 0);
    }
  });

  it("samples past 500 events a second and says so", { skip: noBoto }, async () => {
    const t = tail(s.url, { request: { logGroupIdentifiers: ["/ecs/flood"] } });
    await t.next(isStart);
    await put(
      "/ecs/flood",
      "f",
      Array.from({ length: 5_000 }, (_, i) => `line ${i}`),
    );
    const flood = (await t.next(withEvents)).sessionUpdate;
    assert.equal(flood.sessionMetadata.sampled, true);
    assert.equal(flood.sessionResults.length, 500);
    // A sample of the whole burst, in order, not only its head.
    const numbers = flood.sessionResults.map((e: Line) => Number(e.message.split(" ")[1]));
    assert.deepEqual([...numbers].sort((a, b) => a - b), numbers);
    assert.ok(numbers[numbers.length - 1] >= 4_900, `last sampled: ${numbers[numbers.length - 1]}`);
    // Once the bucket has refilled, a small batch comes whole and unsampled.
    await new Promise((r) => setTimeout(r, 1_100));
    await put("/ecs/flood", "f", ["after 1", "after 2"]);
    const calm = (await t.next((l) => withEvents(l) && l.sessionUpdate.sessionResults[0].message.startsWith("after"))).sessionUpdate;
    assert.deepEqual(calm, {
      sessionMetadata: { sampled: false },
      sessionResults: calm.sessionResults.map((e: Line, i: number) => ({ ...e, message: `after ${i + 1}` })),
    });
    assert.equal(calm.sessionResults.length, 2);
  });

  it("ends the session when the client goes away: process killed, or stream closed", { skip: noBoto }, async () => {
    const killed = tail(s.url, { request: { logGroupIdentifiers: ["/ecs/web"] } });
    const closing = tail(s.url, { request: { logGroupIdentifiers: ["/ecs/web", "/ecs/api"] }, closeAfter: 1 });
    await killed.next(isStart);
    await closing.next((l) => "closed" in l);
    // The closing client is still running (reading stdin); its session is gone all the same.
    await eventually(() => subscriptions() === 1, "the closed stream's session to end");
    killed.proc.kill("SIGKILL");
    await eventually(() => subscriptions() === 0, "the killed client's session to end");
    // Nothing is told of new events any more (and nothing fails for the writer).
    await put("/ecs/web", "web/1", ["after the clients left"]);
    closing.proc.stdin!.end();
    assert.equal(await closing.exited, 0);
  });

  it("ends the session with SessionTimeoutException when its time is up", { skip: noBoto }, async () => {
    const hub = logs.liveTailHub(s.cp.logsDeps!);
    hub.configure({ sessionLimitMs: 1_500 });
    try {
      const t = tail(s.url, { request: { logGroupIdentifiers: ["/ecs/web"] } });
      await t.next(isStart);
      const end = await t.next((l) => "error" in l);
      assert.equal(end.error, "SessionTimeoutException");
      assert.match(end.message, /maximum duration/);
      await t.next((l) => "end" in l);
      assert.equal(await t.exited, 0);
      await eventually(() => subscriptions() === 0, "the timed-out session to end");
    } finally {
      hub.configure({ sessionLimitMs: 3 * 3_600_000 });
    }
  });

  it("answers with or without botocore's stream- host prefix", { skip: noBoto }, async () => {
    // boto3 Config(inject_host_prefix=False), and the prefix kept with a name that resolves.
    for (const mode of ["config", "resolve"]) {
      const t = tail(s.url, { mode, request: { logGroupIdentifiers: ["/ecs/api"] } });
      await t.next(isStart);
      await put("/ecs/api", "main", [`via ${mode}`]);
      assert.equal((await t.next(withEvents)).sessionUpdate.sessionResults[0].message, `via ${mode}`);
      t.proc.kill("SIGKILL");
      await eventually(() => subscriptions() === 0, "the session to end");
    }
  });

  it("authorizes logs:StartLiveTail on every group tailed", { skip: noBoto }, async () => {
    const iam = (...args: string[]) => run("aws", ["iam", ...args, "--endpoint-url", s.url, "--output", "json"], { env: { ...process.env, ...AWS_ENV } });
    await iam("create-user", "--user-name", "tailer");
    const policy = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "logs:StartLiveTail", Resource: `${groupArn("/ecs/web")}:*` }] };
    await iam("put-user-policy", "--user-name", "tailer", "--policy-name", "tail", "--policy-document", JSON.stringify(policy));
    const key = JSON.parse((await iam("create-access-key", "--user-name", "tailer")).stdout).AccessKey;
    const env = { KEY_ID: key.AccessKeyId, KEY_SECRET: key.SecretAccessKey };
    const allowed = tail(s.url, { request: { logGroupIdentifiers: [groupArn("/ecs/web")] } }, env);
    await allowed.next(isStart);
    const refused = tail(s.url, { request: { logGroupIdentifiers: ["/ecs/web", "/ecs/api"] } }, env);
    const first = await refused.next(() => true);
    assert.equal(first.error, "AccessDeniedException");
    assert.match(first.message, /logs:StartLiveTail/);
    assert.equal(subscriptions(), 1);
  });

  it("prints events with the AWS CLI's start-live-tail", { skip: noCli }, async () => {
    const cli = spawn("aws", ["logs", "start-live-tail", "--log-group-identifiers", "/ecs/api", "--log-event-filter-pattern", "cli", "--endpoint-url", s.url], {
      env: { ...process.env, ...AWS_ENV, AWS_DISABLE_HOST_PREFIX_INJECTION: "true" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    open.add(cli);
    const printed: string[] = [];
    createInterface({ input: cli.stdout! }).on("line", (l) => printed.push(l));
    await eventually(() => subscriptions() === 1, "the CLI's session to start", 15_000);
    await put("/ecs/api", "main", ["cli line one", "skipped", "cli line two"]);
    await eventually(() => printed.length >= 2, "the CLI to print the events", 8_000);
    assert.deepEqual(printed, ["cli line one", "cli line two"]);
  });

  it("streams to the AWS SDK for JavaScript v3", async () => {
    const client = new CloudWatchLogsClient({
      endpoint: s.url,
      region: "us-east-1",
      credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "secret" },
      maxAttempts: 1,
      // The JS SDK's switch for the `stream-` host prefix.
      disableHostPrefix: true,
    });
    const abort = new AbortController();
    try {
      const out = await client.send(new StartLiveTailCommand({ logGroupIdentifiers: ["/ecs/api"], logEventFilterPattern: "js" }), { abortSignal: abort.signal });
      const events: StartLiveTailResponseStream[] = [];
      let wrote = false;
      for await (const event of out.responseStream!) {
        events.push(event);
        if (event.sessionStart && !wrote) {
          wrote = true;
          await put("/ecs/api", "main", ["from js", "not this one"]);
        }
        if (event.sessionUpdate?.sessionResults?.length) break;
      }
      assert.deepEqual(events[0]!.sessionStart?.logGroupIdentifiers, ["/ecs/api"]);
      const results = events.at(-1)!.sessionUpdate!.sessionResults!;
      assert.deepEqual(
        results.map((e) => [e.logGroupIdentifier, e.logStreamName, e.message]),
        [["/ecs/api", "main", "from js"]],
      );
      assert.equal(typeof results[0]!.ingestionTime, "number");
    } finally {
      abort.abort();
      client.destroy();
    }
    await eventually(() => subscriptions() === 0, "the JS client's session to end");
  });
});
