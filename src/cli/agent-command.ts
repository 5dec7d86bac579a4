// `berth agent`: the node agent on this host. It registers with the control plane at --endpoint,
// runs the tasks assigned to it with the chosen runtime, and keeps its state in --state-dir so a
// restart finds its containers again. Region and credentials come from the usual AWS
// environment (AWS_REGION, AWS_ACCESS_KEY_ID, ...); without any, us-east-1 and dummy keys.
import { Command, InvalidArgumentError, Option } from "commander";
import { resolve } from "node:path";
import { DEFAULT_METADATA_PORT, RUNTIME_CHOICES, type RuntimeChoice, startAgent } from "../agent/index.js";

interface AgentFlags {
  endpoint: string;
  cluster: string;
  runtime: RuntimeChoice;
  attribute: { name: string; value?: string }[];
  cpu?: number;
  memory?: number;
  stateDir: string;
  availabilityZone?: string;
  instanceType?: string;
  metadataPort: number;
}

function positiveInt(what: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`${what} must be a whole number above 0; found ${JSON.stringify(value)}`);
    return n;
  };
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(`a port is a whole number from 0 to 65535; found ${JSON.stringify(value)}`);
  return n;
}

/** `k=v` (or `k` for a value-less attribute), repeatable. */
export function parseAttribute(value: string, previous: { name: string; value?: string }[] = []): { name: string; value?: string }[] {
  const i = value.indexOf("=");
  const name = i < 0 ? value : value.slice(0, i);
  if (!/^[A-Za-z0-9_\-/\\.]{1,128}$/.test(name)) {
    throw new InvalidArgumentError(`attribute name ${JSON.stringify(name)} must be 1-128 letters, digits, _ - / \\ or .`);
  }
  return [...previous, i < 0 ? { name } : { name, value: value.slice(i + 1) }];
}

export function agentCommand(): Command {
  return new Command("agent")
    .description("Run the node agent: register this host as a container instance and run the tasks placed on it.")
    .requiredOption("--endpoint <urls>", "the control plane's API, e.g. http://127.0.0.1:4666 (several servers: comma-separated, tried in turn)")
    .addOption(new Option("--cluster <name>", "the cluster to join").default("default"))
    .addOption(
      new Option("--runtime <name>", "how containers run: docker, process (host processes), simulated, or auto (docker when an engine answers, else process)")
        .choices([...RUNTIME_CHOICES])
        .default("auto"),
    )
    .option("--attribute <k=v>", "a custom container-instance attribute (repeatable)", parseAttribute, [])
    .option("--cpu <units>", "CPU units to register (default: cores × 1024)", positiveInt("--cpu"))
    .option("--memory <MiB>", "memory to register in MiB (default: host memory minus a small reserve)", positiveInt("--memory"))
    .addOption(new Option("--state-dir <dir>", "where the agent keeps its identity and task state").default("./.berth-agent"))
    .option("--availability-zone <az>", "the ecs.availability-zone attribute (default: <region>a)")
    .option("--instance-type <type>", "the ecs.instance-type attribute (default: berth.local)")
    .addOption(new Option("--metadata-port <port>", "port of the task metadata endpoint").default(DEFAULT_METADATA_PORT).argParser(port))
    .addHelpText("after", "\nExample:\n  berth agent --endpoint http://127.0.0.1:4666 --runtime process --attribute zone=lab\n")
    .action(async (flags: AgentFlags, cmd: Command) => {
      const stateDir = resolve(flags.stateDir);
      const started = startAgent({
        endpoint: flags.endpoint,
        cluster: flags.cluster,
        runtime: flags.runtime,
        stateDir,
        attributes: flags.attribute,
        ...(flags.cpu !== undefined ? { cpu: flags.cpu } : {}),
        ...(flags.memory !== undefined ? { memory: flags.memory } : {}),
        ...(flags.availabilityZone ? { availabilityZone: flags.availabilityZone } : {}),
        ...(flags.instanceType ? { instanceType: flags.instanceType } : {}),
        // The default may move when taken; a port the user named may not.
        ...(cmd.getOptionValueSource("metadataPort") === "default" ? {} : { metadataPort: flags.metadataPort }),
      });
      const agent = await started.catch((err: Error) => {
        process.stderr.write(`berth agent: ${err.name === "Error" ? "" : `${err.name}: `}${err.message}\n`);
        process.exit(1);
      });
      process.stdout.write(
        `berth agent registered ${agent.containerInstanceArn} (runtime ${agent.driver.name}, metadata on ${agent.metadataBaseUrl}, state in ${stateDir})\n`,
      );
      const stop = async () => {
        await agent.stop();
        process.exit(0);
      };
      process.once("SIGINT", () => void stop());
      process.once("SIGTERM", () => void stop());
    });
}
