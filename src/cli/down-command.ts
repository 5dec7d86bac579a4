// `berth down`: stop every task process of a data directory, whether or not berth runs on it.
// Ctrl-C stops `berth up` but leaves its tasks running (the next `berth up` adopts them, as a
// restarted ECS agent does); this is the way to stop them too. A running `berth up` on the
// directory is stopped first (SIGTERM: its normal shutdown), then each agent's state dir
// (agent/, and agent-fargate/ for the Fargate pool) is swept offline: see agent/agent-down.ts.
import { Command, InvalidArgumentError, Option } from "commander";
import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { type AgentDownResult, stopAgentContainers } from "../agent/index.js";
import { detectDocker, isSameProcessAlive, signalProcess } from "../runtime/index.js";
import { CliError } from "./errors.js";
import { runningUp } from "./up-record.js";

/** The state dirs `berth up` gives its agents, under the data directory. */
export const UP_AGENT_DIRS = ["agent", "agent-fargate"] as const;

interface DownFlags {
  dataDir: string;
  timeout: number;
}

function parseSeconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError("a number of seconds above 0");
  return n;
}

export function downCommand(): Command {
  return new Command("down")
    .description("Stop every task of a data directory: a running `berth up` on it, then each task's processes or containers.")
    .addOption(new Option("--data-dir <dir>", "the data directory `berth up` ran on").default("./.berth"))
    .addOption(new Option("--timeout <seconds>", "how long a running `berth up` gets to stop before SIGKILL").default(30).argParser(parseSeconds))
    .addHelpText(
      "after",
      `
Ctrl-C stops \`berth up\` but leaves its tasks running; the next \`berth up\` adopts them.
\`berth down\` stops them: each container gets its stop signal, then SIGKILL after its stop
timeout, and is removed. The next \`berth up\` reports those tasks STOPPED with their exit codes.

Example:
  berth down --data-dir ./.berth
`,
    )
    .action(async (flags: DownFlags) => {
      const dataDir = resolve(flags.dataDir);
      if (!(await stat(dataDir).then((s) => s.isDirectory(), () => false))) {
        process.stdout.write(`nothing to stop: ${dataDir} is not a berth data directory\n`);
        return;
      }
      const up = await runningUp(dataDir);
      if (up) {
        process.stdout.write(`stopping berth up (pid ${up.pid}, ${up.url}) ...\n`);
        if (!(await stopProcess(up.pid, up.startToken, flags.timeout * 1000))) {
          throw new CliError(`berth up (pid ${up.pid}) still runs after SIGKILL; its tasks were left alone`);
        }
      }
      const docker = (await detectDocker({ timeoutMs: 1500 })).available;
      const results: AgentDownResult[] = [];
      for (const dir of UP_AGENT_DIRS) results.push(await stopAgentContainers(resolve(dataDir, dir), { docker }));
      process.stdout.write(downReport(dataDir, results));
      if (results.some((r) => r.containers.some((c) => c.error))) throw new CliError("some containers could not be stopped; see above");
    });
}

/** SIGTERM, then SIGKILL after timeoutMs; true once the process is gone. */
async function stopProcess(pid: number, startToken: string | undefined, timeoutMs: number): Promise<boolean> {
  const gone = async (ms: number) => {
    const deadline = Date.now() + ms;
    for (;;) {
      if (!(await isSameProcessAlive(pid, startToken))) return true;
      if (Date.now() > deadline) return false;
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  signalProcess(pid, "SIGTERM");
  if (await gone(timeoutMs)) return true;
  signalProcess(pid, "SIGKILL");
  return gone(5000);
}

/** What `berth down` prints: a line per container, then the count, pure. */
export function downReport(dataDir: string, results: readonly AgentDownResult[]): string {
  const lines: string[] = [];
  const tasks = new Set<string>();
  for (const r of results) {
    for (const c of r.containers) {
      const task = c.taskArn.slice(c.taskArn.lastIndexOf("/") + 1);
      if (c.error) {
        lines.push(`task ${task} container ${c.containerName}: could not stop it: ${c.error}`);
        continue;
      }
      const how = c.exit ? (c.exit.exitCode === null ? "no exit code" : `exit code ${c.exit.exitCode}`) : "never started";
      // Containers that had exited on their own are only cleaned up: they are not what was stopped.
      if (!c.wasRunning) continue;
      tasks.add(c.taskArn);
      lines.push(`task ${task} container ${c.containerName} (${c.runtime}): stopped, ${how}`);
    }
  }
  const n = tasks.size;
  lines.push(
    n === 0
      ? `no task was running in ${dataDir}`
      : `stopped ${n} task${n === 1 ? "" : "s"} of ${dataDir}; the next \`berth up\` on it reports ${n === 1 ? "it" : "them"} STOPPED`,
  );
  return `${lines.join("\n")}\n`;
}
