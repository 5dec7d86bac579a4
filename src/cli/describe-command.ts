// `berth describe service|task|instance|taskdef NAME`: one object in full, readable; with -o the
// API's own objects.
import { Command, Option } from "commander";
import { wholeNumber } from "./args.js";
import { contextOf, styleOf, withGlobalFlags } from "./context.js";
import { usageError } from "./errors.js";
import { serviceView } from "./describe-service.js";
import { serviceTargetHealth } from "./target-health.js";
import { instanceView, taskDefinitionView, taskView } from "./describe-views.js";
import { formatDocument, outputOption, writeLines } from "./output.js";
import { getInstance, getService, getTask, getTaskDefinition, listTasks } from "./resources.js";
import { failedContainerLogs } from "./task-logs.js";

const KINDS: Record<string, "service" | "task" | "instance" | "taskdef"> = {
  service: "service",
  services: "service",
  svc: "service",
  task: "task",
  tasks: "task",
  instance: "instance",
  instances: "instance",
  ci: "instance",
  containerinstance: "instance",
  taskdef: "taskdef",
  taskdefs: "taskdef",
  td: "taskdef",
  taskdefinition: "taskdef",
  "task-definition": "taskdef",
};

export function describeCommand(): Command {
  return withGlobalFlags(
    new Command("describe")
      .description("Show one service, task, instance or taskdef in detail (a service: events, deployments, tasks).")
      .argument("<kind>", "service, task, instance or taskdef")
      .argument("<name>", "service name, task id (or a unique prefix), instance id, taskdef family[:revision]")
      .addOption(outputOption(["json", "yaml"]))
      .addOption(new Option("--limit <n>", "service: how many events and stopped tasks to show").default(10).argParser(wholeNumber("--limit", 1)))
      .addHelpText(
        "after",
        `
Examples:
  berth describe service web          events, then deployments, then tasks with stop reasons
  berth describe task 3f9c            a task by id prefix: timeline, containers, exit codes
  berth describe taskdef web:3 -o json
`,
      ),
  ).action(async (kindWord: string, name: string, flags: { output?: "json" | "yaml"; limit: number; color?: boolean }, cmd: Command) => {
    const kind = KINDS[kindWord.toLowerCase()];
    if (!kind) throw usageError(`cannot describe '${kindWord}'; give service, task, instance or taskdef`);
    const ctx = contextOf(cmd);
    const style = styleOf(cmd);
    const now = Date.now();
    const out = (doc: unknown, lines: () => string[]) => writeLines(flags.output ? [formatDocument(flags.output, doc).replace(/\n$/, "")] : lines());
    switch (kind) {
      case "service": {
        const service = await getService(ctx.ecs, ctx.cluster, name);
        const tasks = await listTasks(ctx.ecs, ctx.cluster, { serviceName: service.serviceName!, desired: "ANY" });
        const targetGroups = await serviceTargetHealth(ctx, service);
        return out({ service, tasks, ...(targetGroups.length ? { targetGroups } : {}) }, () => serviceView({ service, tasks, now, limit: flags.limit, targetGroups }, style));
      }
      case "task": {
        const task = await getTask(ctx.ecs, ctx.cluster, name);
        const failedLogs = flags.output ? undefined : await failedContainerLogs(ctx, task);
        return out(task, () => taskView(task, now, style, failedLogs));
      }
      case "instance": {
        const ci = await getInstance(ctx.ecs, ctx.cluster, name);
        const tasks = await listTasks(ctx.ecs, ctx.cluster, { containerInstance: ci.containerInstanceArn! });
        return out(ci, () => instanceView(ci, tasks, now, style));
      }
      case "taskdef": {
        const { taskDefinition, tags } = await getTaskDefinition(ctx.ecs, name);
        return out({ taskDefinition, tags }, () => taskDefinitionView(taskDefinition, tags, now, style));
      }
    }
  });
}
