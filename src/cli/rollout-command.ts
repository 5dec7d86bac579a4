// `berth rollout status SERVICE` follows the service's PRIMARY deployment until it is COMPLETED
// (exit 0) or FAILED (exit 4), drawn in place on a terminal; `berth rollout undo SERVICE` puts
// the previous task definition revision back.
import { ListServiceDeploymentsCommand, UpdateServiceCommand, type Service, type ServiceDeploymentBrief } from "@aws-sdk/client-ecs";
import { Command, Option } from "commander";
import { durationArg, positiveSeconds, wholeNumber } from "./args.js";
import { contextOf, styleOf, withGlobalFlags, type CliContext } from "./context.js";
import { CliError, ExitCode } from "./errors.js";
import { taskDefName } from "./format.js";
import { write } from "./output.js";
import { familyRevisions, getService } from "./resources.js";
import { RolloutDisplay } from "./rollout-display.js";
import { outcomeFromHistory, outcomeOf, primaryOf, progressLine, type RolloutOutcome } from "./rollout-progress.js";
import type { Style } from "./style.js";
import { WaitObserver } from "./wait-observe.js";
import type { WaitObservation } from "./wait-reason.js";
import { interruptSignal, LiveView, pollInterval } from "./watch.js";

const digitsOf = (id: string) => id.replace(/^ecs-svc\//, "");

async function history(ctx: CliContext, svc: Service): Promise<ServiceDeploymentBrief[]> {
  const res = await ctx.ecs.send(new ListServiceDeploymentsCommand({ cluster: ctx.cluster, service: svc.serviceName!, maxResults: 100 }));
  return res.serviceDeployments ?? [];
}

async function historyOutcome(ctx: CliContext, svc: Service, id: string): Promise<RolloutOutcome> {
  const found = (await history(ctx, svc)).find((d) => d.serviceDeploymentArn?.endsWith(`/${digitsOf(id)}`));
  return outcomeFromHistory(id, svc.serviceName ?? "", found?.status, found?.statusReason);
}

/**
 * When the PRIMARY deployment is the circuit breaker's rollback, the rollout a person asks about
 * is the one that failed before it (it may have failed before `rollout status` started).
 */
async function failedBeforeRollback(ctx: CliContext, svc: Service, primaryId: string): Promise<string | undefined> {
  const entries = await history(ctx, svc);
  const primary = entries.find((d) => d.serviceDeploymentArn?.endsWith(`/${digitsOf(primaryId)}`));
  if (!primary?.status?.startsWith("ROLLBACK")) return undefined;
  const before = entries
    .filter((d) => d !== primary && (d.createdAt?.getTime() ?? 0) <= (primary.createdAt?.getTime() ?? 0))
    .sort((a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0))[0];
  const failedId = before?.serviceDeploymentArn ? `ecs-svc/${before.serviceDeploymentArn.split("/").pop()}` : "the previous deployment";
  const d = svc.deployments?.find((x) => x.id === primaryId);
  const reason = (before?.statusReason ?? "the circuit breaker tripped").replace(/\.$/, "");
  const done = primary.status === "ROLLBACK_SUCCESSFUL";
  return (
    `deployment ${failedId} of service ${svc.serviceName} failed: ${reason}; ` +
    `${done ? "the service was rolled back" : "the service is rolling back"} to ${taskDefName(d?.taskDefinition)} (deployment ${primaryId})`
  );
}

export interface FollowOptions {
  timeoutMs?: number;
  intervalMs: number;
  style: Style;
  /** Follow this deployment rather than the current PRIMARY (deploy knows the one it started). */
  deploymentId?: string;
}

/** Follows a rollout to its end. Resolves on COMPLETED; throws a CliError with exit code 4 on FAILED. */
export async function followRollout(ctx: CliContext, name: string, o: FollowOptions): Promise<void> {
  let svc = await getService(ctx.ecs, ctx.cluster, name);
  let tracked = o.deploymentId ?? primaryOf(svc)?.id;
  if (!tracked) throw new CliError(`service '${name}' has no deployment to follow`);
  if (!o.deploymentId) {
    const failed = await failedBeforeRollback(ctx, svc, tracked);
    if (failed) throw new CliError(failed, ExitCode.rolloutFailed);
  }
  const live = process.stdout.isTTY ? new LiveView(process.stdout) : undefined;
  const display = new RolloutDisplay({ ...(live ? { live } : {}), columns: () => process.stdout.columns || 80, style: o.style, startedAt: Date.now() });
  const observer = new WaitObserver(ctx);
  const deadline = o.timeoutMs !== undefined ? Date.now() + o.timeoutMs : Infinity;
  const { signal, dispose } = interruptSignal();
  try {
    for (;;) {
      let outcome = outcomeOf(svc, tracked);
      if (outcome.state === "gone") {
        outcome = await historyOutcome(ctx, svc, tracked);
        if (outcome.state === "gone") {
          const next = primaryOf(svc)?.id;
          if (!next || next === tracked) throw new CliError(`deployment ${tracked} left service '${name}' without an outcome`);
          write(`deployment ${tracked} was replaced by ${next}; following that one`);
          tracked = next;
          continue;
        }
      }
      const waiting = outcome.state === "waiting";
      // The reason is a help: if it cannot be observed, the counts still show.
      const observation = waiting ? await observer.observe(svc, tracked).catch((): WaitObservation | undefined => undefined) : undefined;
      display.show(svc, tracked, waiting, observation, Date.now());
      if (outcome.state === "completed") return write(o.style.green(outcome.message));
      if (outcome.state === "failed") throw new CliError(outcome.message, ExitCode.rolloutFailed);
      if (Date.now() >= deadline) {
        const why = display.reason(Date.now());
        throw new CliError(`rollout of service '${name}' still in progress after the --timeout (${progressLine(svc, tracked)}${why ? `; waiting: ${why.text}` : ""})`, ExitCode.timeout);
      }
      await display.pause(Math.min(o.intervalMs, Math.max(0, deadline - Date.now())), signal);
      if (signal.aborted) throw new CliError(`stopped watching; the rollout of service '${name}' goes on`, ExitCode.interrupted);
      svc = await getService(ctx.ecs, ctx.cluster, name);
    }
  } finally {
    dispose();
  }
}

/** The revision `rollout undo` goes back to (see its help). */
export async function undoTarget(ctx: CliContext, svc: Service, toRevision?: number): Promise<string> {
  const current = svc.taskDefinition ?? "";
  const family = taskDefName(current).split(":")[0]!;
  if (toRevision !== undefined) return `${family}:${toRevision}`;
  const other = (svc.deployments ?? []).find((d) => d.status !== "PRIMARY" && d.taskDefinition !== current);
  if (other?.taskDefinition) return other.taskDefinition;
  const revision = Number(taskDefName(current).split(":")[1]);
  const earlier = (await familyRevisions(ctx.ecs, family)).find((arn) => Number(arn.slice(arn.lastIndexOf(":") + 1)) < revision);
  if (!earlier) {
    throw new CliError(`service '${svc.serviceName}' runs ${taskDefName(current)} and family ${family} has no earlier ACTIVE revision to go back to`);
  }
  return earlier;
}

export function rolloutCommand(): Command {
  const rollout = new Command("rollout").description("Follow or undo a service's rollout (its newest deployment).").addHelpText(
    "after",
    `
Examples:
  berth rollout status web --timeout 5m
  berth rollout undo web
`,
  );
  rollout.addCommand(
    withGlobalFlags(
      new Command("status")
        .description("Show a rollout's progress until COMPLETED (exit 0) or FAILED (exit 4).")
        .argument("<service>", "the service")
        .addOption(new Option("--timeout <duration>", "give up after this long, with exit code 5 (e.g. 90s, 5m)").argParser(durationArg("--timeout")))
        .addOption(new Option("--interval <seconds>", "how often to poll (default 1)").argParser(positiveSeconds("--interval")))
        .addHelpText(
          "after",
          `
It follows the deployment that is PRIMARY when it starts, and says what it waits for: a task's
stop reason, a placement failure, a launch back-off, the 40 s a task without a health check waits,
a task draining until SIGKILL. On a terminal the deployments table and a line with the time waited
are redrawn in place; otherwise a line is printed whenever the progress or the reason changes,
and "still waiting (1m20s): <reason>" after 20 s without news.

Example:
  berth deploy web --image nginx:1.27 && berth rollout status web --timeout 10m
`,
        ),
    ).action(async (name: string, flags: { timeout?: number; interval?: number; color?: boolean }, cmd: Command) => {
      const ctx = contextOf(cmd);
      const style = styleOf(cmd);
      await followRollout(ctx, name, { ...(flags.timeout !== undefined ? { timeoutMs: flags.timeout } : {}), intervalMs: pollInterval(flags.interval), style });
    }),
  );
  rollout.addCommand(
    withGlobalFlags(
      new Command("undo")
        .description("Put the previous task definition revision back (a new deployment).")
        .argument("<service>", "the service")
        .addOption(new Option("--to-revision <n>", "go to this revision of the family instead").argParser(wholeNumber("--to-revision", 1)))
        .addHelpText(
          "after",
          `
The previous revision is: the task definition of an older deployment still in the service (a
rollout in flight is undone); else the highest ACTIVE revision of the family below the current.

Example:
  berth rollout undo web && berth rollout status web
`,
        ),
    ).action(async (name: string, flags: { toRevision?: number }, cmd: Command) => {
      const ctx = contextOf(cmd);
      const svc = await getService(ctx.ecs, ctx.cluster, name);
      const target = await undoTarget(ctx, svc, flags.toRevision);
      const res = await ctx.ecs.send(new UpdateServiceCommand({ cluster: ctx.cluster, service: name, taskDefinition: target }));
      const primary = primaryOf(res.service ?? {});
      write(
        `service/${name} rolled back: ${taskDefName(svc.taskDefinition)} → ${taskDefName(res.service?.taskDefinition ?? target)}` +
          (primary?.id ? ` (deployment ${primary.id}); follow it with 'berth rollout status ${name}'` : ""),
      );
    }),
  );
  return rollout;
}
