// `berth agent ...` on its own: the agent command under a bare `berth` root, with the same
// usage errors and exit codes as the full command line (cli-main.ts).
import { Command } from "commander";
import { agentCommand } from "./agent-command.js";
import { configureTree, runProgram } from "./command-tree.js";
import { ExitCode } from "./errors.js";

export async function runAgentOnly(argv: readonly string[]): Promise<void> {
  const program = new Command("berth").addCommand(agentCommand());
  configureTree(program);
  await runProgram(program, argv, (err) => ({ message: (err as Error).message, exitCode: ExitCode.failed }));
}
