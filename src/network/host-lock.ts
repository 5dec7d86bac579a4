// One lock per host around every observe → plan → execute: several agents (and tests) share
// the kernel, and a tear-down in one must not plan on a view taken while another is half-way
// through a set-up (it would see a new bridge without ports and remove it). The lock is
// flock(1) on a file in /run/lock, taken on a descriptor that a child shell keeps open until
// its stdin closes — so it is released when the agent releases it, and also when the agent dies
// (kill -9 closes the pipe, the shell exits, the descriptor and its lock go with it).
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";

export const HOST_LOCK_FILE = "/run/lock/berth-network.lock";

// The shell opens the file once and takes or drops the lock per line it reads: a set-up costs
// the shell's fork of flock, not a process started by the agent (tens of ms on a loaded host,
// and the lock comes before everything else). flock(2) locks belong to the open file, so two
// HostLocks (two shells) exclude each other even in one process.
const SCRIPT = `exec 9>>"$1" || exit 1
while read -r cmd; do
  case "$cmd" in
    lock) if flock --exclusive 9; then echo locked; else echo failed; fi ;;
    unlock) if flock --unlock 9; then echo unlocked; else echo failed; fi ;;
  esac
done`;

/** The host lock for one holder (a TaskNetworks); acquire() waits for the previous release. */
export class HostLock {
  #child: ChildProcessWithoutNullStreams | undefined;
  #waiting: { resolve: () => void; reject: (err: Error) => void }[] = [];
  #tail: Promise<void> = Promise.resolve();

  constructor(readonly file = HOST_LOCK_FILE) {}

  /** Resolves once the lock is held; call the returned function to release it. */
  acquire(): Promise<() => Promise<void>> {
    // One shell's descriptor would take its own lock again at once: takers in this process
    // queue here, each behind the previous one's release.
    let released: () => void = () => undefined;
    const previous = this.#tail;
    this.#tail = new Promise<void>((r) => (released = r));
    return previous.then(async () => {
      try {
        await this.#request("lock");
      } catch (err) {
        released();
        throw err;
      }
      return async () => {
        try {
          await this.#request("unlock");
        } finally {
          released();
        }
      };
    });
  }

  /** Ends the shell (and with it any lock it holds). */
  async close(): Promise<void> {
    const child = this.#child;
    if (!child) return;
    this.#child = undefined;
    const exited = new Promise<void>((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.once("exit", () => r())));
    // Held while it ends, or Node could leave before the shell (and its lock) is gone.
    for (const h of [child, child.stdout, child.stderr, child.stdin] as { ref(): void }[]) h.ref();
    child.stdin.end();
    await exited;
  }

  #request(line: "lock" | "unlock"): Promise<void> {
    const child = this.#shell();
    return new Promise<void>((resolve, reject) => {
      this.#waiting.push({ resolve, reject });
      this.#keepAlive(true);
      child.stdin.write(`${line}\n`);
    });
  }

  /** The shell is held (ref'd) only while a request waits: an idle one never keeps Node alive. */
  #keepAlive(on: boolean): void {
    const c = this.#child;
    if (!c) return;
    for (const h of [c, c.stdout, c.stderr, c.stdin] as { ref(): void; unref(): void }[]) (on ? h.ref() : h.unref());
  }

  #shell(): ChildProcessWithoutNullStreams {
    if (this.#child) return this.#child;
    const child = spawn("sh", ["-c", SCRIPT, "berth-network-lock", this.file], { stdio: ["pipe", "pipe", "pipe"] });
    this.#child = child;
    let stderr = "";
    let buffered = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.stdin.on("error", () => undefined);
    child.stdout.on("data", (d: Buffer) => {
      buffered += d.toString();
      let nl: number;
      while ((nl = buffered.indexOf("\n")) >= 0) {
        const answer = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        const next = this.#waiting.shift();
        if (answer === "locked" || answer === "unlocked") next?.resolve();
        else next?.reject(new Error(`the network lock ${this.file} failed: ${stderr.trim() || answer}`));
      }
      if (this.#waiting.length === 0) this.#keepAlive(false);
    });
    const gone = (why: string) => {
      if (this.#child === child) this.#child = undefined;
      for (const w of this.#waiting.splice(0)) w.reject(new Error(`could not take the network lock ${this.file} (${why}): ${stderr.trim()}`));
    };
    child.once("error", (err) => gone(err.message));
    child.once("exit", (code) => gone(`shell exit ${code}`));
    return child;
  }
}

/** One lock taken by its own shell; releasing it ends the shell. */
export async function acquireHostLock(file = HOST_LOCK_FILE): Promise<() => Promise<void>> {
  const lock = new HostLock(file);
  try {
    const release = await lock.acquire();
    return async () => {
      await release();
      await lock.close();
    };
  } catch (err) {
    await lock.close();
    throw err;
  }
}
