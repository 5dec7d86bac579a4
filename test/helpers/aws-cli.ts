// What tests driving the real AWS CLI and boto3 share: test credentials in the environment, and
// a reason to skip when a tool is not installed here.
import { execFile } from "node:child_process";
import { promisify } from "node:util";

export const run = promisify(execFile);

/** The environment the CLI and boto3 read: test credentials, us-east-1, no pager. */
export const AWS_ENV = { AWS_ACCESS_KEY_ID: "AKIDTEST", AWS_SECRET_ACCESS_KEY: "secret", AWS_DEFAULT_REGION: "us-east-1", AWS_PAGER: "" };

/** Why a tool cannot run here (for a test's `skip`), or undefined when it runs. */
export async function missingTool(cmd: string, args: string[]): Promise<string | undefined> {
  try {
    await run(cmd, args);
    return undefined;
  } catch (err) {
    return `${cmd} ${args.join(" ")} fails here (${(err as Error).message.split("\n")[0]})`;
  }
}
