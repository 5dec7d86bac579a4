// What the process runtime keeps per container under its state dir, so that a restarted agent
// finds its containers again: <stateDir>/containers/<id>/container.json, beside the exit file
// the waiting shell writes and the log files (log-recorder.ts).
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { CgroupDirs } from "./cgroups.js";
import type { Isolation } from "./process-launch.js";
import type { ContainerHealth, ContainerSpec, ExitInfo, NetworkBinding } from "./types.js";
import type { ResolvedUser } from "./user-spec.js";

export interface ProcessRecord {
  version: 1;
  id: string;
  spec: ContainerSpec;
  labels: Record<string, string>;
  isolation: Isolation;
  cgroup?: CgroupDirs;
  user?: ResolvedUser;
  networkBindings: NetworkBinding[];
  createdAt: number;
  startedAt?: number;
  /** The waiting shell W (see process-launch.ts) and its start token. */
  waiterPid?: number;
  waiterStart?: string;
  /** The container's init (PID 1 when isolated): stop signals go here. */
  initPid?: number;
  initStart?: string;
  health?: ContainerHealth;
  exit?: ExitInfo;
  /** The cgroup's OOM kill count when the container was last restarted. */
  oomKillsBefore?: number;
}

export function containersDir(stateDir: string): string {
  return join(stateDir, "containers");
}

export function containerDir(stateDir: string, id: string): string {
  return join(containersDir(stateDir), id);
}

export function exitFile(dir: string): string {
  return join(dir, "exit");
}

let tmpSeq = 0;

/** Callers serialize writes per container (ProcessContainer.persist). Secret values are never written. */
export async function writeRecord(dir: string, record: ProcessRecord): Promise<void> {
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `container.json.${process.pid}.${++tmpSeq}.tmp`);
  const { secretEnvironment: _secrets, ...spec } = record.spec;
  await writeFile(tmp, JSON.stringify({ ...record, spec }, null, 1));
  // rename is atomic: a crash leaves the old record or the new one, never half of one.
  await rename(tmp, join(dir, "container.json"));
}

export async function readRecords(stateDir: string): Promise<ProcessRecord[]> {
  const ids = await readdir(containersDir(stateDir)).catch(() => [] as string[]);
  const out: ProcessRecord[] = [];
  for (const id of ids) {
    try {
      const record = JSON.parse(await readFile(join(containerDir(stateDir, id), "container.json"), "utf8")) as ProcessRecord;
      if (record.version === 1 && record.id === id) out.push(record);
    } catch {
      // A directory without a complete record was never created successfully: skip it.
    }
  }
  return out;
}

/** The waiting shell's record of the init's exit status, and when it was written. */
export async function readExitFile(dir: string): Promise<{ code: number; at: number } | undefined> {
  const path = exitFile(dir);
  try {
    const text = await readFile(path, "utf8");
    // "137\n" is written by one write(); without its newline it is not complete yet.
    const m = /^(\d+)\n/.exec(text);
    if (!m) return undefined;
    const { mtimeMs } = await stat(path);
    return { code: Number(m[1]), at: Math.floor(mtimeMs) };
  } catch {
    return undefined;
  }
}

export async function removeContainerDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}
