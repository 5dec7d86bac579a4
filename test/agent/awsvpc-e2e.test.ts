// awsvpc end to end (root, the AWS CLI): the CLI makes a VPC, a subnet and a security group on a
// real control plane; RunTask places an awsvpc task on a real agent (process runtime), which
// gives it a namespace with the ENI's address; its two containers talk over localhost; the host
// reaches it at the address DescribeTasks shows, on the port the group opens only; StopTask
// removes the namespace and frees the ENI. The VPC is 10.218.0.0/16, a range of this test's own.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { RunTaskCommand, StopTaskCommand } from "@aws-sdk/client-ecs";
import type { Agent } from "../../src/agent/index.js";
import { namespaceName, observeHost, taskNetworkingUnavailable } from "../../src/network/index.js";
import { type Cluster, startCluster, until } from "./harness.js";
import { run } from "../helpers/aws-cli.js";

const ENV = { AWS_ACCESS_KEY_ID: "AKIDTEST", AWS_SECRET_ACCESS_KEY: "secret", AWS_DEFAULT_REGION: "us-east-1", AWS_PAGER: "" };
const noCli = await run("aws", ["--version"]).then(() => undefined, (err: Error) => `the AWS CLI does not run here (${err.message.split("\n")[0]})`);
const skip = (await taskNetworkingUnavailable()) ?? noCli;
if (skip) console.log(`# skipping the awsvpc end-to-end test: ${skip}`);

describe("awsvpc from the AWS CLI to a namespace (root)", { skip, timeout: 120_000 }, () => {
  let c: Cluster;
  let agent: Agent;
  let www: string;
  // biome-ignore lint: JSON from the CLI
  const ec2 = async (...args: string[]): Promise<any> => {
    const { stdout } = await run("aws", ["ec2", ...args, "--endpoint-url", c.cp.url, "--output", "json"], { env: { ...process.env, ...ENV } });
    return stdout.trim() ? JSON.parse(stdout) : {};
  };

  before(async () => {
    www = mkdtempSync(join(tmpdir(), "berth-e2e-www-"));
    writeFileSync(join(www, "index.html"), "hello from an awsvpc task\n");
    c = await startCluster();
    agent = await c.startAgent();
  });

  after(async () => {
    await c?.close();
    rmSync(www, { recursive: true, force: true });
  });

  it("runs the task at its ENI's address, reachable on the opened port only, and removes it at STOPPED", async () => {
    const vpc = (await ec2("create-vpc", "--cidr-block", "10.218.0.0/16")).Vpc.VpcId;
    const subnet = (await ec2("create-subnet", "--vpc-id", vpc, "--cidr-block", "10.218.1.0/24")).Subnet.SubnetId;
    const sg = (await ec2("create-security-group", "--group-name", "web", "--description", "web", "--vpc-id", vpc)).GroupId;
    await ec2("authorize-security-group-ingress", "--group-id", sg, "--protocol", "tcp", "--port", "8080", "--cidr", "10.218.0.0/16");
    const td = await c.registerTaskDefinition(
      "e2e-web",
      [
        { name: "web", image: "busybox", memory: 32, stopTimeout: 2, essential: true, command: ["busybox", "httpd", "-f", "-p", "8080", "-h", www] },
        { name: "probe", image: "busybox", memory: 32, stopTimeout: 2, essential: false, command: ["busybox", "httpd", "-f", "-p", "9090", "-h", www] },
        { name: "client", image: "busybox", memory: 32, stopTimeout: 2, essential: false, command: ["sh", "-c", "until busybox wget -q -O - http://127.0.0.1:8080/; do sleep 0.1; done; sleep 300"] },
        // The metadata endpoint, as the agent told the container (the subnet router's address).
        { name: "meta", image: "busybox", memory: 32, stopTimeout: 2, essential: false, command: ["sh", "-c", 'until busybox wget -q -O - "$ECS_CONTAINER_METADATA_URI_V4/task"; do sleep 0.2; done; echo; sleep 300'] },
      ],
      { networkMode: "awsvpc" },
    );
    const res = await c.ecs.send(
      new RunTaskCommand({ cluster: "default", taskDefinition: td, networkConfiguration: { awsvpcConfiguration: { subnets: [subnet], securityGroups: [sg] } } }),
    );
    const arn = res.tasks?.[0]?.taskArn;
    assert.ok(arn, `RunTask placed nothing: ${JSON.stringify(res.failures)}`);
    const running = await c.waitTask(arn, "RUNNING", (t) => t.lastStatus === "RUNNING", 30_000);
    const attachment = running.attachments!.find((a) => a.type === "ElasticNetworkInterface")!;
    const details = Object.fromEntries(attachment.details!.map((d) => [d.name, d.value]));
    assert.equal(attachment.status, "ATTACHED");
    const ip = details.privateIPv4Address!;
    assert.match(ip, /^10\.218\.1\.\d+$/);
    const taskId = arn.slice(arn.lastIndexOf("/") + 1);
    assert.ok((await observeHost()).namespaces.includes(namespaceName(taskId)));

    // The client reached the server on localhost (its loop ended), the host reaches the task.
    const clientId = running.containers!.find((x) => x.name === "client")!.runtimeId!;
    await until("the client's call", async () => {
      for await (const l of agent.driver.logs(clientId)) if (l.line === "hello from an awsvpc task") return true;
      return false;
    }, 20_000);
    assert.equal(await (await fetch(`http://${ip}:8080/`)).text(), "hello from an awsvpc task\n");
    const metaId = running.containers!.find((x) => x.name === "meta")!.runtimeId!;
    const metadata = await until("the task metadata from inside the task", async () => {
      for await (const l of agent.driver.logs(metaId)) if (l.line.startsWith("{")) return JSON.parse(l.line) as { TaskARN: string };
      return undefined;
    }, 20_000);
    assert.equal(metadata.TaskARN, arn);
    // 9090 answers inside the task but no rule of the group opens it.
    const closed = await run("busybox", ["nc", "-w", "1", ip, "9090"]).then(() => "open", (err: { stderr: string }) => err.stderr);
    assert.match(closed, /timed out/);

    await c.ecs.send(new StopTaskCommand({ cluster: "default", task: arn, reason: "test is done" }));
    const stopped = await c.waitTask(arn, "STOPPED", (t) => t.lastStatus === "STOPPED", 30_000);
    assert.notEqual(stopped.attachments!.find((a) => a.type === "ElasticNetworkInterface")!.status, "ATTACHED");
    assert.ok(!(await observeHost()).namespaces.includes(namespaceName(taskId)), "the namespace is gone once STOPPED");
    assert.deepEqual((await ec2("describe-network-interfaces", "--filters", `Name=subnet-id,Values=${subnet}`)).NetworkInterfaces, []);
  });
});
