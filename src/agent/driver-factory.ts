// Creates the runtime driver `berth agent --runtime` names ("auto": docker when an engine
// answers, else process). Each driver keeps what it needs to find its containers again: the
// process driver under <state dir>/runtime, the docker driver in its containers' labels.
import { join } from "node:path";
import { createRuntimeDriver, detectDocker, type RuntimeDriver, type RuntimeName } from "../runtime/index.js";

export type RuntimeChoice = RuntimeName | "auto";

export const RUNTIME_CHOICES: readonly RuntimeChoice[] = ["auto", "docker", "process", "simulated"];

export interface CreatedDriver {
  driver: RuntimeDriver;
  /** The engine's version when the driver is docker (for versionInfo.dockerVersion). */
  dockerVersion?: string;
}

export async function createDriver(choice: RuntimeChoice, stateDir: string): Promise<CreatedDriver> {
  if (!RUNTIME_CHOICES.includes(choice)) {
    throw new RangeError(`runtime ${JSON.stringify(choice)} is not one of ${RUNTIME_CHOICES.join(", ")}`);
  }
  let kind = choice;
  let dockerVersion: string | undefined;
  if (choice === "auto" || choice === "docker") {
    const docker = await detectDocker();
    if (docker.available) {
      kind = "docker";
      dockerVersion = docker.version;
    } else if (choice === "docker") {
      throw new Error(`the docker runtime needs a Docker engine; none answered at ${docker.endpoint}: ${docker.reason}`);
    } else {
      kind = "process";
    }
  }
  const driver = await createRuntimeDriver(
    kind === "process" ? { kind, stateDir: join(stateDir, "runtime") } : kind === "docker" ? { kind } : { kind: "simulated" },
  );
  return { driver, ...(dockerVersion ? { dockerVersion } : {}) };
}
