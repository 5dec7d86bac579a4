// `berth agent` as its own program, for tests that kill -9 the agent: the same command the CLI
// wires into `berth`, run without the rest of the CLI.
import { agentCommand } from "../../src/cli/agent-command.js";

await agentCommand().parseAsync(process.argv);
