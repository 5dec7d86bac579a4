// Task storage on the docker runtime (issue 16): binds, engine volumes, tmpfs and read-only
// roots through the engine; EFS- and EBS-style volumes made on the host and bound in.
import { dockerSkipReason, TEST_IMAGE } from "./harness.js";
import { hostSkipReason, volumeScenarios } from "./volumes-scenarios.js";

const skip = hostSkipReason() ?? (await dockerSkipReason());
if (skip) console.log(`# skipping the docker runtime's volume tests: ${skip}`);
if (!skip) volumeScenarios("docker", TEST_IMAGE);
