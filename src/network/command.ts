// Child processes for ip and iptables: the kernel's own tools, so berth's network set-up is
// what an administrator would type, and `ip -json` gives the observation in a stable format.
import { spawn } from "node:child_process";

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

/** Runs argv and returns stdout; a non-zero exit throws CommandError. */
export async function mustRun(argv: readonly string[], input?: string): Promise<string> {
  const r = await runCommand(argv, input);
  if (r.code !== 0) throw new CommandError(argv, r.code, r.stderr);
  return r.stdout;
}

/** `ip -json …` parsed; ip prints nothing at all (not `[]`) for some empty lists. */
export async function ipJson<T>(args: readonly string[]): Promise<T[]> {
  const out = await mustRun(["ip", "-json", ...args]);
  return out.trim() ? (JSON.parse(out) as T[]) : [];
}
