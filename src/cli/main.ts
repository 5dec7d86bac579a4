// The `berth` command. Each sub-command lives in its own module; this file only wires them.
import { Command } from "commander";
import { agentCommand } from "./agent-command.js";
import { serverCommand, upCommand } from "./server-commands.js";

const program = new Command()
  .name("berth")
  .description("A container orchestrator with Amazon ECS's control structure and API.")
  .version("0.1.0")
  .showHelpAfterError();

program.addCommand(serverCommand());
program.addCommand(upCommand());
program.addCommand(agentCommand());

await program.parseAsync(process.argv);
