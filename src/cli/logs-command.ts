// `berth logs TASK|SERVICE`: the containers' stdout and stderr, read by the agent that keeps
// them and served through the control plane (Berth_20261128.GetTaskLogs), so only the API's
// port is needed. Like `docker logs`, a container's stdout goes to stdout and its stderr to
// stderr. A service shows its running tasks' lines, each prefixed with task/container, as
// `docker compose logs` does; following a service picks up tasks that start later.
import { DescribeServicesCommand, ListTasksCommand, type Service, type Task } from "@aws-sdk/client-ecs";
import { Command, Option } from "commander";
import { wholeNumber } from "./args.js";
import { contextOf, type CliContext, withGlobalFlags } from "./context.js";
import { CliError, usageError } from "./errors.js";
import { parseSince } from "./logs-since.js";
import { getTask, mapLimit } from "./resources.js";
import { allTaskLogs, formatLogLine, type LogQuery, type TaskLogEvent, taskLogPages } from "./task-logs.js";
import { pollInterval, sleep } from "./watch.js";

interface LogsFlags {
  container?: string;
  follow?: boolean;
  since?: string;
  tail?: number;
  timestamps?: boolean;
}

export function logsCommand(): Command {
  return withGlobalFlags(
    new Command("logs")
      .description("Print the logs of a task's containers, or of a service's running tasks.")
      .argument("<task|service>", "task id (or a unique prefix, or ARN), or a service name; task/ID and service/NAME say which")
      .option("-c, --container <name>", "only this container")
      .option("-f, --follow", "keep printing new lines (a task: until its containers exit; a service: until Ctrl-C)")
      .option("--since <duration|time>", "only lines from this long ago (10s, 5m, 1h) or since this time (2026-03-01T12:00:00Z)")
      .addOption(new Option("--tail <n>", "only the last N lines of each container (then new ones with -f)").argParser(wholeNumber("--tail", 0)))
      .option("-t, --timestamps", "show when each line was recorded")
      .addHelpText(
        "after",
        `
Examples:
  berth logs 3f9c                  a task's lines (stdout to stdout, stderr to stderr)
  berth logs 3f9c -c app --tail 20 the last 20 lines of one container
  berth logs 3f9c -f               follow until the task's containers exit
  berth logs web --since 10m -f    a service: every running task, prefixed task/container
`,
      ),
  ).action(async (name: string, flags: LogsFlags, cmd: Command) => {
    const ctx = contextOf(cmd);
    let since: number | undefined;
    if (flags.since !== undefined) {
      since = parseSince(flags.since, Date.now());
      if (since === undefined) throw usageError(`--since takes a duration like 10s, 5m or 1h, or a time like 2026-03-01T12:00:00Z; found ${JSON.stringify(flags.since)}`);
    }
    const query: LogQuery = {
      follow: !!flags.follow,
      ...(flags.container !== undefined ? { containers: [flags.container] } : {}),
      ...(since !== undefined ? { since } : {}),
      ...(flags.tail !== undefined ? { tail: flags.tail } : {}),
    };
    const target = await resolveTarget(ctx, name);
    if (target.kind === "task") {
      checkContainer(target.task, flags.container);
      const several = flags.container === undefined && (target.task.containers?.length ?? 0) > 1;
      await printTask(ctx, target.task.taskArn!, query, (e) => (several ? e.container : undefined), !!flags.timestamps);
      return;
    }
    await printService(ctx, target.service, query, !!flags.timestamps);
  });
}

type Target = { kind: "task"; task: Task } | { kind: "service"; service: Service };

/**
 * TASK or SERVICE: `task/ID` and `service/NAME` (as berth prints them) and ARNs say which; a
 * bare word that could be a task id (hex) is a task first, anything else a service first.
 */
async function resolveTarget(ctx: CliContext, name: string): Promise<Target> {
  const explicit = /^(task|service|svc)\/(.+)$/.exec(name);
  if (explicit) return explicit[1] === "task" ? task(explicit[2]!) : service(explicit[2]!, true);
  if (name.startsWith("arn:")) return /:task\//.test(name) ? task(name) : service(name, true);
  if (/^[0-9a-f]{1,32}$/.test(name)) {
    try {
      return await task(name);
    } catch (err) {
      if (!(err instanceof CliError)) throw err;
      const svc = await findService(ctx, name);
      if (svc) return { kind: "service", service: svc };
      throw err;
    }
  }
  return service(name, false);

  async function task(id: string): Promise<Target> {
    return { kind: "task", task: await getTask(ctx.ecs, ctx.cluster, id) };
  }
  async function service(svcName: string, only: boolean): Promise<Target> {
    const svc = await findService(ctx, svcName);
    if (svc) return { kind: "service", service: svc };
    if (only) throw new CliError(`service '${svcName}' not found in cluster '${ctx.cluster}'; list services with 'berth get services'`);
    try {
      return await task(svcName);
    } catch (err) {
      if (!(err instanceof CliError)) throw err;
      throw new CliError(`no task or service '${svcName}' in cluster '${ctx.cluster}'; list them with 'berth get tasks' or 'berth get services'`);
    }
  }
}

async function findService(ctx: CliContext, name: string): Promise<Service | undefined> {
  const res = await ctx.ecs.send(new DescribeServicesCommand({ cluster: ctx.cluster, services: [name] }));
  const svc = res.services?.[0];
  return svc && svc.status !== "INACTIVE" ? svc : undefined;
}

function checkContainer(task: Task, container: string | undefined): void {
  if (container === undefined) return;
  const names = (task.containers ?? []).map((c) => c.name ?? "");
  if (!names.includes(container)) {
    throw new CliError(`task ${task.taskArn?.split("/").pop()} has no container '${container}'; its containers: ${names.join(", ")}`);
  }
}

function emit(e: TaskLogEvent, prefix: string | undefined, timestamps: boolean): void {
  const out = e.stream === "stderr" ? process.stderr : process.stdout;
  out.write(`${formatLogLine(e, prefix, timestamps)}\n`);
}

function noteMissing(taskArn: string, missing: { container: string; reason: string }[] | undefined, told: Set<string>): void {
  for (const m of missing ?? []) {
    const key = `${taskArn} ${m.container}`;
    if (told.has(key)) continue;
    told.add(key);
    process.stderr.write(`berth: container '${m.container}' of task ${taskArn.split("/").pop()} has no log: ${m.reason}\n`);
  }
}

async function printTask(ctx: CliContext, taskArn: string, q: LogQuery, prefix: (e: TaskLogEvent) => string | undefined, timestamps: boolean): Promise<void> {
  const told = new Set<string>();
  for await (const page of taskLogPages(ctx, taskArn, q)) {
    for (const e of page.events ?? []) emit(e, prefix(e), timestamps);
    noteMissing(taskArn, page.missing, told);
  }
}

const taskPrefix = (taskArn: string) => (e: TaskLogEvent) => `${taskArn.split("/").pop()!.slice(0, 8)}/${e.container}`;

async function runningTaskArns(ctx: CliContext, serviceName: string): Promise<string[]> {
  const arns: string[] = [];
  let nextToken: string | undefined;
  do {
    const res = await ctx.ecs.send(new ListTasksCommand({ cluster: ctx.cluster, serviceName, desiredStatus: "RUNNING", ...(nextToken ? { nextToken } : {}) }));
    arns.push(...(res.taskArns ?? []));
    nextToken = res.nextToken;
  } while (nextToken);
  return arns;
}

async function printService(ctx: CliContext, svc: Service, q: LogQuery, timestamps: boolean): Promise<void> {
  const name = svc.serviceName!;
  const arns = await runningTaskArns(ctx, name);
  if (!q.follow) {
    if (arns.length === 0) process.stderr.write(`berth: service '${name}' has no running tasks\n`);
    // History of every task, merged by time: one timeline, as `docker compose logs` prints it.
    const told = new Set<string>();
    const all = await mapLimit(arns, 4, async (arn) => ({ arn, ...(await allTaskLogs(ctx, arn, q)) }));
    const lines = all.flatMap(({ arn, events, missing }) => {
      noteMissing(arn, missing, told);
      return events.map((e) => ({ e, prefix: taskPrefix(arn)(e) }));
    });
    lines.sort((a, b) => a.e.timestamp - b.e.timestamp);
    for (const { e, prefix } of lines) emit(e, prefix, timestamps);
    return;
  }
  // Following: one follower per task, and new tasks joined as the service starts them (their
  // lines from the start, all of them new); it runs until interrupted.
  const followed = new Set<string>();
  let fail!: (err: unknown) => void;
  const failure = new Promise<never>((_, reject) => (fail = reject));
  failure.catch(() => undefined);
  const follow = (arn: string, query: LogQuery) => {
    followed.add(arn);
    printTask(ctx, arn, query, taskPrefix(arn), timestamps).catch(fail);
  };
  for (const arn of arns) follow(arn, q);
  const { tail: _tail, ...later } = q;
  const interval = Math.max(pollInterval(), 1000);
  for (;;) {
    await Promise.race([sleep(interval), failure]);
    for (const arn of await runningTaskArns(ctx, name)) if (!followed.has(arn)) follow(arn, later);
  }
}
