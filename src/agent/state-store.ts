// The agent's state dir: who it is (agent.json: the instance id of its identity document and
// its container instance ARN) and what it knows of each task (tasks.journal).
//
// agent.json changes rarely: it is written to a temporary file and renamed over the old one,
// so a kill -9 leaves the previous or the next version, never half of one.
//
// Task records change several times per task, and a busy agent has hundreds of tasks: one file
// each (written, then renamed) cost an open, a write, a rename and a close per change. They go
// to an append-only journal instead, one JSON line per version (`{"t":id,"r":record}`, or
// `{"t":id,"d":1}` once removed); the newest line of a task wins on load. Changes made in one
// turn of the event loop share one write. A kill -9 can at worst tear the last line, which the
// load skips. When the journal has grown well past what it holds live, it is rewritten with one
// line per task, to a temporary file renamed over it.
import { type FileHandle, mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { TaskRecord } from "./task-record.js";

export interface AgentIdentity {
  /** Stable across restarts: the identity document's instanceId. */
  instanceId: string;
  /** Set once registered; a restarted agent re-registers with it. */
  containerInstanceArn?: string;
  clusterArn?: string;
  /** The metadata endpoint's port: containers' URIs name it, so a restart keeps it. */
  metadataPort?: number;
}

/** Rewrite the journal when it is this many times longer than its live lines ... */
const COMPACT_RATIO = 4;
/** ... and at least this long, in characters (small journals are not worth rewriting). */
const COMPACT_MIN_BYTES = 1 << 20;

export class StateStore {
  readonly #journalPath: string;
  #journal: FileHandle | undefined;
  /** Each live task's newest line (without the newline). */
  readonly #lines = new Map<string, string>();
  #liveBytes = 0;
  #fileBytes = 0;
  /** Lines waiting for the next write, in order. */
  #queued: string[] = [];
  #flushScheduled: Promise<void> | undefined;
  /** The chain of writes and compactions: one at a time, in order. */
  #chain: Promise<void> = Promise.resolve();
  #identityWrites: Promise<void> = Promise.resolve();
  #seq = 0;

  constructor(readonly dir: string) {
    this.#journalPath = join(dir, "tasks.journal");
  }

  async open(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await this.#loadJournal();
    await this.#adoptTaskFiles();
    this.#journal = await open(this.#journalPath, "a");
  }

  async loadIdentity(): Promise<AgentIdentity | undefined> {
    const text = await readFile(join(this.dir, "agent.json"), "utf8").catch((e: NodeJS.ErrnoException) => {
      if (e.code === "ENOENT") return undefined;
      throw e;
    });
    if (text === undefined) return undefined;
    const parsed = JSON.parse(text) as AgentIdentity;
    if (typeof parsed.instanceId !== "string" || !parsed.instanceId) {
      throw new Error(`${join(this.dir, "agent.json")} has no instanceId; found ${text.slice(0, 200)}`);
    }
    return parsed;
  }

  saveIdentity(identity: AgentIdentity): Promise<void> {
    const path = join(this.dir, "agent.json");
    const text = JSON.stringify(identity, null, 2);
    this.#identityWrites = this.#identityWrites.then(async () => {
      const tmp = `${path}.${process.pid}.${this.#seq++}.tmp`;
      await writeFile(tmp, text);
      await rename(tmp, path);
    });
    return this.#identityWrites;
  }

  /** The tasks the journal holds, as last saved. */
  async loadTasks(): Promise<TaskRecord[]> {
    const out: TaskRecord[] = [];
    for (const line of this.#lines.values()) {
      const rec = (JSON.parse(line) as { r: TaskRecord }).r;
      if (rec.version === 1 && rec.task?.taskArn) out.push(rec);
    }
    return out;
  }

  /** Resolves once this version of the record is written. */
  saveTask(taskId: string, rec: TaskRecord): Promise<void> {
    return this.#append(taskId, JSON.stringify({ t: taskId, r: rec }), false);
  }

  deleteTask(taskId: string): Promise<void> {
    return this.#append(taskId, JSON.stringify({ t: taskId, d: 1 }), true);
  }

  /** Resolves when every queued write has reached the file (for shutdown). */
  async flush(): Promise<void> {
    await this.#flushScheduled;
    await this.#chain;
    await this.#identityWrites;
  }

  async close(): Promise<void> {
    await this.flush();
    await this.#journal?.close();
    this.#journal = undefined;
  }

  #append(taskId: string, line: string, removed: boolean): Promise<void> {
    const previous = this.#lines.get(taskId);
    if (previous !== undefined) this.#liveBytes -= previous.length + 1;
    if (removed) this.#lines.delete(taskId);
    else {
      this.#lines.set(taskId, line);
      this.#liveBytes += line.length + 1;
    }
    this.#queued.push(line);
    // Everything saved in this turn of the event loop goes out in one write.
    this.#flushScheduled ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      this.#flushScheduled = undefined;
      return this.#enqueueWrite();
    });
    return this.#flushScheduled;
  }

  #enqueueWrite(): Promise<void> {
    const lines = this.#queued;
    this.#queued = [];
    const run = this.#chain.then(async () => {
      const journal = this.#journal;
      if (!journal) throw new Error(`the state store at ${this.dir} is not open`);
      const text = `${lines.join("\n")}\n`;
      await journal.write(text);
      this.#fileBytes += text.length;
      if (this.#fileBytes > COMPACT_MIN_BYTES && this.#fileBytes > COMPACT_RATIO * this.#liveBytes) await this.#compact();
    });
    this.#chain = run.catch(() => {});
    return run;
  }

  /** Rewrites the journal with one line per live task (run on the write chain only). */
  async #compact(): Promise<void> {
    const text = [...this.#lines.values()].map((l) => `${l}\n`).join("");
    const tmp = `${this.#journalPath}.${process.pid}.${this.#seq++}.tmp`;
    await writeFile(tmp, text);
    await rename(tmp, this.#journalPath);
    await this.#journal?.close();
    this.#journal = await open(this.#journalPath, "a");
    this.#fileBytes = text.length;
  }

  async #loadJournal(): Promise<void> {
    let text: string;
    try {
      text = await readFile(this.#journalPath, "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return;
      throw e;
    }
    this.#fileBytes = text.length;
    for (const line of text.split("\n")) {
      if (!line) continue;
      let entry: { t?: unknown; r?: unknown; d?: unknown };
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        continue; // the torn tail of a write cut short by a kill -9
      }
      if (typeof entry.t !== "string") continue;
      const previous = this.#lines.get(entry.t);
      if (previous !== undefined) this.#liveBytes -= previous.length + 1;
      if (entry.d) this.#lines.delete(entry.t);
      else if (entry.r && typeof entry.r === "object") {
        this.#lines.set(entry.t, line);
        this.#liveBytes += line.length + 1;
      }
    }
    // A torn tail must not glue itself to the next line appended.
    if (text.length > 0 && !text.endsWith("\n")) await writeFile(this.#journalPath, "\n", { flag: "a" });
  }

  /** State dirs of earlier versions kept a file per task under tasks/: move them into the journal. */
  async #adoptTaskFiles(): Promise<void> {
    const legacy = join(this.dir, "tasks");
    const exists = await stat(legacy).then(
      (s) => s.isDirectory(),
      () => false,
    );
    if (!exists) return;
    const lines: string[] = [];
    for (const name of (await readdir(legacy)).sort()) {
      if (!name.endsWith(".json")) continue;
      const taskId = name.slice(0, -".json".length);
      if (this.#lines.has(taskId)) continue;
      const rec = JSON.parse(await readFile(join(legacy, name), "utf8")) as TaskRecord;
      const line = JSON.stringify({ t: taskId, r: rec });
      this.#lines.set(taskId, line);
      this.#liveBytes += line.length + 1;
      lines.push(line);
    }
    if (lines.length) await writeFile(this.#journalPath, `${lines.join("\n")}\n`, { flag: "a" });
    await rm(legacy, { recursive: true, force: true });
  }
}
