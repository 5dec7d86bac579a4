// How every command of `berth` behaves alike: help that fits 100 columns, usage errors that
// throw (the caller picks the exit code), a pointer to --help after an error.
import { type Command, CommanderError } from "commander";
import { ExitCode } from "./errors.js";

export const HELP_WIDTH = 100;

/** Help fits 100 columns; usage errors throw (cli-main.ts and agent-main.ts turn them into exit code 2). */
export function configureTree(cmd: Command): void {
  // On a terminal narrower than 100 columns, its width; otherwise (a pipe, a wide terminal) 100.
  const width = (stream: NodeJS.WriteStream) => () => Math.min(stream.isTTY && stream.columns ? stream.columns : HELP_WIDTH, HELP_WIDTH);
  cmd
    .exitOverride()
    .configureOutput({ getOutHelpWidth: width(process.stdout), getErrHelpWidth: width(process.stderr) })
    // "get <kind> [name]" reads better in the list of commands than "get [options] <kind> [name]".
    .configureHelp({ subcommandTerm: (c) => [c.name(), ...c.registeredArguments.map((a) => (a.required ? `<${a.name()}${a.variadic ? "..." : ""}>` : `[${a.name()}${a.variadic ? "..." : ""}]`))].join(" ") })
    .showHelpAfterError(`(see '${fullName(cmd)} --help')`);
  for (const sub of cmd.commands) configureTree(sub);
}

export function fullName(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(" ");
}


/**
 * Parses and runs; a usage error (commander printed it and the --help hint already) exits 2,
 * any other failure is one line on stderr with the exit code `describe` picks.
 */
export async function runProgram(
  program: Command,
  argv: readonly string[],
  describe: (err: unknown) => { message: string; exitCode: number },
): Promise<void> {
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      const shown = err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.exitCode === 0;
      process.exitCode = shown ? ExitCode.ok : ExitCode.usage;
    } else {
      const { message, exitCode } = describe(err);
      process.stderr.write(`error: ${message}\n`);
      process.exitCode = exitCode;
    }
  }
}
