// The agent's state dir: who it is (agent.json: the instance id of its identity document and
// its container instance ARN) and one JSON file per task (tasks/<task id>.json). Every write
// goes to a temporary file and is renamed over the old one, so a kill -9 at any moment leaves
// either the previous or the next version, never half of one. Writes of one file are queued in
// order; while one is in progress, later versions collapse into the newest.
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
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

interface PendingWrite {
  /** The newest content not yet written; undefined once taken. */
  next?: string;
  done: Promise<void>;
}

export class StateStore {
  readonly #tasksDir: string;
  readonly #writes = new Map<string, PendingWrite>();
  #seq = 0;

  constructor(readonly dir: string) {
    this.#tasksDir = join(dir, "tasks");
  }

  async open(): Promise<void> {
    await mkdir(this.#tasksDir, { recursive: true });
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
    return this.#write(join(this.dir, "agent.json"), JSON.stringify(identity, null, 2));
  }

  async loadTasks(): Promise<TaskRecord[]> {
    const out: TaskRecord[] = [];
    for (const name of (await readdir(this.#tasksDir)).sort()) {
      if (!name.endsWith(".json")) {
        // A temporary file left by a kill -9 during a write: the renamed version is the truth.
        if (name.endsWith(".tmp")) await rm(join(this.#tasksDir, name), { force: true });
        continue;
      }
      const rec = JSON.parse(await readFile(join(this.#tasksDir, name), "utf8")) as TaskRecord;
      if (rec.version === 1 && rec.task?.taskArn) out.push(rec);
    }
    return out;
  }

  saveTask(taskId: string, rec: TaskRecord): Promise<void> {
    return this.#write(this.#taskPath(taskId), JSON.stringify(rec));
  }

  async deleteTask(taskId: string): Promise<void> {
    const path = this.#taskPath(taskId);
    await this.#writes.get(path)?.done;
    await rm(path, { force: true });
  }

  /** Resolves when every queued write has reached the disk (for shutdown). */
  async flush(): Promise<void> {
    await Promise.all([...this.#writes.values()].map((w) => w.done));
  }

  #taskPath(taskId: string): string {
    if (!/^[A-Za-z0-9_-]+$/.test(taskId)) throw new RangeError(`task id ${JSON.stringify(taskId)} is not a safe file name`);
    return join(this.#tasksDir, `${taskId}.json`);
  }

  #write(path: string, content: string): Promise<void> {
    const pending = this.#writes.get(path);
    if (pending) {
      pending.next = content;
      return pending.done;
    }
    const entry: PendingWrite = { next: content, done: Promise.resolve() };
    entry.done = (async () => {
      try {
        while (entry.next !== undefined) {
          const text = entry.next;
          entry.next = undefined;
          const tmp = `${path}.${process.pid}.${this.#seq++}.tmp`;
          await writeFile(tmp, text);
          await rename(tmp, path);
        }
      } finally {
        this.#writes.delete(path);
      }
    })();
    this.#writes.set(path, entry);
    return entry.done;
  }
}
