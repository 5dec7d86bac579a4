// What the process runtime needs to know about host processes: parents, process groups, start
// times (a pid plus its start time names one process even after pids wrap), CPU and memory.
// Linux reads /proc; elsewhere `ps` answers the same questions more coarsely.
import { execFile } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

export interface ProcInfo {
  pid: number;
  ppid: number;
  pgid: number;
  /** One-letter state; "Z" is a zombie (exited, not yet reaped). */
  state: string;
  /** Opaque start-time token: equal tokens ⇒ the same process. */
  startToken: string;
  /** CPU time in nanoseconds, user and system. */
  userNs: number;
  systemNs: number;
  rssBytes: number;
}

/** Linux's USER_HZ, the unit of utime/stime in /proc/<pid>/stat (100 on every mainstream arch). */
const TICK_NS = 10_000_000;
const PAGE_BYTES = 4096;

/** Parses /proc/<pid>/stat; the command name may hold spaces and parentheses, so fields are counted after the last ')'. */
export function parseProcStat(text: string): ProcInfo | undefined {
  const close = text.lastIndexOf(")");
  const open = text.indexOf("(");
  if (close < 0 || open < 0) return undefined;
  const pid = Number(text.slice(0, open).trim());
  // After ")": field 3 (state) is index 0.
  const f = text.slice(close + 2).trim().split(/\s+/);
  const field = (n: number) => f[n - 3] ?? "0";
  return {
    pid,
    ppid: Number(field(4)),
    pgid: Number(field(5)),
    state: field(3),
    startToken: field(22),
    userNs: Number(field(14)) * TICK_NS,
    systemNs: Number(field(15)) * TICK_NS,
    rssBytes: Number(field(24)) * PAGE_BYTES,
  };
}

async function readProc(pid: number): Promise<ProcInfo | undefined> {
  try {
    return parseProcStat(await readFile(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return undefined;
  }
}

// `ps -o lstart` has one-second resolution: good enough to tell a reused pid apart.
async function psList(pids?: number[]): Promise<ProcInfo[]> {
  const args = ["-o", "pid=,ppid=,pgid=,state=,rss=,time=,lstart="];
  if (pids) args.unshift("-p", pids.join(","));
  else args.unshift("-A");
  let stdout = "";
  try {
    ({ stdout } = await execFileAsync("ps", args));
  } catch (e) {
    stdout = (e as { stdout?: string }).stdout ?? "";
  }
  const out: ProcInfo[] = [];
  for (const line of stdout.split("\n")) {
    const m = /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(\S+)\s+(\d+)\s+(\S+)\s+(.+)$/.exec(line);
    if (!m) continue;
    const [, pid, ppid, pgid, state, rss, time, lstart] = m as unknown as string[];
    const parts = (time ?? "0").split(/[-:]/).map(Number);
    let seconds = 0;
    for (const p of parts) seconds = seconds * 60 + p;
    out.push({
      pid: Number(pid),
      ppid: Number(ppid),
      pgid: Number(pgid),
      state: (state ?? "?").slice(0, 1),
      startToken: (lstart ?? "").trim(),
      userNs: seconds * 1e9,
      systemNs: 0,
      rssBytes: Number(rss) * 1024,
    });
  }
  return out;
}

export async function processInfo(pid: number): Promise<ProcInfo | undefined> {
  if (process.platform === "linux") return readProc(pid);
  return (await psList([pid]))[0];
}

export async function listProcesses(): Promise<ProcInfo[]> {
  if (process.platform !== "linux") return psList();
  const names = await readdir("/proc").catch(() => [] as string[]);
  const infos = await Promise.all(names.filter((n) => /^\d+$/.test(n)).map((n) => readProc(Number(n))));
  return infos.filter((i): i is ProcInfo => i !== undefined);
}

/** True when `pid` still runs and is the process that had `startToken`. Zombies count as gone. */
export async function isSameProcessAlive(pid: number, startToken: string | undefined): Promise<boolean> {
  const info = await processInfo(pid);
  if (!info || info.state === "Z") return false;
  return startToken === undefined || info.startToken === startToken;
}

export async function childPids(pid: number): Promise<number[]> {
  if (process.platform === "linux") {
    try {
      const text = await readFile(`/proc/${pid}/task/${pid}/children`, "utf8");
      return text.split(/\s+/).filter(Boolean).map(Number);
    } catch {
      // Kernels without CONFIG_PROC_CHILDREN: scan.
    }
  }
  return (await listProcesses()).filter((p) => p.ppid === pid).map((p) => p.pid);
}

/** Sends a signal, ignoring "no such process". */
export function signalProcess(pid: number, signal: NodeJS.Signals | number): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ESRCH") return false;
    throw e;
  }
}

/** argv of a process (Linux); undefined when gone or unknown. */
export async function processArgv(pid: number): Promise<string[] | undefined> {
  if (process.platform !== "linux") return undefined;
  try {
    const text = await readFile(`/proc/${pid}/cmdline`, "utf8");
    return text.split("\0").slice(0, -1);
  } catch {
    return undefined;
  }
}
