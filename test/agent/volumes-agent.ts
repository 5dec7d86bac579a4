// `berth agent` for the volume restart test: the same agent, with the volume sources of
// BERTH_TEST_VOLUME_SOURCES ({ family: AssignedVolumeSource[] }) given to its tasks
// (volumes-inject.ts). Takes spawnAgentProcess's arguments; prints "registered <arn>".
import pino from "pino";
import { startAgent } from "../../src/agent/index.js";
import type { AssignedVolumeSource } from "../../src/model/index.js";
import { injectVolumeSources } from "./volumes-inject.js";

const args = process.argv.slice(2);
const arg = (name: string): string => {
  const i = args.indexOf(name);
  if (i < 0 || args[i + 1] === undefined) throw new Error(`${name} is required`);
  return args[i + 1]!;
};
const sources = JSON.parse(process.env.BERTH_TEST_VOLUME_SOURCES ?? "{}") as Record<string, AssignedVolumeSource[]>;
const agent = await startAgent({
  endpoint: arg("--endpoint"),
  runtime: "process",
  stateDir: arg("--state-dir"),
  metadataPort: Number(arg("--metadata-port")),
  logger: pino({ level: process.env.BERTH_LOG_LEVEL ?? "warn" }, pino.destination(2)),
});
injectVolumeSources(agent, new Map(Object.entries(sources)));
console.log(`registered ${agent.containerInstanceArn}`);
