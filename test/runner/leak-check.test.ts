// The test runner's leak check (scripts/leak-check.mjs): the pure selection as a table, and the
// runner itself run on a fixture that leaves a real task process and a child process behind.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import Docker from "dockerode";
import { findLeaks, type ProcEntry } from "../../scripts/leak-check.mjs";
import { dockerConnection } from "../../src/runtime/index.js";
import { dockerSkipReason, TEST_IMAGE } from "../agent/harness.js";

const ROOT = "/tmp/berth-suite-x";
const ID = "abc";
const p = (pid: number, ppid: number, pgid: number, argv: string[], env: string[] = [], state = "S"): ProcEntry => ({ pid, ppid, pgid, state, argv, env });
// 10 shell → 11 npm → 12 runner (group 10); the run's marks are ROOT and BERTH_TEST_SUITE=abc.
const base = [p(1, 0, 1, ["init"]), p(10, 1, 10, ["bash"]), p(11, 10, 10, ["npm", "test"]), p(12, 11, 10, ["node", "scripts/test.mjs"])];

describe("findLeaks", () => {
  const cases: { name: string; extra: ProcEntry[]; leaked: number[] }[] = [
    { name: "nothing left", extra: [], leaked: [] },
    {
      name: "a waiting shell naming the root, its init and command in its group",
      extra: [
        p(20, 1, 20, ["sh", "-c", "...", "berth-wait", `${ROOT}/berth-agent-1/runtime/containers/x/exit`, "group"]),
        p(21, 20, 20, ["sleep", "600"]),
        p(22, 1, 20, ["sleep", "1"]),
      ],
      leaked: [20, 21, 22],
    },
    { name: "a server spawned with the run's environment, and its child", extra: [p(30, 1, 10, ["node", "berth.js"], ["BERTH_TEST_SUITE=abc"]), p(31, 30, 10, ["sh"])], leaked: [30, 31] },
    { name: "another run's processes", extra: [p(40, 1, 40, ["sh", "/tmp/berth-suite-y/exit"], ["BERTH_TEST_SUITE=zzz"])], leaked: [] },
    { name: "a zombie", extra: [p(50, 1, 50, ["sh", `${ROOT}/exit`], [], "Z")], leaked: [] },
    // A marked process in the runner's own group must not drag the shell, npm or the runner in.
    { name: "the runner's group is spared", extra: [p(60, 12, 10, ["node", "--test"], ["BERTH_TEST_SUITE=abc"])], leaked: [60] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const found = findLeaks([...base, ...c.extra], { id: ID, root: ROOT, self: 12 }).map((x) => x.pid);
      assert.deepEqual(found.sort((a, b) => a - b), c.leaked);
    });
  }
});

const dockerSkip = await dockerSkipReason();
const IMAGE = TEST_IMAGE;

const RUNNER = fileURLToPath(new URL("../../scripts/test.mjs", import.meta.url));
const FIXTURE = "scripts/test-fixtures/leaks-a-task.test.ts";
const REPO = fileURLToPath(new URL("../..", import.meta.url));

function runRunner(env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    // Without NODE_TEST_CONTEXT, the inner node --test reports as a run of its own, not as this one's subtest.
    const { NODE_TEST_CONTEXT: _, ...outer } = process.env;
    const child = spawn(process.execPath, [RUNNER, FIXTURE], { cwd: REPO, env: { ...outer, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, out }));
  });
}

function alive(pid: number): boolean {
  try {
    const state = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.[0];
    return state !== "Z";
  } catch {
    return false;
  }
}

describe("scripts/test.mjs", { skip: process.platform !== "linux" ? "reads /proc (Linux only)" : false }, () => {
  it("fails the run, names and kills a task process and a child process a test left running", async (t) => {
    const dir = mkdtempSync(join(tmpdir(), "berth-leak-runner-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const pidsFile = join(dir, "pids.json");
    const r = await runRunner({ BERTH_LEAK_FIXTURE_PIDS: pidsFile });
    const pids = JSON.parse(readFileSync(pidsFile, "utf8")) as { task: number; child: number };
    // Should the check fail, the outer run's own check still finds these (same TMPDIR root).
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /process\(es\) the tests started outlived them/);
    assert.match(r.out, new RegExp(`pid ${pids.task} \\(.*\\): sleep 600`));
    assert.match(r.out, new RegExp(`pid ${pids.child} \\(.*\\): sleep 600`));
    assert.match(r.out, /berth-wait/);
    assert.equal(alive(pids.task), false, "the task process was killed");
    assert.equal(alive(pids.child), false, "the child process was killed");
  });

  it("fails the run, names and removes a Docker container of an agent whose state dir it made", { skip: dockerSkip ?? false }, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), "berth-leak-runner-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const pidsFile = join(dir, "pids.json");
    const r = await runRunner({ BERTH_LEAK_FIXTURE_PIDS: pidsFile, BERTH_LEAK_FIXTURE_DOCKER: IMAGE });
    const { container } = JSON.parse(readFileSync(pidsFile, "utf8")) as { container: string };
    const docker = new Docker(dockerConnection().options);
    // Should the check fail, remove the container here: this test must not leak it either.
    t.after(() => docker.getContainer(container).remove({ force: true }).catch(() => undefined));
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, new RegExp(`1 Docker container\\(s\\) of the tests' agents outlived them:\n {2}docker container ${container.slice(0, 12)} `));
    await assert.rejects(docker.getContainer(container).inspect(), /no such container/i, "the container was removed");
  });

  it("passes a run whose tests stop what they start", async (t) => {
    const dir = mkdtempSync(join(tmpdir(), "berth-leak-runner-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const r = await runRunner({ BERTH_LEAK_FIXTURE_PIDS: join(dir, "pids.json"), BERTH_LEAK_FIXTURE_CLEAN: "1" });
    assert.equal(r.code, 0, r.out);
    assert.doesNotMatch(r.out, /outlived/);
  });
});
