// `berth scale SERVICE N` and `berth deploy SERVICE --image IMAGE`: the two changes people make
// to a running service most often.
import { RegisterTaskDefinitionCommand, UpdateServiceCommand } from "@aws-sdk/client-ecs";
import { Command, Option } from "commander";
import { durationArg, wholeNumber } from "./args.js";
import { contextOf, styleOf, withGlobalFlags } from "./context.js";
import { CliError, usageError } from "./errors.js";
import { taskDefName } from "./format.js";
import { write } from "./output.js";
import { getService, getTaskDefinition } from "./resources.js";
import { followRollout } from "./rollout-command.js";
import { primaryOf } from "./rollout-progress.js";
import { registerInputFrom, withImage } from "./taskdef-input.js";
import { pollInterval } from "./watch.js";

export function scaleCommand(): Command {
  return withGlobalFlags(
    new Command("scale")
      .description("Set a service's desired count (its desiredCount).")
      .argument("<service>", "the service")
      .argument("<count>", "how many tasks it should run", wholeNumber("the count", 0))
      .addHelpText("after", "\nExample:\n  berth scale web 4\n"),
  ).action(async (name: string, desired: number, _flags: object, cmd: Command) => {
    const ctx = contextOf(cmd);
    const before = await getService(ctx.ecs, ctx.cluster, name);
    await ctx.ecs.send(new UpdateServiceCommand({ cluster: ctx.cluster, service: name, desiredCount: desired }));
    write(
      before.desiredCount === desired
        ? `service/${name} unchanged: desired count already ${desired}`
        : `service/${name} scaled: desired count ${before.desiredCount} → ${desired}`,
    );
  });
}

interface DeployFlags {
  image: string;
  container?: string;
  wait?: boolean;
  timeout?: number;
  color?: boolean;
}

export function deployCommand(): Command {
  return withGlobalFlags(
    new Command("deploy")
      .description("Deploy a new image: register the next taskdef revision with it, update the service.")
      .argument("<service>", "the service")
      .requiredOption("--image <image>", "the new image")
      .option("--container <name>", "which container gets it (needed when the task has several)")
      .option("--wait", "follow the rollout until it completes or fails (as 'rollout status')")
      .addOption(new Option("--timeout <duration>", "with --wait: give up after this long (exit 5)").argParser(durationArg("--timeout")))
      .addHelpText(
        "after",
        `
The new revision copies the service's current one (roles, resources, tags) with the image
replaced, and the service rolls to it within its minimumHealthyPercent and maximumPercent.

Example:
  berth deploy web --image public.ecr.aws/nginx/nginx:1.27 --wait
`,
      ),
  ).action(async (name: string, flags: DeployFlags, cmd: Command) => {
    const ctx = contextOf(cmd);
    const svc = await getService(ctx.ecs, ctx.cluster, name);
    if (!svc.taskDefinition) throw new CliError(`service '${name}' has no task definition to start from`);
    const { taskDefinition, tags } = await getTaskDefinition(ctx.ecs, svc.taskDefinition);
    let next;
    try {
      next = withImage(registerInputFrom(taskDefinition, tags), flags.image, flags.container);
    } catch (err) {
      throw usageError((err as Error).message);
    }
    const registered = await ctx.ecs.send(new RegisterTaskDefinitionCommand(next.input));
    const arn = registered.taskDefinition!.taskDefinitionArn!;
    const updated = await ctx.ecs.send(new UpdateServiceCommand({ cluster: ctx.cluster, service: name, taskDefinition: arn }));
    const deployment = primaryOf(updated.service ?? {});
    write(`taskdef/${taskDefName(arn)} registered (container ${next.changed}: ${next.from} → ${flags.image})`);
    write(`service/${name} deploying ${taskDefName(arn)}${deployment?.id ? ` as ${deployment.id}` : ""}`);
    if (!flags.wait) return write(`follow it with 'berth rollout status ${name}'`);
    await followRollout(ctx, name, {
      ...(flags.timeout !== undefined ? { timeoutMs: flags.timeout } : {}),
      intervalMs: pollInterval(),
      style: styleOf(cmd),
      ...(deployment?.id ? { deploymentId: deployment.id } : {}),
    });
  });
}
