// What tests driving the real AWS CLI and boto3 share: test credentials in the environment, a
// reason to skip when a tool is not installed here, and `run`, which runs a command as execFile
// does — except `aws`, which goes to a warm AWS CLI (aws-cli-worker.py: awscli's own driver in
// a long-lived Python, about 20× cheaper a call than a new `aws` process, the same code path
// from the command line to the HTTP request). BERTH_TEST_AWS_PROCESS=1 spawns `aws` per call.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const execFileP = promisify(execFile);

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  timeout?: number;
}

export interface RunResult {
  stdout: string;
  stderr: string;
}

/** execFile's promise; `aws` runs in a warm worker, with the same result and error shapes. */
export async function run(cmd: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  if (cmd !== "aws" || options.timeout !== undefined || process.env.BERTH_TEST_AWS_PROCESS === "1" || !existsSync(WORKER)) {
    const { stdout, stderr } = await execFileP(cmd, args, { ...options, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    return { stdout, stderr };
  }
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(options.env ?? process.env)) if (v !== undefined) env[k] = v;
  const answer = await pool.call({ args: [...args], env, cwd: options.cwd ?? process.cwd() });
  if (answer.rc === 0) return { stdout: answer.stdout, stderr: answer.stderr };
  // As execFile rejects: the exit code in `code`, the output on the error, stderr in the message.
  const err = new Error(`Command failed: aws ${args.join(" ")}\n${answer.stderr}`) as Error & RunResult & { code: number };
  Object.assign(err, { code: answer.rc, stdout: answer.stdout, stderr: answer.stderr });
  throw err;
}

/** The environment the CLI and boto3 read: test credentials, us-east-1, no pager. */
export const AWS_ENV = { AWS_ACCESS_KEY_ID: "AKIDTEST", AWS_SECRET_ACCESS_KEY: "secret", AWS_DEFAULT_REGION: "us-east-1", AWS_PAGER: "" };

/** Why a tool cannot run here (for a test's `skip`), or undefined when it runs. */
export async function missingTool(cmd: string, args: string[]): Promise<string | undefined> {
  try {
    await run(cmd, args);
    return undefined;
  } catch (err) {
    return `${cmd} ${args.join(" ")} fails here (${(err as Error).message.split("\n")[0]})`;
  }
}

const WORKER = fileURLToPath(new URL("./aws-cli-worker.py", import.meta.url));

interface Request {
  args: string[];
  env: Record<string, string>;
  cwd: string;
}
interface Answer {
  rc: number;
  stdout: string;
  stderr: string;
}

/** One Python process running one command at a time; the pool grows to run several at once. */
class Worker {
  readonly #child: ChildProcess;
  #pending: { resolve: (a: Answer) => void; reject: (e: Error) => void } | undefined;
  #dead: Error | undefined;

  constructor(onIdle: (w: Worker) => void, onDead: (w: Worker) => void) {
    // stdout is ignored: answers come on fd 3, so a stray write of the CLI's cannot corrupt them.
    this.#child = spawn("python3", ["-u", WORKER], { stdio: ["pipe", "ignore", "inherit", "pipe"] });
    const lines = createInterface({ input: this.#child.stdio[3] as NodeJS.ReadableStream });
    lines.on("line", (line) => {
      const p = this.#pending;
      this.#pending = undefined;
      this.#idle();
      p?.resolve(JSON.parse(line) as Answer);
      onIdle(this);
    });
    const fail = (why: Error) => {
      if (this.#dead) return;
      this.#dead = why;
      onDead(this);
      this.#pending?.reject(why);
      this.#pending = undefined;
    };
    this.#child.on("error", fail);
    this.#child.on("exit", (code, signal) => fail(new Error(`the AWS CLI worker exited (${signal ?? code})`)));
    this.#idle();
  }

  get busy(): boolean {
    return this.#pending !== undefined;
  }

  call(req: Request): Promise<Answer> {
    if (this.#dead) return Promise.reject(this.#dead);
    this.#busy();
    return new Promise((resolve, reject) => {
      this.#pending = { resolve, reject };
      this.#child.stdin!.write(JSON.stringify(req) + "\n");
    });
  }

  // An idle worker must not keep the test process alive: it ends on its own when stdin closes.
  #idle() {
    this.#child.unref();
    for (const s of [this.#child.stdin, this.#child.stdio[3]]) (s as unknown as { unref?: () => void } | null)?.unref?.();
  }
  #busy() {
    this.#child.ref();
    for (const s of [this.#child.stdin, this.#child.stdio[3]]) (s as unknown as { ref?: () => void } | null)?.ref?.();
  }
}

const MAX_WORKERS = 4;

class Pool {
  readonly #workers: Worker[] = [];
  readonly #queue: { req: Request; resolve: (a: Answer) => void; reject: (e: Error) => void }[] = [];

  call(req: Request): Promise<Answer> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ req, resolve, reject });
      this.#dispatch();
    });
  }

  #dispatch() {
    while (this.#queue.length) {
      let w = this.#workers.find((x) => !x.busy);
      if (!w && this.#workers.length < MAX_WORKERS) {
        w = new Worker(
          () => this.#dispatch(),
          (dead) => this.#workers.splice(this.#workers.indexOf(dead), 1),
        );
        this.#workers.push(w);
      }
      if (!w) return;
      const job = this.#queue.shift()!;
      w.call(job.req).then(job.resolve, job.reject);
    }
  }
}

const pool = new Pool();
