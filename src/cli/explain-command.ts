// `berth explain service NAME` (two words: the decision log of that service) and
// `berth explain TERM` (one word: the Kubernetes ↔ ECS dictionary entry for it).
import { Command, Option } from "commander";
import { wholeNumber } from "./args.js";
import { contextOf, styleOf, withGlobalFlags } from "./context.js";
import { decisionLogView, type DecisionLog } from "./decision-log-view.js";
import { CliError, usageError } from "./errors.js";
import { formatDocument, outputOption, write, writeLines } from "./output.js";
import { getService } from "./resources.js";

const SERVICE_WORDS = new Set(["service", "services", "svc"]);

export function explainCommand(): Command {
  return withGlobalFlags(
    new Command("explain")
      .description("Explain a service's scheduler decisions, or a Kubernetes/ECS word.")
      .argument("[words...]", "'service NAME' for the decision log; one TERM for the dictionary")
      .addOption(new Option("--last <n>", "decision log: how many passes (1-50)").default(20).argParser(wholeNumber("--last", 1, 50)))
      .option("-v, --verbose", "decision log: show bookkeeping updates too")
      .addOption(outputOption(["json", "yaml"]))
      .addHelpText(
        "after",
        `
Examples:
  berth explain service web          per pass: what it saw, its bounds, what it did or why it waited
  berth explain maxSurge             the dictionary: maxSurge ↔ maximumPercent
  berth explain TaskDefinition       either side's word works
  berth explain                      every entry of the dictionary
`,
      ),
  ).action(async (words: string[], flags: { last: number; verbose?: boolean; output?: "json" | "yaml"; color?: boolean }, cmd: Command) => {
    const style = styleOf(cmd);
    if (words.length === 2 && SERVICE_WORDS.has(words[0]!.toLowerCase())) {
      const ctx = contextOf(cmd);
      const name = words[1]!;
      await getService(ctx.ecs, ctx.cluster, name); // a clear "not found" line before anything else
      const log = await ctx.berth<DecisionLog>("DescribeServiceDecisions", { cluster: ctx.cluster, service: name, maxResults: flags.last });
      if (flags.output) return write(formatDocument(flags.output, log));
      return writeLines(decisionLogView(name, ctx.cluster, log, Date.now(), style, !!flags.verbose));
    }
    // The dictionary is loaded only when asked for: the decision log does not need it.
    const { dictionaryEntries, explainTerm, formatEntry } = await import("../k8s/index.js");
    if (words.length === 0) {
      const entries = dictionaryEntries();
      if (flags.output) return write(formatDocument(flags.output, entries));
      const width = Math.max(...entries.map((e) => e.kubernetes.length));
      return writeLines([
        style.bold("Kubernetes ↔ ECS: 'berth explain TERM' explains one."),
        ...entries.map((e) => `  ${e.kubernetes.padEnd(width)}  ↔  ${e.ecs}`),
      ]);
    }
    if (words.length > 1) {
      throw usageError(`explain takes 'service NAME' or one TERM; found ${words.length} words: ${words.join(" ")}`);
    }
    const entry = explainTerm(words[0]!);
    if (!entry) throw new CliError(`no dictionary entry for '${words[0]}'; 'berth explain' lists every term`);
    if (flags.output) return write(formatDocument(flags.output, entry));
    write(formatEntry(entry));
  });
}
