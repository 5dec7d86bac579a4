import assert from "node:assert/strict";
import { appendFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { LogRecorder } from "./log-recorder.js";
import type { LogLine } from "./types.js";

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function setup() {
  const dir = await mkdtemp(join(tmpdir(), "berth-logs-"));
  dirs.push(dir);
  let now = 1000;
  const clock = { set: (t: number) => (now = t) };
  const recorder = new LogRecorder(dir, () => now);
  return { dir, recorder, clock, write: (stream: "stdout" | "stderr", text: string) => appendFile(join(dir, `${stream}.log`), text) };
}

async function collect(it: AsyncIterable<LogLine>): Promise<LogLine[]> {
  const out: LogLine[] = [];
  for await (const l of it) out.push(l);
  return out;
}

describe("LogRecorder", () => {
  it("records complete lines with the time it saw them and the stream", async () => {
    const { recorder, clock, write } = await setup();
    await write("stdout", "one\ntw");
    await write("stderr", "err\n");
    await recorder.pump();
    clock.set(2000);
    await write("stdout", "o\n");
    await recorder.pump();
    assert.deepEqual(await collect(recorder.read()), [
      { stream: "stdout", timestamp: 1000, line: "one" },
      { stream: "stderr", timestamp: 1000, line: "err" },
      { stream: "stdout", timestamp: 2000, line: "two" },
    ]);
  });

  it("since filters by timestamp; finish() records an unterminated last line", async () => {
    const { recorder, clock, write } = await setup();
    await write("stdout", "early\n");
    await recorder.pump();
    clock.set(5000);
    await write("stdout", "late");
    await recorder.finish();
    assert.deepEqual((await collect(recorder.read({ since: 5000 }))).map((l) => l.line), ["late"]);
  });

  it("a new recorder on the same directory resumes after the saved offsets", async () => {
    const { dir, recorder, write } = await setup();
    await write("stdout", "a\n");
    await recorder.pump();
    await write("stdout", "b\n");
    const again = new LogRecorder(dir, () => 9000);
    await again.pump();
    assert.deepEqual((await collect(again.read())).map((l) => [l.line, l.timestamp]), [["a", 1000], ["b", 9000]]);
  });

  it("splits lines longer than 16 KiB, as Docker does", async () => {
    const { recorder, write } = await setup();
    await write("stdout", "x".repeat(16 * 1024 + 5) + "\n");
    await recorder.pump();
    assert.deepEqual((await collect(recorder.read())).map((l) => l.line.length), [16 * 1024, 5]);
  });

  it("follow yields history, then new lines, and ends when the container finishes", async () => {
    const { recorder, write } = await setup();
    await write("stdout", "first\n");
    const seen: string[] = [];
    const done = (async () => {
      for await (const l of recorder.read({ follow: true })) seen.push(l.line);
    })();
    await new Promise((r) => setTimeout(r, 20));
    await write("stderr", "second\n");
    await recorder.pump();
    await write("stdout", "third");
    await recorder.finish();
    await done;
    assert.deepEqual(seen, ["first", "second", "third"]);
  });

  it("follow stops when its signal aborts", async () => {
    const { recorder } = await setup();
    const abort = new AbortController();
    const done = collect(recorder.read({ follow: true, signal: abort.signal }));
    await new Promise((r) => setTimeout(r, 20));
    abort.abort();
    assert.deepEqual(await done, []);
  });
});
