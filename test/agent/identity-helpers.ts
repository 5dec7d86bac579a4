// What the task role and secrets tests share: the AWS CLI against a test cluster, roles made
// through berth's IAM, a task's output read back through GetTaskLogs, where the CLI's own
// Python lives (for commands run inside tasks), and a search of every output berth produces.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import pino, { type Logger } from "pino";
import { BERTH_TARGET_PREFIX } from "../../src/api/berth/model.js";
import { jsonCall } from "../../src/client/index.js";
import type { Cluster } from "./harness.js";
import { run } from "../helpers/aws-cli.js";

export const TEST_KEYS = { accessKeyId: "AKIDTEST", secretAccessKey: "secret" };
const ENV = { AWS_ACCESS_KEY_ID: TEST_KEYS.accessKeyId, AWS_SECRET_ACCESS_KEY: TEST_KEYS.secretAccessKey, AWS_DEFAULT_REGION: "us-east-1", AWS_PAGER: "" };

/** Policy enforcement (issue 13's authorization) is in when its module is; tests of denials skip until then. */
export const enforced = readdirSync(new URL("../../src/api/", import.meta.url)).some((f) => f.startsWith("authorize") && !f.endsWith(".test.ts"));
export const NOT_ENFORCED = "policy enforcement (src/api/authorize*.ts) is not in yet: enable when it lands";

/** Why the AWS CLI cannot be used here, or undefined. */
export const noCli = await run("aws", ["--version"]).then(
  () => undefined,
  (err: Error) => `the AWS CLI does not run here (${err.message.split("\n")[0]})`,
);

/**
 * The directory of the real `aws` script and its Python (pyenv's shim needs a HOME and pyenv;
 * a task's environment has neither), for a task's PATH. Found once, at load: the lookup blocks
 * for a second, which would cost a running test cluster its agents' heartbeats.
 */
const CLI_BIN_DIR = noCli ? "" : dirname(spawnSync("sh", ["-c", "pyenv which aws 2>/dev/null || command -v aws"], { encoding: "utf8" }).stdout.trim());

/** A task's environment for the CLI inside it: its PATH, and no shared files (the chain must end at the container provider). */
export function cliEnvironment(): { name: string; value: string }[] {
  return [
    { name: "PATH", value: `${CLI_BIN_DIR}:/usr/local/bin:/usr/bin:/bin` },
    { name: "AWS_CONFIG_FILE", value: "/nonexistent/config" },
    { name: "AWS_SHARED_CREDENTIALS_FILE", value: "/nonexistent/credentials" },
  ];
}

/** berth's own log (control plane and agents), at debug, into a file the test reads. */
export function fileLogger(): { logger: Logger; text(): string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), "berth-identity-log-"));
  const file = join(dir, "berth.log");
  return {
    logger: pino({ level: "debug" }, pino.destination({ dest: file, sync: true })),
    text: () => readFileSync(file, "utf8"),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** `aws <args> --endpoint-url <cluster> --output json`, parsed; rejects with the CLI's stderr. */
// biome-ignore lint: JSON from the CLI
export async function aws(c: Cluster, ...args: string[]): Promise<any> {
  const { stdout } = await run("aws", [...args, "--endpoint-url", endpointOf(c), "--output", "json"], { env: { ...process.env, ...ENV } });
  return stdout.trim() ? JSON.parse(stdout) : {};
}

/** The API's URL as clients on this host reach it (a server on 0.0.0.0 included). */
export function endpointOf(c: Cluster): string {
  return c.cp.url.replace("//0.0.0.0:", "//127.0.0.1:");
}

export const ECS_TASKS_TRUST = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }],
});

/** A role with a trust policy and one inline policy allowing `actions`; its ARN. */
export async function makeRole(c: Cluster, name: string, actions: string[], trust = ECS_TASKS_TRUST): Promise<string> {
  const role = await aws(c, "iam", "create-role", "--role-name", name, "--assume-role-policy-document", trust);
  if (actions.length) {
    const policy = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: actions, Resource: "*" }] });
    await aws(c, "iam", "put-role-policy", "--role-name", name, "--policy-name", "allowed", "--policy-document", policy);
  }
  return role.Role.Arn as string;
}

/** Every line a task's containers wrote, through Berth_20261128.GetTaskLogs (what `berth logs` reads). */
export async function taskOutput(c: Cluster, taskArn: string, cluster = "default"): Promise<string[]> {
  const page = await jsonCall<{ events?: { message: string }[] }>(
    { endpoint: endpointOf(c), region: "us-east-1", credentials: TEST_KEYS, service: "berth" },
    BERTH_TARGET_PREFIX,
    "GetTaskLogs",
    { cluster, task: taskArn, limit: 10_000 },
  );
  return (page.events ?? []).map((e) => e.message);
}

/** Every file under `dir` (recursively) whose bytes contain one of `needles`: path → which. */
export function filesContaining(dir: string, needles: readonly string[]): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    if (!existsSync(d)) return;
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const st = statSync(p, { throwIfNoEntry: false });
      if (!st) continue;
      if (st.isDirectory()) walk(p);
      else if (st.isFile()) {
        const bytes = readFileSync(p);
        for (const n of needles) if (bytes.includes(Buffer.from(n))) found.push(`${p} contains ${n.slice(0, 6)}…`);
      }
    }
  };
  walk(dir);
  return found;
}

/** Needles found in a text: which. */
export function textContaining(text: string, needles: readonly string[]): string[] {
  return needles.filter((n) => text.includes(n)).map((n) => `${n.slice(0, 6)}…`);
}
