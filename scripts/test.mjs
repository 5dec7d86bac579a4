// Runs every *.test.ts under src/ and test/ with node's own test runner (through tsx's loader).
// Extra arguments are passed on, so `npm test -- src/store` runs one folder.
//
// No process a test starts may outlive the run. The run gets its own TMPDIR (where every
// harness makes its state dirs) and an id in BERTH_TEST_SUITE; once node --test exits, any
// process still carrying either mark, and any Docker container of an agent whose state dir is
// under that TMPDIR, is printed, killed, and fails the run (leak-check.mjs).
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  agentInstanceIds,
  describeContainer,
  describeProcess,
  dockerLeaks,
  findLeaks,
  killLeaks,
  listProcesses,
  removeContainers,
  SUITE_ENV,
} from "./leak-check.mjs";

function collect(path, out) {
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st) return out;
  if (st.isFile()) {
    if (path.endsWith(".test.ts")) out.push(path);
    return out;
  }
  for (const name of readdirSync(path).sort()) {
    if (name === "node_modules") continue;
    collect(join(path, name), out);
  }
  return out;
}

const roots = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const flags = process.argv.slice(2).filter((a) => a.startsWith("-"));
const files = (roots.length ? roots : ["src", "test"]).flatMap((r) => collect(r, []));
if (files.length === 0) {
  console.error("no test files found");
  process.exit(1);
}
const id = randomBytes(8).toString("hex");
const root = mkdtempSync(join(tmpdir(), "berth-suite-"));
// Ctrl-C reaches node --test too; the runner outlives it to clean up what the tests left.
process.on("SIGINT", () => {});
// A test file gets 10 minutes: the AWS CLI suites (each call a Python start-up) take 3 on an idle
// 2-core machine and more when other work shares it.
const result = spawnSync(
  process.execPath,
  ["--import", "tsx", "--test", "--test-concurrency=2", "--test-timeout=600000", "--test-reporter=spec", ...flags, ...files],
  {
    stdio: "inherit",
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true", ...process.env, [SUITE_ENV]: id, TMPDIR: root },
  },
);
let status = result.status ?? (result.signal === "SIGINT" ? 130 : 1);

// A process stopped by a test's last hook may still be on its way out: look again briefly.
let leaks = findLeaks(listProcesses(), { id, root, self: process.pid });
for (let i = 0; leaks.length && i < 20; i++) {
  await new Promise((r) => setTimeout(r, 100));
  leaks = findLeaks(listProcesses(), { id, root, self: process.pid });
}
if (leaks.length) {
  console.error(`\n${leaks.length} process(es) the tests started outlived them (a test must stop what it starts):`);
  for (const p of leaks) console.error(describeProcess(p));
  const alive = await killLeaks(leaks);
  console.error(alive.length ? `${alive.length} of them survived SIGKILL` : "killed them all");
  status = status || 1;
}
const containers = await dockerLeaks(agentInstanceIds(root));
if (containers.length) {
  console.error(`\n${containers.length} Docker container(s) of the tests' agents outlived them:`);
  for (const c of containers) console.error(describeContainer(c));
  await removeContainers(containers);
  console.error("removed them");
  status = status || 1;
}
try {
  rmSync(root, { recursive: true, force: true });
} catch (e) {
  console.error(`could not remove ${root}: ${e.message}`);
}
process.exit(status);
