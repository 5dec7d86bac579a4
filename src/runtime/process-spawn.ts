// Starting a container's process chain (process-launch.ts) and watching it come up.
import { type ChildProcess, spawn } from "node:child_process";
import type { HostTools } from "./process-launch.js";
import { childPids, processArgv, processInfo } from "./process-table.js";

const START_TIMEOUT_MS = 5000;

export function spawnDetached(
  argv: string[],
  env: Record<string, string>,
  cwd: string,
  out: number,
  err: number,
): Promise<{ child: ChildProcess; exit: Promise<number | null> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0] as string, argv.slice(1), {
      // Its own session: the container neither gets the agent's terminal signals nor dies with it.
      detached: true,
      stdio: ["ignore", out, err],
      env,
      cwd,
    });
    // Listen at once: a quick container's shell can exit before anyone else gets to listen.
    const exit = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
    child.once("error", reject);
    child.once("spawn", () => {
      child.removeListener("error", reject);
      child.unref();
      resolve({ child, exit });
    });
  });
}

export async function waitForCommandExec(pid: number, tools: HostTools, gone: () => boolean): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline && !gone()) {
    const argv = await processArgv(pid);
    if (!argv) return;
    // Right after the fork the child still is a copy of the waiting shell ("berth-wait").
    const inStage = argv[3] === "berth-wait" || argv[3] === "berth-init" || argv[3] === "berth-dns" || argv[3] === "berth-root" || argv[0] === tools.chroot || argv[0] === tools.prlimit || argv[0] === tools.setpriv;
    if (!inStage) return;
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** The waiting shell's only child is the container's init; it appears within milliseconds. */
export async function findInit(waiterPid: number, gone: () => boolean): Promise<{ pid: number; startToken: string } | undefined> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline && !gone()) {
    const [pid] = await childPids(waiterPid);
    if (pid !== undefined) {
      const info = await processInfo(pid);
      if (info) return { pid, startToken: info.startToken };
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  return undefined;
}
