// The shipper and the driver against a runtime whose log the test writes and a CloudWatch Logs
// the test answers for (the wire calls are the real client's; only the transport is a fake):
// blocking mode loses nothing across an outage, non-blocking mode drops the oldest and counts
// them, and a stream that cannot be made is the container's CannotStartContainerError.
import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { describe, it } from "node:test";
import pino from "pino";
import { JsonCallError } from "../../client/index.js";
import type { LogLine, LogOptions, RuntimeDriver } from "../../runtime/index.js";
import { systemTimers } from "../../runtime/index.js";
import { AwslogsDriver } from "./awslogs-driver.js";
import type { LogsCall } from "./cloudwatch-calls.js";

class FakeLog {
  lines: LogLine[] = [];
  exited = false;
  readonly changed = new EventEmitter();
  write(texts: string[]): void {
    const t = Date.now();
    for (const line of texts) this.lines.push({ stream: "stdout", timestamp: t, line });
    this.changed.emit("line");
  }
  exit(): void {
    this.exited = true;
    this.changed.emit("line");
  }
  driver(): RuntimeDriver {
    const self = this;
    return {
      async *logs(_id: string, o: LogOptions = {}): AsyncGenerator<LogLine> {
        let i = 0;
        for (;;) {
          for (; i < self.lines.length; i++) if (self.lines[i]!.timestamp >= (o.since ?? -Infinity)) yield self.lines[i]!;
          if (!o.follow || self.exited || o.signal?.aborted) return;
          await new Promise<void>((resolve) => {
            const done = () => {
              self.changed.off("line", done);
              o.signal?.removeEventListener("abort", done);
              resolve();
            };
            self.changed.on("line", done);
            o.signal?.addEventListener("abort", done, { once: true });
          });
        }
      },
      inspect: async () => ({ status: self.exited ? "EXITED" : "RUNNING" }),
    } as unknown as RuntimeDriver;
  }
}

/** A CloudWatch Logs that stores what PutLogEvents sends; `down` makes calls fail as a refused connection does. */
function fakeLogs() {
  const state = { down: false, puts: 0, calls: [] as string[], stored: [] as string[], refuse: undefined as JsonCallError | undefined };
  const call = (async (_t: unknown, prefix: string, op: string, body: { logEvents?: { message: string; timestamp: number }[] }) => {
    assert.equal(prefix, "Logs_20140328");
    state.calls.push(op);
    if (state.down) throw Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" });
    if (state.refuse) throw state.refuse;
    if (op === "PutLogEvents") {
      state.puts++;
      const ts = body.logEvents!.map((e) => e.timestamp);
      assert.deepEqual(ts, [...ts].sort((a, b) => a - b), "a batch is in timestamp order");
      state.stored.push(...body.logEvents!.map((e) => e.message));
    }
    return {};
  }) as unknown as LogsCall;
  return { state, call };
}

const log = pino({ level: "silent" });
const container = (options: Record<string, string>, extra: Record<string, unknown> = {}) => ({
  taskArn: "arn:aws:ecs:us-east-1:000000000000:task/default/0123456789abcdef0123456789abcdef",
  taskId: "0123456789abcdef0123456789abcdef",
  region: "us-east-1",
  name: "app",
  definition: { logConfiguration: { logDriver: "awslogs", options } },
  runtimeId: "f".repeat(64),
  ...extra,
});

/** A driver whose warnings (the agent's log at warn) the test reads. */
function driverWarning(fl: FakeLog, call: LogsCall) {
  const warnings: { dropped?: number; msg?: string }[] = [];
  const d = driverWith(fl, call, undefined, pino({ level: "warn" }, { write: (s: string) => void warnings.push(JSON.parse(s) as { dropped?: number }) }));
  return { d, warnings };
}

function driverWith(fl: FakeLog, call: LogsCall, exec?: { accessKeyId: string; secretAccessKey: string; sessionToken: string }, logger = log) {
  return new AwslogsDriver({
    driver: fl.driver(),
    timers: systemTimers,
    log: logger,
    endpoint: "http://127.0.0.1:1",
    agentCredentials: { accessKeyId: "AKIDAGENT", secretAccessKey: "x" },
    executionCredentials: () => (exec ? { ...exec, credentialsId: "c", roleArn: "r", expiration: "" } as never : undefined),
    call,
  });
}

const until = async (what: string, ok: () => boolean, ms = 20_000) => {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe("awslogs driver", { timeout: 60_000 }, () => {
  it("blocking: every line arrives once and in order across an outage of the API", async () => {
    const fl = new FakeLog();
    const { state, call } = fakeLogs();
    const d = driverWith(fl, call);
    assert.equal(await d.open(container({ "awslogs-group": "g", "awslogs-stream-prefix": "web", "awslogs-create-group": "true" })), undefined);
    assert.deepEqual(state.calls, ["CreateLogGroup", "CreateLogStream"]);
    const want: string[] = [];
    for (let i = 0; i < 12_000; i++) want.push(`line ${i}`);
    state.down = true;
    fl.write(want.slice(0, 6_000));
    await new Promise((r) => setTimeout(r, 600));
    fl.write(want.slice(6_000));
    await new Promise((r) => setTimeout(r, 600));
    assert.equal(state.stored.length, 0);
    state.down = false;
    fl.exit();
    await until("all lines stored", () => state.stored.length >= want.length);
    await d.close();
    assert.deepEqual(state.stored, want);
    assert.ok(state.puts >= 2, "10,000 events at most a call");
  });

  it("non-blocking: keeps max-buffer-size, drops the oldest while the API is away, and says how many", async () => {
    const fl = new FakeLog();
    const { state, call } = fakeLogs();
    const { d, warnings } = driverWarning(fl, call);
    assert.equal(await d.open(container({ "awslogs-group": "g", mode: "non-blocking", "max-buffer-size": "1k" })), undefined);
    state.down = true;
    const lines = Array.from({ length: 500 }, (_, i) => `m${String(i).padStart(4, "0")}`); // 31 bytes each with overhead
    fl.write(lines);
    await until("the reader drops", () => warnings.some((w) => (w.dropped ?? 0) > 0));
    state.down = false;
    fl.exit();
    await until("the rest stored", () => state.stored.length > 0 && state.stored.at(-1) === lines.at(-1));
    await d.close();
    const dropped = warnings.reduce((n, w) => n + (w.dropped ?? 0), 0);
    assert.equal(state.stored.length + dropped, lines.length, "stored + dropped = written");
    assert.ok(state.stored.length <= Math.floor(1024 / 31));
    assert.deepEqual(state.stored, lines.slice(lines.length - state.stored.length), "the newest are kept, in order");
  });

  it("a PutLogEvents refused for good (AccessDenied after the stream was made) drops that batch with a warning and goes on", async () => {
    const fl = new FakeLog();
    const { state, call } = fakeLogs();
    const { d, warnings } = driverWarning(fl, call);
    const app = container({ "awslogs-group": "g" });
    assert.equal(await d.open(app), undefined);
    state.refuse = new JsonCallError("AccessDeniedException", "not authorized to perform: logs:PutLogEvents", 400);
    fl.write(["one", "two"]);
    fl.exit();
    await until("the refusal logged", () => warnings.some((w) => w.dropped === 2));
    assert.match(warnings.find((w) => w.dropped === 2)!.msg!, /PutLogEvents refused them: AccessDeniedException: not authorized to perform: logs:PutLogEvents/);
    const puts = state.calls.filter((op) => op === "PutLogEvents").length;
    state.refuse = undefined;
    // The container starts again in place (restartPolicy): the agent opens its driver first, as
    // before every start, and the shipper that had finished goes on from where it was.
    await new Promise((r) => setTimeout(r, 300));
    fl.exited = false;
    assert.equal(await d.open(app), undefined);
    fl.write(["three"]);
    fl.exit();
    await until("the next line stored", () => state.stored.includes("three"));
    await d.close();
    assert.deepEqual(state.stored, ["three"]);
    assert.equal(puts, 1, "a refusal for good is not retried");
  });

  it("joins multiline events and names the stream after the runtime id without a prefix", async () => {
    const fl = new FakeLog();
    const { state, call } = fakeLogs();
    const names: string[] = [];
    const spy = (async (t: never, p: string, op: string, body: { logStreamName?: string }) => {
      if (op === "CreateLogStream") names.push(body.logStreamName!);
      return (call as unknown as (...a: unknown[]) => Promise<unknown>)(t, p, op, body);
    }) as unknown as LogsCall;
    const d = driverWith(fl, spy);
    assert.equal(await d.open(container({ "awslogs-group": "g", "awslogs-datetime-format": "%Y-%m-%d" })), undefined);
    assert.deepEqual(names, ["f".repeat(64)]);
    fl.write(["2026-12-05 boom", "  at a", "  at b", "2026-12-05 next"]);
    fl.exit();
    await until("two events", () => state.stored.length === 2);
    await d.close();
    assert.deepEqual(state.stored, ["2026-12-05 boom\n  at a\n  at b", "2026-12-05 next"]);
  });

  it("a stream that cannot be made is ECS's CannotStartContainerError; an existing one is fine", async () => {
    const fl = new FakeLog();
    const { state, call } = fakeLogs();
    const exec = { accessKeyId: "ASIAEXEC", secretAccessKey: "s", sessionToken: "t" };
    const d = driverWith(fl, call, exec);
    const c = container({ "awslogs-group": "g", "awslogs-stream-prefix": "p" }, { executionRoleArn: "arn:aws:iam::000000000000:role/exec" });
    state.refuse = new JsonCallError("AccessDeniedException", "User: arn:aws:sts::000000000000:assumed-role/exec/x is not authorized to perform: logs:CreateLogStream", 400);
    assert.equal(
      await d.open(c),
      "CannotStartContainerError: Error response from daemon: failed to initialize logging driver: failed to create Cloudwatch log stream: AccessDeniedException: User: arn:aws:sts::000000000000:assumed-role/exec/x is not authorized to perform: logs:CreateLogStream",
    );
    state.refuse = new JsonCallError("ResourceNotFoundException", "The specified log group does not exist.", 400);
    assert.match((await d.open(c))!, /failed to create Cloudwatch log stream: ResourceNotFoundException: The specified log group does not exist\.$/);
    state.refuse = new JsonCallError("ResourceAlreadyExistsException", "The specified log stream already exists", 400);
    assert.equal(await d.open(c), undefined);
    assert.match((await d.open({ ...c, name: "b", definition: { logConfiguration: { logDriver: "awslogs", options: {} } } }))!, /^CannotStartContainerError: Error response from daemon: failed to initialize logging driver: must specify a value for log opt 'awslogs-group'$/);
    const noCreds = driverWith(fl, call);
    assert.match((await noCreds.open(c))!, /no credentials for the task's execution role/);
    await d.close();
  });
});
