// Which `berth up` runs on a data directory: <data-dir>/berth-up.json names its pid (with the
// process's start time, so a pid reused after a kill -9 is not taken for it) and its endpoint.
// `berth up` writes it once its store is open (SQLite's exclusive lock makes it the only one on
// that directory) and removes it when it stops; `berth down` reads it.
import { readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { isSameProcessAlive, processInfo } from "../runtime/index.js";

export interface UpRecord {
  pid: number;
  /** The process's start-time token (see runtime's process-table.ts). */
  startToken?: string;
  url: string;
  startedAt: string;
}

export function upRecordPath(dataDir: string): string {
  return join(dataDir, "berth-up.json");
}

export async function writeUpRecord(dataDir: string, url: string): Promise<void> {
  const info = await processInfo(process.pid);
  const record: UpRecord = { pid: process.pid, ...(info ? { startToken: info.startToken } : {}), url, startedAt: new Date().toISOString() };
  const path = upRecordPath(dataDir);
  await writeFile(`${path}.tmp`, `${JSON.stringify(record, null, 2)}\n`);
  await rename(`${path}.tmp`, path);
}

/** Removes the record if it is this process's own. */
export async function removeUpRecord(dataDir: string): Promise<void> {
  const record = await readUpRecord(dataDir);
  if (record?.pid === process.pid) await rm(upRecordPath(dataDir), { force: true });
}

export async function readUpRecord(dataDir: string): Promise<UpRecord | undefined> {
  try {
    const parsed = JSON.parse(await readFile(upRecordPath(dataDir), "utf8")) as UpRecord;
    return typeof parsed.pid === "number" ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** The `berth up` that runs on dataDir now, if one does. */
export async function runningUp(dataDir: string): Promise<UpRecord | undefined> {
  const record = await readUpRecord(dataDir);
  if (!record || record.pid === process.pid) return undefined;
  return (await isSameProcessAlive(record.pid, record.startToken)) ? record : undefined;
}
