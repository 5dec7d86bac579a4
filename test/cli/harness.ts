// Runs the `berth` CLI as a subprocess, as a person's shell does, against a server the test
// started; and writes the little JSON files `apply` reads.
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BERTH_BIN } from "../helpers/process.js";

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string>;
  stdin?: string;
  timeoutMs?: number;
}

/** `berth ARGS` with BERTH_ENDPOINT pointed at `endpoint` (unless the env says otherwise). */
export function berth(endpoint: string, args: readonly string[], o: RunOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BERTH_BIN, ...args], {
      stdio: ["pipe", "pipe", "pipe"],
      env: {
        ...process.env,
        BERTH_ENDPOINT: endpoint,
        BERTH_WATCH_INTERVAL_MS: "250",
        NO_COLOR: "1",
        AWS_ACCESS_KEY_ID: "",
        AWS_SECRET_ACCESS_KEY: "",
        AWS_PROFILE: "",
        ...o.env,
      },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`berth ${args.join(" ")} did not finish in ${o.timeoutMs ?? 60_000} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, o.timeoutMs ?? 60_000);
    child.once("error", reject);
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(o.stdin ?? "");
  });
}

/** Writes `files` (name → JSON value or text) into `dir`. */
export function writeFiles(dir: string, files: Record<string, unknown>): string {
  mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(join(dir, name), typeof content === "string" ? content : JSON.stringify(content, null, 2));
  }
  return dir;
}

/** A task definition whose task runs `script` in sh, healthy within seconds by its health check. */
export function shellTaskDefinition(family: string, script: string) {
  return {
    family,
    containerDefinitions: [
      {
        name: "app",
        image: "busybox",
        cpu: 64,
        memory: 32,
        entryPoint: ["sh", "-c"],
        command: [script],
        healthCheck: { command: ["CMD-SHELL", "true"], interval: 5, timeout: 2, retries: 2 },
        stopTimeout: 2,
      },
    ],
  };
}

/** An error line: one line on stderr, starting "error: ". */
export function oneErrorLine(r: CliResult): string {
  const lines = r.stderr.trimEnd().split("\n");
  if (lines.length !== 1 || !lines[0]!.startsWith("error: ")) throw new Error(`expected one error line, got: ${JSON.stringify(r.stderr)}`);
  return lines[0]!;
}
