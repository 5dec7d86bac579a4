// One lock per host around every observe → plan → execute: several agents (and tests) share
// the kernel, and a tear-down in one must not plan on a view taken while another is half-way
// through a set-up (it would see a new bridge without ports and remove it). The lock is
// flock(1) on a file in /run/lock, held by a child process until its stdin closes — so it is
// released when the agent releases it, and also when the agent dies (kill -9 closes the pipe).
import { spawn } from "node:child_process";

export const HOST_LOCK_FILE = "/run/lock/berth-network.lock";

/** Resolves once the host lock is held; call the returned function to release it. */
export function acquireHostLock(file = HOST_LOCK_FILE): Promise<() => Promise<void>> {
  return new Promise((resolve, reject) => {
    // The shell's own `read` waits for stdin's end: no third process.
    const child = spawn("flock", ["--exclusive", file, "sh", "-c", "echo locked; read -r _"], { stdio: ["pipe", "pipe", "pipe"] });
    let stderr = "";
    let held = false;
    const exited = new Promise<void>((r) => child.once("exit", () => r()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.once("error", reject);
    child.stdout.on("data", (d: Buffer) => {
      if (held || !d.toString().includes("locked")) return;
      held = true;
      resolve(async () => {
        child.stdin.end();
        await exited;
      });
    });
    child.once("exit", (code) => {
      if (!held) reject(new Error(`could not take the network lock ${file} (flock exit ${code}): ${stderr.trim()}`));
    });
  });
}
