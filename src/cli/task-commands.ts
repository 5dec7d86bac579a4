// `berth run TASKDEF` (RunTask: a standalone task, placed by the scheduler) and
// `berth stop TASK` (StopTask).
import { RunTaskCommand, StopTaskCommand, type RunTaskCommandInput, type Task } from "@aws-sdk/client-ecs";
import { Command, Option } from "commander";
import { durationArg, wholeNumber } from "./args.js";
import { contextOf, withGlobalFlags, type CliContext } from "./context.js";
import { CliError, ExitCode, usageError } from "./errors.js";
import { shortId, taskDefName } from "./format.js";
import { exitCodes } from "./get-kinds.js";
import { write } from "./output.js";
import { describeTasks, getTask, getTaskDefinition } from "./resources.js";
import { splitWords } from "./words.js";
import { interruptSignal, pollInterval, sleep } from "./watch.js";

function envArg(value: string, previous: { name: string; value: string }[] = []) {
  const i = value.indexOf("=");
  if (i <= 0) throw usageError(`--env takes NAME=VALUE; found ${JSON.stringify(value)}`);
  return [...previous, { name: value.slice(0, i), value: value.slice(i + 1) }];
}

interface RunFlags {
  count: number;
  command?: string;
  container?: string;
  env?: { name: string; value: string }[];
  startedBy?: string;
  group?: string;
  wait?: boolean;
  timeout?: number;
}

/** A task that stopped badly: it never started, or an essential container exited non-zero. */
function failedTask(t: Task): boolean {
  return t.lastStatus === "STOPPED" && (t.stopCode === "TaskFailedToStart" || (t.containers ?? []).some((c) => c.exitCode !== undefined && c.exitCode !== 0));
}

function taskLine(t: Task): string {
  const where = t.containerInstanceArn ? ` on instance ${shortId(t.containerInstanceArn)}` : "";
  const base = `task/${shortId(t.taskArn)} ${t.lastStatus} (${taskDefName(t.taskDefinitionArn)})${where}`;
  if (t.lastStatus !== "STOPPED") return base;
  const codes = exitCodes(t);
  return `${base}: ${t.stoppedReason ?? t.stopCode ?? "stopped"}${codes ? ` (exit code ${codes})` : ""}`;
}

async function waitForTasks(ctx: CliContext, arns: string[], timeoutMs: number | undefined): Promise<Task[]> {
  const deadline = timeoutMs !== undefined ? Date.now() + timeoutMs : Infinity;
  const { signal, dispose } = interruptSignal();
  try {
    for (;;) {
      const tasks = await describeTasks(ctx.ecs, ctx.cluster, arns);
      if (tasks.every((t) => t.lastStatus === "STOPPED")) return tasks;
      if (Date.now() >= deadline) throw new CliError(`tasks still not stopped after the --timeout: ${tasks.map(taskLine).join("; ")}`, ExitCode.timeout);
      await sleep(pollInterval(), signal);
      if (signal.aborted) throw new CliError("stopped waiting; the tasks go on", ExitCode.interrupted);
    }
  } finally {
    dispose();
  }
}

export function runCommand(): Command {
  return withGlobalFlags(
    new Command("run")
      .description("Run a standalone task from a task definition (RunTask).")
      .argument("<taskdef>", "family (latest revision), family:revision or ARN")
      .addOption(new Option("--count <n>", "how many tasks (1-10)").default(1).argParser(wholeNumber("--count", 1, 10)))
      .argument("[command...]", "after --: the command to run instead of the container's")
      .option("--command <line>", "the command to run instead, as one shell-quoted string")
      .option("--container <name>", "which container --command and --env apply to (default: the first)")
      .option("--env <NAME=VALUE>", "set an environment variable (repeatable)", envArg)
      .option("--started-by <text>", "the task's startedBy")
      .option("--group <name>", "the task group (default family:NAME)")
      .option("--wait", "wait until the tasks stop (a job), show how they ended; exit 1 if one failed")
      .addOption(new Option("--timeout <duration>", "with --wait: give up after this long (exit 5)").argParser(durationArg("--timeout")))
      .addHelpText(
        "after",
        `
Examples:
  berth run web --count 2
  berth run migrate --wait -- sh -c "./migrate up"     waits for the end; exit 1 if it failed
  berth run migrate --command "sh -c './migrate up'"    the same, as one string
`,
      ),
  ).action(async (taskdef: string, words: string[], flags: RunFlags, cmd: Command) => {
    const ctx = contextOf(cmd);
    if (flags.command !== undefined && words.length > 0) throw usageError("give the command either with --command or after --, not both");
    const command = flags.command !== undefined ? splitWords(flags.command) : words.length > 0 ? words : undefined;
    const input: RunTaskCommandInput = { cluster: ctx.cluster, taskDefinition: taskdef, count: flags.count };
    if (flags.startedBy) input.startedBy = flags.startedBy;
    if (flags.group) input.group = flags.group;
    if (command || flags.env) {
      const container = flags.container ?? (await getTaskDefinition(ctx.ecs, taskdef)).taskDefinition.containerDefinitions?.[0]?.name;
      if (!container) throw new CliError(`task definition '${taskdef}' has no containers to override`);
      input.overrides = {
        containerOverrides: [{ name: container, ...(command ? { command } : {}), ...(flags.env ? { environment: flags.env } : {}) }],
      };
    }
    const res = await ctx.ecs.send(new RunTaskCommand(input));
    const started = res.tasks ?? [];
    for (const f of res.failures ?? []) {
      process.stderr.write(`could not start a task: ${f.reason}${f.detail ? ` (${f.detail})` : ""}${f.arn ? ` — ${f.arn}` : ""}\n`);
    }
    if (started.length === 0) throw new CliError(`no task of '${taskdef}' started in cluster '${ctx.cluster}' (see the reasons above)`);
    if (!flags.wait) {
      for (const t of started) write(`task/${shortId(t.taskArn)} started (${taskDefName(t.taskDefinitionArn)}, ${t.lastStatus})`);
      return;
    }
    const final = await waitForTasks(ctx, started.map((t) => t.taskArn!), flags.timeout);
    for (const t of final) write(taskLine(t));
    if (final.some(failedTask)) throw new CliError(`${final.filter(failedTask).length} of ${final.length} tasks failed`);
  });
}

export function stopCommand(): Command {
  return withGlobalFlags(
    new Command("stop")
      .description("Stop a task (StopTask); a service's scheduler will replace it.")
      .argument("<task>", "task id, a unique prefix of it, or ARN")
      .option("--reason <text>", "the stoppedReason to record", "Task stopped by berth stop")
      .addHelpText("after", "\nExample:\n  berth stop 3f9c --reason 'testing replacement'\n"),
  ).action(async (id: string, flags: { reason: string }, cmd: Command) => {
    const ctx = contextOf(cmd);
    const task = await getTask(ctx.ecs, ctx.cluster, id);
    if (task.lastStatus === "STOPPED") return write(`task/${shortId(task.taskArn)} already stopped`);
    await ctx.ecs.send(new StopTaskCommand({ cluster: ctx.cluster, task: task.taskArn!, reason: flags.reason }));
    write(`task/${shortId(task.taskArn)} stopping (was ${task.lastStatus})`);
  });
}
