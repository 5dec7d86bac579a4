// `berth events`: the service events of a cluster's services, merged into one timeline, oldest
// first (the newest last, next to the prompt); -w appends new ones as they happen.
import type { Service } from "@aws-sdk/client-ecs";
import { Command, Option } from "commander";
import { wholeNumber } from "./args.js";
import { contextOf, styleOf, withGlobalFlags, type CliContext } from "./context.js";
import { age, clock } from "./format.js";
import { formatDocument, outputOption, write, writeLines } from "./output.js";
import { getService, listServices } from "./resources.js";
import { renderCells } from "./table.js";
import { interruptSignal, pollInterval, sleep } from "./watch.js";

export interface TimelineEvent {
  id: string;
  createdAt: Date;
  service: string;
  message: string;
}

/** Every event of the services, oldest first. */
export function timeline(services: readonly Service[]): TimelineEvent[] {
  return services
    .flatMap((svc) =>
      (svc.events ?? []).map((e) => ({
        id: e.id ?? `${svc.serviceName}/${e.createdAt?.getTime()}/${e.message}`,
        createdAt: e.createdAt ?? new Date(0),
        service: svc.serviceName ?? "",
        message: e.message ?? "",
      })),
    )
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id));
}

async function fetchServices(ctx: CliContext, service?: string): Promise<Service[]> {
  return service ? [await getService(ctx.ecs, ctx.cluster, service)] : listServices(ctx.ecs, ctx.cluster);
}

export function eventsCommand(): Command {
  return withGlobalFlags(
    new Command("events")
      .description("Show the service events of the cluster (why the scheduler started or stopped tasks).")
      .option("--service <name>", "only this service's events")
      .addOption(new Option("--limit <n>", "how many of the newest to show").default(30).argParser(wholeNumber("--limit", 1)))
      .option("-w, --watch", "keep printing new events as they happen (Ctrl-C stops)")
      .addOption(outputOption(["json", "yaml"]))
      .addHelpText("after", "\nExamples:\n  berth events\n  berth events --service web -w\n"),
  ).action(async (flags: { service?: string; limit: number; watch?: boolean; output?: "json" | "yaml"; color?: boolean }, cmd: Command) => {
    const ctx = contextOf(cmd);
    const style = styleOf(cmd);
    const all = timeline(await fetchServices(ctx, flags.service));
    const events = all.slice(-flags.limit);
    if (flags.output) return write(formatDocument(flags.output, events));
    const now = Date.now();
    const row = (e: TimelineEvent) => [style.dim(clock(e.createdAt)), age(e.createdAt, now), e.service, e.message];
    if (events.length === 0 && !flags.watch) return write(`No events in cluster ${ctx.cluster} yet.`);
    const lines = renderCells(["TIME", "AGE", "SERVICE", "MESSAGE"], events.map(row));
    writeLines(lines);
    if (!flags.watch) return;
    const seen = new Set(all.map((e) => e.id));
    const serviceWidth = Math.max(7, ...all.map((e) => e.service.length));
    const { signal, dispose } = interruptSignal();
    try {
      while (!signal.aborted) {
        await sleep(pollInterval(), signal);
        if (signal.aborted) break;
        const fresh = timeline(await fetchServices(ctx, flags.service)).filter((e) => !seen.has(e.id));
        for (const e of fresh) {
          seen.add(e.id);
          const cells = [style.dim(clock(e.createdAt)), age(e.createdAt, Date.now()).padEnd(4), e.service.padEnd(serviceWidth), e.message];
          write(cells.join("   "));
        }
      }
    } finally {
      dispose();
    }
  });
}
