// The command tree of `berth`. cli-main.ts runs it; tests build it in-process to check every help
// text. The daemons (server, up, agent) are passed in, so the client commands never load the
// control plane's code.
import { Command } from "commander";
import { applyCommand } from "./apply-command.js";
import { completionCommand } from "./completion-command.js";
import { withGlobalFlags } from "./context.js";
import { deleteCommand } from "./delete-command.js";
import { describeCommand } from "./describe-command.js";
import { eventsCommand } from "./events-command.js";
import { explainCommand } from "./explain-command.js";
import { exposeCommand } from "./expose-command.js";
import { getCommand } from "./get-command.js";
import { logsCommand } from "./logs-command.js";
import { rolloutCommand } from "./rollout-command.js";
import { deployCommand, scaleCommand } from "./service-commands.js";
import { runCommand, stopCommand } from "./task-commands.js";
import { translateCommand } from "./translate-command.js";
import { configureTree } from "./command-tree.js";

export { fullName, HELP_WIDTH } from "./command-tree.js";


/** Names of the client commands (main.ts decides from them what to load). */
export const CLIENT_COMMANDS = [
  "apply",
  "get",
  "describe",
  "explain",
  "events",
  "logs",
  "run",
  "stop",
  "scale",
  "deploy",
  "expose",
  "rollout",
  "delete",
  "translate",
  "completion",
] as const;

/** Client commands in the order `berth --help` lists them. */
export function clientCommands(): Command[] {
  return [
    applyCommand(),
    getCommand(),
    describeCommand(),
    explainCommand(),
    eventsCommand(),
    logsCommand(),
    runCommand(),
    stopCommand(),
    scaleCommand(),
    deployCommand(),
    exposeCommand(),
    rolloutCommand(),
    deleteCommand(),
    translateCommand(),
    completionCommand(),
  ];
}

export function buildProgram(daemons: readonly Command[] = []): Command {
  const program = withGlobalFlags(new Command("berth"))
    .description("A container orchestrator with Amazon ECS's control structure and API.")
    .version("0.1.0")
    .enablePositionalOptions()
    .addHelpText(
      "after",
      `
Start here:
  berth up                           control plane, default cluster and a local agent
  berth apply -f web.json            register a task definition, create or update a service
  berth get services                 desired, running and pending counts
  berth describe service web         events, deployments, tasks: in that order
  berth explain service web          why the scheduler did what it did

Docs: docs/cli.md. Exit codes: 0 ok, 1 failed, 2 usage, 3 unreachable, 4 rollout failed, 5 timeout.
`,
    );
  program.commandsGroup("Run berth:");
  for (const d of daemons) program.addCommand(d);
  program.commandsGroup("Use berth:");
  for (const c of clientCommands()) program.addCommand(c);
  configureTree(program);
  return program;
}

/** Every command in the tree, depth first (the root first). */
export function allCommands(cmd: Command): Command[] {
  return [cmd, ...cmd.commands.flatMap(allCommands)];
}
