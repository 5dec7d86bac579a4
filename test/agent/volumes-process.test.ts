// Task storage on the process runtime (issue 16): volumes, volumesFrom, named volumes, EFS- and
// EBS-style volumes, tmpfs and read-only roots, made in each container's mount namespace.
import { hostSkipReason, volumeScenarios } from "./volumes-scenarios.js";

const skip = hostSkipReason();
if (skip) console.log(`# skipping the process runtime's volume tests: ${skip}`);
if (!skip) volumeScenarios("process", "busybox");
