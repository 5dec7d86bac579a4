// `berth get KIND [NAME]`: tables of clusters, services, tasks, instances, task definitions and
// deployments; -o for JSON/YAML/wide/names; -w to keep watching (redrawn in place on a terminal,
// changed rows appended otherwise).
import { Command, Option } from "commander";
import { positiveSeconds } from "./args.js";
import { contextOf, styleOf, withGlobalFlags, type CliContext } from "./context.js";
import { CliError } from "./errors.js";
import { KINDS, kindNamed, nameLine, type GetQuery, type Kind } from "./get-kinds.js";
import { formatDocument, outputOption, write, writeLines, type OutputFormat } from "./output.js";
import type { Style } from "./style.js";
import { renderTable } from "./table.js";
import { interruptSignal, LiveView, pollInterval, sleep } from "./watch.js";

interface GetFlags {
  output?: Exclude<OutputFormat, "table">;
  watch?: boolean;
  interval?: number;
  service?: string;
  all?: boolean;
  color?: boolean;
}

/** How -w words a row that left the list: tasks leave when stopped, deployments when done. */
const GONE: Record<string, string> = { tasks: "stopped", deployments: "finished" };

export function getCommand(): Command {
  return withGlobalFlags(new Command("get"))
    .description("List clusters, services, tasks, instances, taskdefs or deployments as a table.")
    .argument("<kind>", `what to list: ${KINDS.map((k) => k.name).join(", ")} (singular and svc, td, ci work too)`)
    .argument("[name]", "only this one (a service name, task id prefix, taskdef family or family:revision)")
    .addOption(outputOption())
    .option("-w, --watch", "keep watching: redraw on a terminal, print changed rows otherwise (Ctrl-C stops)")
    .addOption(new Option("--interval <seconds>", "how often -w polls (default 1)").argParser(positiveSeconds("--interval")))
    .option("--service <name>", "tasks or deployments of this service only")
    .option("-a, --all", "tasks: include stopped ones (kept for an hour after they stop)")
    .addHelpText(
      "after",
      `
Examples:
  berth get services                 desired, running and pending counts, rollout state
  berth get tasks --service web -a   the service's tasks, stopped ones too (with exit codes)
  berth get deployments -w           watch deployments change during a rollout
  berth get taskdefs web -o json     every revision of family web, as ECS returns them
`,
    )
    .action(async (kindWord: string, name: string | undefined, flags: GetFlags, cmd: Command) => {
      const kind = kindNamed(kindWord);
      const ctx = contextOf(cmd);
      const query: GetQuery = { ...(name ? { name } : {}), ...(flags.service ? { service: flags.service } : {}), all: !!flags.all };
      const style = styleOf(cmd);
      if (flags.watch) return watch(ctx, kind, query, flags, style);
      const items = await kind.fetch(ctx, query);
      if (name && items.length === 0) throw notFound(kind, name, ctx);
      if (!flags.output || flags.output === "wide") await kind.annotate?.(ctx, items);
      write(render(kind, items, flags.output, style).join("\n"));
    });
}

function notFound(kind: Kind<unknown>, name: string, ctx: CliContext) {
  const where = kind.name === "clusters" || kind.name === "taskdefs" ? "" : ` in cluster '${ctx.cluster}'`;
  return new CliError(`${kind.singular} '${name}' not found${where}; list them with 'berth get ${kind.name}'`);
}

function render(kind: Kind<unknown>, items: unknown[], output: GetFlags["output"], style: Style): string[] {
  if (output === "json" || output === "yaml") return [formatDocument(output, { [kind.jsonKey]: items }).replace(/\n$/, "")];
  if (output === "name") return items.map((i) => nameLine(kind, i));
  if (items.length === 0) return [`No ${kind.name} found.`];
  const width = process.stdout.isTTY ? process.stdout.columns : undefined;
  return renderTable(kind.columns(Date.now(), style), items, { wide: output === "wide", ...(width ? { width } : {}) });
}

/** A row's content apart from its age, which changes every second and is no news. */
function signature(kind: Kind<unknown>, item: unknown, style: Style): string {
  return kind
    .columns(0, style)
    .filter((c) => c.header !== "AGE")
    .map((c) => c.value(item))
    .join("\u0000");
}

async function watch(ctx: CliContext, kind: Kind<unknown>, query: GetQuery, flags: GetFlags, style: Style): Promise<void> {
  const interval = pollInterval(flags.interval);
  const live = process.stdout.isTTY && (flags.output === undefined || flags.output === "wide") ? new LiveView(process.stdout) : undefined;
  const { signal, dispose } = interruptSignal();
  let previous: Map<string, { sig: string; item: unknown }> | undefined;
  let previousDoc = "";
  try {
    while (!signal.aborted) {
      const items = await kind.fetch(ctx, query);
      if (!flags.output || flags.output === "wide") await kind.annotate?.(ctx, items);
      if (live) {
        const footer = style.dim(`every ${interval / 1000}s · cluster ${ctx.cluster} · Ctrl-C to stop`);
        live.render([...render(kind, items, flags.output, style), "", footer]);
      } else if (flags.output === "json" || flags.output === "yaml") {
        const doc = render(kind, items, flags.output, style).join("\n");
        if (doc !== previousDoc) write(doc);
        previousDoc = doc;
      } else {
        const current = new Map(items.map((i) => [kind.key(i), { sig: signature(kind, i, style), item: i }]));
        if (!previous) {
          write(render(kind, items, flags.output, style).join("\n"));
        } else {
          const changed = items.filter((i) => previous!.get(kind.key(i))?.sig !== current.get(kind.key(i))!.sig);
          if (changed.length) {
            const lines = render(kind, changed, flags.output, style);
            writeLines(flags.output === "name" ? lines : lines.slice(1));
          }
          for (const [key, old] of previous) if (!current.has(key)) write(`${nameLine(kind, old.item)} ${GONE[kind.name] ?? "deleted"}`);
        }
        previous = current;
      }
      await sleep(interval, signal);
    }
  } finally {
    dispose();
  }
}
