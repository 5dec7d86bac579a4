// Child processes for ip and iptables: the kernel's own tools, so berth's network set-up is
// what an administrator would type, and `ip -json` gives the observation in a stable format.
import { spawn } from "node:child_process";
import { namespacePath } from "./names.js";

export class CommandError extends Error {
  constructor(
    readonly argv: readonly string[],
    readonly code: number | null,
    readonly stderr: string,
  ) {
    super(`${argv.join(" ")} failed (exit ${code ?? "by signal"}): ${stderr.trim() || "no message"}`);
    this.name = "CommandError";
  }
}

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs argv with `input` on stdin; resolves with the outcome whatever the exit code. */
export function runCommand(argv: readonly string[], input?: string): Promise<CommandResult> {
  const [cmd, ...args] = argv as [string, ...string[]];
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.on("error", () => undefined);
    child.stdin.end(input ?? "");
  });
}

/**
 * argv run inside a task's network namespace. Not `ip netns exec`: that also makes a mount
 * namespace, remounts /sys and binds /etc/netns files, none of which iptables needs; entering
 * only the network namespace takes a third less time per call, and these calls are on a task's
 * launch path.
 */
export function inNamespace(namespace: string, argv: readonly string[]): string[] {
  return ["nsenter", `--net=${namespacePath(namespace)}`, ...argv];
}

/** Runs argv and returns stdout; a non-zero exit throws CommandError. */
export async function mustRun(argv: readonly string[], input?: string): Promise<string> {
  const r = await runCommand(argv, input);
  if (r.code !== 0) throw new CommandError(argv, r.code, r.stderr);
  return r.stdout;
}

/**
 * Several `ip -json` commands in one process: ip prints one JSON array per command, each on its
 * own line (JSON escapes newlines inside strings). Only for commands that always print an array
 * (`addr show`, `route show`), so the lines match the commands one to one.
 */
export async function ipJsonBatch(commands: readonly string[], namespace?: string): Promise<unknown[][]> {
  const argv = ["ip", "-json", ...(namespace ? ["-n", namespace] : []), "-batch", "-"];
  const out = await mustRun(argv, commands.map((c) => `${c}\n`).join(""));
  const lines = out.split("\n").filter((l) => l.trim() !== "");
  if (lines.length !== commands.length) throw new CommandError(argv, 0, `expected ${commands.length} JSON arrays, got ${lines.length}: ${out.slice(0, 200)}`);
  return lines.map((l) => JSON.parse(l) as unknown[]);
}
