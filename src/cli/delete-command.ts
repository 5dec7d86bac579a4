// `berth delete service|taskdef|cluster|task|instance NAME`: each the ECS operation that removes
// it, with what happens next said plainly.
import {
  DeleteClusterCommand,
  DeleteServiceCommand,
  DeregisterContainerInstanceCommand,
  DeregisterTaskDefinitionCommand,
  StopTaskCommand,
} from "@aws-sdk/client-ecs";
import { Command } from "commander";
import { contextOf, withGlobalFlags } from "./context.js";
import { usageError } from "./errors.js";
import { shortId, taskDefName } from "./format.js";
import { write } from "./output.js";
import { getInstance, getService, getTask, getTaskDefinition } from "./resources.js";

const KINDS: Record<string, "service" | "taskdef" | "cluster" | "task" | "instance"> = {
  service: "service",
  svc: "service",
  taskdef: "taskdef",
  td: "taskdef",
  "task-definition": "taskdef",
  cluster: "cluster",
  task: "task",
  instance: "instance",
  ci: "instance",
};

export function deleteCommand(): Command {
  return withGlobalFlags(
    new Command("delete")
      .description("Delete a service, deregister a taskdef revision or instance, delete a cluster, stop a task.")
      .argument("<kind>", "service, taskdef, cluster, task or instance")
      .argument("<names...>", "what to delete (taskdefs as family:revision)")
      .option("--force", "instance: deregister even with tasks running on it")
      .addHelpText(
        "after",
        `
A service is deleted even while it runs tasks (DeleteService with force): it turns DRAINING,
its tasks stop, then it is INACTIVE.

Examples:
  berth delete service web
  berth delete taskdef web:1 web:2
`,
      ),
  ).action(async (kindWord: string, names: string[], flags: { force?: boolean }, cmd: Command) => {
    const kind = KINDS[kindWord.toLowerCase()];
    if (!kind) throw usageError(`cannot delete '${kindWord}'; give service, taskdef, cluster, task or instance`);
    const ctx = contextOf(cmd);
    for (const name of names) {
      switch (kind) {
        case "service": {
          const svc = await getService(ctx.ecs, ctx.cluster, name);
          if (svc.status !== "ACTIVE") {
            write(`service/${name} already ${svc.status}`);
            break;
          }
          await ctx.ecs.send(new DeleteServiceCommand({ cluster: ctx.cluster, service: name, force: true }));
          write(`service/${name} deleted (DRAINING: its ${svc.runningCount ?? 0} running tasks are stopping)`);
          break;
        }
        case "taskdef": {
          if (!/:\d+$/.test(name) && !name.startsWith("arn:")) throw usageError(`name the revision to deregister, e.g. ${name}:1`);
          const { taskDefinition } = await getTaskDefinition(ctx.ecs, name);
          await ctx.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: taskDefinition.taskDefinitionArn! }));
          write(`taskdef/${taskDefName(taskDefinition.taskDefinitionArn)} deregistered (INACTIVE: running tasks keep it, no new ones use it)`);
          break;
        }
        case "cluster":
          await ctx.ecs.send(new DeleteClusterCommand({ cluster: name }));
          write(`cluster/${name} deleted`);
          break;
        case "task": {
          const task = await getTask(ctx.ecs, ctx.cluster, name);
          await ctx.ecs.send(new StopTaskCommand({ cluster: ctx.cluster, task: task.taskArn!, reason: "Task stopped by berth delete" }));
          write(`task/${shortId(task.taskArn)} stopping`);
          break;
        }
        case "instance": {
          const ci = await getInstance(ctx.ecs, ctx.cluster, name);
          await ctx.ecs.send(new DeregisterContainerInstanceCommand({ cluster: ctx.cluster, containerInstance: ci.containerInstanceArn!, force: !!flags.force }));
          write(`instance/${shortId(ci.containerInstanceArn)} deregistered`);
          break;
        }
      }
    }
  });
}
