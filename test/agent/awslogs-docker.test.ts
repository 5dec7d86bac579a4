// The awslogs log driver with the docker runtime (Docker and the test image): the agent ships
// what Docker's json-file log records, so the same shipper serves both runtimes. A container's
// stdout and stderr lines arrive in its stream in order; without awslogs-stream-prefix the
// stream is the Docker container's id (what Docker's own driver names it on ECS with EC2).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type Cluster, dockerSkipReason, startCluster, TEST_IMAGE as IMAGE, until } from "./harness.js";
import { aws, makeRole, noCli } from "./identity-helpers.js";

const skip = (await dockerSkipReason()) ?? noCli;
if (skip) console.log(`# skipping the docker awslogs test: ${skip}`);

describe("awslogs log driver (docker runtime)", { skip, timeout: 180_000 }, () => {
  let c: Cluster;
  let execRole: string;

  before(async () => {
    c = await startCluster();
    await c.startAgent({ runtime: "docker" });
    execRole = await makeRole(c, "logs-exec", ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]);
  });
  after(async () => {
    await c?.close();
  });

  async function streamEvents(group: string, stream: string): Promise<string[]> {
    const out: string[] = [];
    let token: string | undefined;
    for (;;) {
      const page = await aws(c, "logs", "get-log-events", "--log-group-name", group, "--log-stream-name", stream, "--start-from-head", ...(token ? ["--next-token", token] : []));
      out.push(...(page.events as { message: string }[]).map((e) => e.message));
      if (!page.nextForwardToken || page.nextForwardToken === token) return out;
      token = page.nextForwardToken;
    }
  }

  it("stdout and stderr lines reach the stream named for the container id, in order", async () => {
    const td = await c.registerTaskDefinition(
      "awslogs-docker",
      [{
        name: "app",
        image: IMAGE,
        memory: 64,
        stopTimeout: 2,
        entryPoint: ["sh", "-c"],
        command: ['i=1; while [ $i -le 500 ]; do if [ $((i % 5)) -eq 0 ]; then echo "err $i" >&2; else echo "out $i"; fi; i=$((i+1)); done; exec sleep 300'],
        logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": "/berth/docker", "awslogs-region": "us-east-1", "awslogs-create-group": "true" } },
      }],
      { executionRoleArn: execRole },
    );
    const arn = await c.runTask(td);
    const task = await c.waitTask(arn, "RUNNING", (t) => t.lastStatus === "RUNNING", 60_000);
    const id = task.containers![0]!.runtimeId!;
    assert.match(id, /^[0-9a-f]{64}$/);
    const want = Array.from({ length: 500 }, (_, k) => (k + 1) % 5 === 0 ? `err ${k + 1}` : `out ${k + 1}`);
    const got = await until("500 events", async () => {
      const events = await streamEvents("/berth/docker", id).catch(() => []);
      return new Set(events).size >= 500 ? events : undefined;
    }, 30_000, 500);
    // Docker stamps each line itself (nanoseconds): within one timestamp order is as written,
    // and stdout and stderr interleave as Docker recorded them.
    // Every line, none lost. The shipper is at least once (cursor-file.ts): a batch whose stored
    // answer was lost is sent again, so at most one run of consecutive lines may come twice,
    // each copy at its own line's timestamp.
    const seen = new Map<string, number>();
    for (const l of got) seen.set(l, (seen.get(l) ?? 0) + 1);
    assert.deepEqual([...seen.keys()].sort(), [...want].sort(), "every line");
    const twice = want.map((l, k) => (seen.get(l) === 2 ? k : -1)).filter((k) => k >= 0);
    assert.ok([...seen.values()].every((n) => n <= 2), "no line more than twice");
    assert.ok(twice.length === 0 || twice[twice.length - 1]! - twice[0]! === twice.length - 1, `the lines sent twice are one run: ${twice.length}`);
    const once = (lines: string[]) => lines.filter((l, k) => lines.indexOf(l) === k);
    assert.deepEqual(once(got.filter((l) => l.startsWith("out"))), want.filter((l) => l.startsWith("out")), "stdout in order");
    assert.deepEqual(once(got.filter((l) => l.startsWith("err"))), want.filter((l) => l.startsWith("err")), "stderr in order");
  });
});
