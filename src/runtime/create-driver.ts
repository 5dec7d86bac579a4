// One entry point for the agent: a driver by name, or the best one this host offers.
import { detectDocker } from "./detect-runtime.js";
import type { DockerDriverOptions } from "./docker-driver.js";
import { createProcessDriver, type ProcessDriverOptions } from "./process-driver.js";
import { SimulatedDriver, type SimulatedDriverOptions } from "./simulated-driver.js";
import type { RuntimeDriver } from "./types.js";

export type RuntimeDriverOptions =
  | ({ kind: "docker" } & DockerDriverOptions)
  | ({ kind: "process" } & ProcessDriverOptions)
  | ({ kind: "simulated" } & SimulatedDriverOptions)
  /** docker when an engine answers, else process. */
  | ({ kind: "auto" } & ProcessDriverOptions & DockerDriverOptions);

/** dockerode and the docker driver load only here, when a docker driver is made. */
async function createDockerDriver(options: DockerDriverOptions): Promise<RuntimeDriver> {
  const docker = await import("./docker-driver.js");
  return docker.createDockerDriver(options);
}

export async function createRuntimeDriver(options: RuntimeDriverOptions): Promise<RuntimeDriver> {
  switch (options.kind) {
    case "docker":
      return createDockerDriver(options);
    case "process":
      return createProcessDriver(options);
    case "simulated":
      return new SimulatedDriver(options);
    case "auto":
      return (await detectDocker()).available ? createDockerDriver(options) : createProcessDriver(options);
  }
}
