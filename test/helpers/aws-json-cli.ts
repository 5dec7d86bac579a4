// What the tests of berth's AWS JSON services share when driving the AWS CLI and boto3: a CLI
// call that returns the parsed output, a refusal read as `Code: message` with proof that the
// store did not change, and a batch of boto3 calls that must all fail, run in one process
// (one interpreter start instead of one CLI start per error).
import assert from "node:assert/strict";
import type { TestServer } from "./server.js";
import { AWS_ENV, run } from "./aws-cli.js";

// biome-ignore lint: JSON from the CLI
export type CliCall = (...args: string[]) => Promise<any>;

/** `aws <service> …` against the server, output parsed as JSON. */
export function awsCli(service: string, s: () => TestServer): CliCall {
  return async (...args) => {
    const { stdout } = await run("aws", [service, ...args, "--endpoint-url", s().url, "--output", "json"], { env: { ...process.env, ...AWS_ENV } });
    return stdout.trim() ? JSON.parse(stdout) : {};
  };
}

/** The store's keys and revisions: equal before and after means nothing was written. */
export const storeSnapshot = (s: TestServer) => s.cp.deps.cache.listEntries("/berth/").map((e) => `${e.key}@${e.modRevision}`);

/** A CLI call that must fail: its `Code: message`, after checking the store did not change. */
export function awsRefusal(call: CliCall, s: () => TestServer): CliCall {
  return async (...args) => {
    const before = storeSnapshot(s());
    try {
      await call(...args);
    } catch (err) {
      assert.deepEqual(storeSnapshot(s()), before, `${args[0]} changed the store although it failed`);
      const m = /An error occurred \((\w+)\) when calling the \w+ operation: (.*)/s.exec((err as { stderr: string }).stderr);
      assert.ok(m, (err as { stderr: string }).stderr);
      return `${m[1]}: ${m[2]!.trim()}`;
    }
    throw new Error(`${args.join(" ")} succeeded; it should have failed`);
  };
}

/**
 * Runs boto3 calls ([snake_case operation, arguments]) with client-side validation off, so the
 * server's own checks answer; returns each call's `Code: message` ("succeeded" if it did not
 * fail) and asserts that the store did not change.
 */
export async function botoRefusals(s: TestServer, service: string, calls: [string, Record<string, unknown>][]): Promise<string[]> {
  const script = `
import json, sys, boto3, botocore.config
client = boto3.client(sys.argv[2], endpoint_url=sys.argv[1], region_name="us-east-1", aws_access_key_id="AKIDTEST", aws_secret_access_key="secret",
                      config=botocore.config.Config(parameter_validation=False, retries={"max_attempts": 1}))
out = []
for op, args in json.loads(sys.argv[3]):
    try:
        getattr(client, op)(**args)
        out.append("succeeded")
    except client.exceptions.ClientError as e:
        out.append("%s: %s" % (e.response["Error"]["Code"], e.response["Error"]["Message"]))
print(json.dumps(out))
`;
  const before = storeSnapshot(s);
  const { stdout } = await run("python3", ["-c", script, s.url, service, JSON.stringify(calls)]);
  assert.deepEqual(storeSnapshot(s), before, "a refused call changed the store");
  return JSON.parse(stdout) as string[];
}
