// Where a shipper stands in its container's local log, kept in the agent's state dir
// (awslogs/<runtime id>.json) so an agent that restarts resumes after the last stored batch
// instead of sending the log again. Written after each PutLogEvents that succeeded, through a
// rename so a crash leaves the old file or the new one; a crash between the put and the write
// sends that one batch twice, never loses one.
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { LogPosition } from "./batching.js";

export class CursorFiles {
  constructor(readonly dir: string) {}

  #path(runtimeId: string): string {
    return join(this.dir, `${runtimeId.replace(/[^A-Za-z0-9_.-]/g, "_")}.json`);
  }

  async load(runtimeId: string): Promise<LogPosition | undefined> {
    try {
      const v = JSON.parse(await readFile(this.#path(runtimeId), "utf8")) as { t?: unknown; n?: unknown };
      return typeof v.t === "number" && typeof v.n === "number" ? { t: v.t, n: v.n } : undefined;
    } catch {
      return undefined;
    }
  }

  async save(runtimeId: string, at: LogPosition): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const path = this.#path(runtimeId);
    await writeFile(`${path}.tmp`, JSON.stringify(at));
    await rename(`${path}.tmp`, path);
  }

  async remove(runtimeId: string): Promise<void> {
    await rm(this.#path(runtimeId), { force: true });
  }
}
