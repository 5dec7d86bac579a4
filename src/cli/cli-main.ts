// The `berth` command line (all but the node agent's fast path, main.ts). The command tree is
// in program.ts; this file loads what the command line needs, runs it, and turns failures into
// one line and an exit code (errors.ts).
import type { Command } from "commander";
import { DEFAULT_ENDPOINT } from "./aws-config.js";
import { currentTarget } from "./context.js";
import { runProgram } from "./command-tree.js";
import { exitQuietlyOnBrokenPipe } from "./broken-pipe.js";
import { describeError } from "./errors.js";
import { buildProgram, CLIENT_COMMANDS } from "./program.js";

/** Flags of the root that take a value, so the command word is found after them. */
const ROOT_VALUE_FLAGS = new Set(["--endpoint", "--cluster", "--region", "--profile"]);

/** The first word of the command line that names a command, if any. */
function commandWord(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (ROOT_VALUE_FLAGS.has(a)) i++;
    else if (!a.startsWith("-")) return a;
  }
  return undefined;
}

// The daemons pull in the control plane and the agent (a second of start-up); load them only
// when one runs, or when the whole tree is shown (help, completion, an unknown word).
async function daemonCommands(argv: readonly string[]): Promise<Command[]> {
  const word = commandWord(argv);
  const client: readonly string[] = CLIENT_COMMANDS;
  if (word !== undefined && client.includes(word) && word !== "completion") return [];
  if (word === undefined && argv.some((a) => a === "-V" || a === "--version")) return [];
  // An agent on a host has no use for the control plane and SQLite: it loads its own code only.
  if (word === "agent") return [(await import("./agent-command.js")).agentCommand()];
  const [{ serverCommand, upCommand }, { downCommand }, { agentCommand }, { storeCommand }] = await Promise.all([
    import("./server-commands.js"),
    import("./down-command.js"),
    import("./agent-command.js"),
    import("./store-commands.js"),
  ]);
  return [serverCommand(), upCommand(), downCommand(), agentCommand(), storeCommand()];
}

export async function runCli(argv: readonly string[]): Promise<void> {
  exitQuietlyOnBrokenPipe(process.stdout);
  const program = buildProgram(await daemonCommands(argv.slice(2)));
  await runProgram(program, argv, (err) => {
    const target = currentTarget();
    return describeError(err, { endpoint: target.endpoint ?? DEFAULT_ENDPOINT, cluster: target.cluster ?? "default" });
  });
}
