// `berth logs TASK`: berth does not serve task logs yet (they arrive with the CloudWatch
// Logs-compatible API). Until then the command says so plainly, after checking the task exists,
// and points at what does show where a task died.
import { Command } from "commander";
import { contextOf, withGlobalFlags } from "./context.js";
import { CliError } from "./errors.js";
import { shortId } from "./format.js";
import { getTask } from "./resources.js";

export function logsCommand(): Command {
  return withGlobalFlags(
    new Command("logs")
      .description("Show a task's logs (not available yet: berth does not keep logs so far).")
      .argument("<task>", "task id, a unique prefix of it, or ARN")
      .option("-f, --follow", "keep printing new lines")
      .option("--container <name>", "which container")
      .addHelpText("after", "\nExample:\n  berth logs 3f9c -f\n"),
  ).action(async (id: string, _flags: object, cmd: Command) => {
    const ctx = contextOf(cmd);
    const task = await getTask(ctx.ecs, ctx.cluster, id);
    throw new CliError(
      `berth does not keep task logs yet (they come with its CloudWatch Logs API); ` +
        `'berth describe task ${shortId(task.taskArn)}' shows the stop reason and exit codes`,
    );
  });
}
