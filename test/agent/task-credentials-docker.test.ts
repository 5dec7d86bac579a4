// Task role credentials with the docker runtime (root, Docker and the test image): a bridge
// container reaches 169.254.170.2 through the host's redirect on Docker's bridge (one rule,
// this agent's port), and reads its task role's credentials at its relative URI with busybox
// wget; a secret reaches the container's environment through Docker's Env. Skips, saying why,
// where any of that is missing.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import type { Agent } from "../../src/agent/index.js";
import { observeHost, taskNetworkingUnavailable } from "../../src/network/index.js";
import { type Cluster, dockerSkipReason, startCluster, TEST_IMAGE as IMAGE, until } from "./harness.js";
import { aws, makeRole, noCli, taskOutput } from "./identity-helpers.js";

const skip = (await taskNetworkingUnavailable()) ?? (await dockerSkipReason()) ?? noCli;
if (skip) console.log(`# skipping the docker task credentials test: ${skip}`);

describe("task role credentials with the docker runtime (root)", { skip, timeout: 180_000 }, () => {
  it("a bridge container reads its role's credentials at 169.254.170.2 and its secret from its environment", async () => {
    const c: Cluster = await startCluster();
    try {
      const agent = await c.startAgent({ runtime: "docker" });
      await bridgeContainerReads(c, agent);
    } finally {
      await c.close();
    }
  });
});

async function bridgeContainerReads(c: Cluster, agent: Agent): Promise<void> {
  const role = await makeRole(c, "docker-task-role", []);
  const exec = await makeRole(c, "docker-exec-role", ["ssm:GetParameters"]);
  const value = `docker-secret-${Date.now()}`;
  await aws(c, "ssm", "put-parameter", "--name", "/docker/secret", "--type", "SecureString", "--value", value);
  // The redirect on Docker's bridge is this agent's.
  const rules = (await observeHost()).credentialsRules;
  assert.ok(rules.some((r) => r.kind === "bridge" && r.port === agent.metadataPort), JSON.stringify(rules));
  const td = await c.registerTaskDefinition(
    "docker-creds",
    [
      {
        name: "app",
        image: IMAGE,
        memory: 32,
        stopTimeout: 2,
        secrets: [{ name: "SECRET", valueFrom: "/docker/secret" }],
        command: [
          "sh",
          "-c",
          [
            'echo "relative=${AWS_CONTAINER_CREDENTIALS_RELATIVE_URI:+set} full=${AWS_CONTAINER_CREDENTIALS_FULL_URI:-none}"',
            'echo "role $(wget -q -O - "http://169.254.170.2$AWS_CONTAINER_CREDENTIALS_RELATIVE_URI" | grep -o \'"RoleArn":"[^"]*"\')"',
            'echo "secret $(printf %s "$SECRET" | sha256sum | cut -c1-16)"',
            "echo done; exec sleep 300",
          ].join("\n"),
        ],
      },
    ],
    { networkMode: "bridge", taskRoleArn: role, executionRoleArn: exec },
  );
  const arn = await c.runTask(td);
  await c.waitTask(arn, "RUNNING", (t) => t.lastStatus === "RUNNING", 60_000);
  const out = await until("the container's output", async () => {
    const lines = await taskOutput(c, arn);
    return lines.includes("done") ? lines : undefined;
  }, 60_000, 250);
  assert.deepEqual(out.slice(0, 3), [
    "relative=set full=none",
    `role "RoleArn":"${role}"`,
    `secret ${createHash("sha256").update(value).digest("hex").slice(0, 16)}`,
  ]);
}
