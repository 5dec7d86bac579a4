// `berth server --store etcd://…`: the ECS API through the AWS SDK on a control plane whose
// state is in a real etcd; the state outlives the server (a restart, and SIGKILL mid-writes).
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, GetLogEventsCommand, PutLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeClustersCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand,
} from "@aws-sdk/client-ecs";
import { etcdMissing, startEtcd, type EtcdCluster } from "../helpers/etcd.js";
import { spawnServer, type ServerProcess } from "../helpers/process.js";
import { ecsClient } from "../helpers/server.js";

const missing = etcdMissing();

describe("berth server on etcd", { ...(missing ? { skip: missing } : {}) }, () => {
  let etcd: EtcdCluster;
  let dir: string;
  const running: ServerProcess[] = [];
  const serve = async (name: string, prefix = "api") => {
    const s = await spawnServer(join(dir, name), ["--store", etcd.storeUrl(prefix)]);
    running.push(s);
    return s;
  };
  before(async () => {
    etcd = await startEtcd();
    dir = mkdtempSync(join(tmpdir(), "berth-etcd-server-"));
  });
  after(async () => {
    for (const s of running) await s.stop("SIGKILL");
    await etcd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("serves the ECS API, and a new server on the same etcd reads it all back", async () => {
    const first = await serve("first");
    const ecs = ecsClient(first.url);
    await ecs.send(new CreateClusterCommand({ clusterName: "on-etcd" }));
    const td = await ecs.send(
      new RegisterTaskDefinitionCommand({ family: "web", containerDefinitions: [{ name: "web", image: "nginx", memory: 128, essential: true }] }),
    );
    await ecs.send(new CreateServiceCommand({ cluster: "on-etcd", serviceName: "web", taskDefinition: "web", desiredCount: 0 }));
    const before = await ecs.send(new DescribeServicesCommand({ cluster: "on-etcd", services: ["web"] }));
    await first.stop("SIGTERM");

    // Another data dir: nothing local carries the state over, only etcd does.
    const second = await serve("second");
    const again = ecsClient(second.url);
    const clusters = await again.send(new DescribeClustersCommand({ clusters: ["on-etcd"] }));
    assert.equal(clusters.clusters?.[0]?.status, "ACTIVE");
    const def = await again.send(new DescribeTaskDefinitionCommand({ taskDefinition: "web:1" }));
    assert.deepEqual(def.taskDefinition?.containerDefinitions, td.taskDefinition?.containerDefinitions);
    const services = await again.send(new DescribeServicesCommand({ cluster: "on-etcd", services: ["web"] }));
    assert.equal(services.services?.[0]?.serviceArn, before.services?.[0]?.serviceArn);
    assert.equal(services.services?.[0]?.taskDefinition, td.taskDefinition?.taskDefinitionArn);
    await second.stop("SIGTERM");
  });

  it("keeps every acknowledged write when the server is killed with SIGKILL", async () => {
    const server = await serve("killed", "killed");
    const ecs = ecsClient(server.url);
    const acknowledged: number[] = [];
    let stop = false;
    // Four writers register revisions of one family until the kill; each success is recorded.
    const writers = Array.from({ length: 4 }, async () => {
      while (!stop) {
        try {
          const res = await ecs.send(
            new RegisterTaskDefinitionCommand({ family: "durable", containerDefinitions: [{ name: "c", image: "busybox", memory: 64 }] }),
          );
          acknowledged.push(res.taskDefinition!.revision!);
        } catch {
          return; // the server is gone
        }
      }
    });
    while (acknowledged.length < 40) await new Promise((r) => setTimeout(r, 10));
    await server.stop("SIGKILL");
    stop = true;
    await Promise.all(writers);

    const next = await serve("after-kill", "killed");
    const listed = await ecsClient(next.url).send(new ListTaskDefinitionsCommand({ familyPrefix: "durable" }));
    const stored = new Set((listed.taskDefinitionArns ?? []).map((arn) => Number(arn.split(":").pop())));
    const missingRevisions = acknowledged.filter((r) => !stored.has(r));
    assert.deepEqual(missingRevisions, [], `${missingRevisions.length} of ${acknowledged.length} acknowledged revisions are missing`);
    await next.stop("SIGTERM");
  });

  it("CloudWatch Logs events go to the server's own file; groups and streams to etcd", async () => {
    const server = await serve("logs", "logs");
    const logs = new CloudWatchLogsClient({ endpoint: server.url, region: "us-east-1", credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "secret" }, maxAttempts: 1 });
    await logs.send(new CreateLogGroupCommand({ logGroupName: "g" }));
    await logs.send(new CreateLogStreamCommand({ logGroupName: "g", logStreamName: "s" }));
    await logs.send(new PutLogEventsCommand({ logGroupName: "g", logStreamName: "s", logEvents: [{ timestamp: Date.now(), message: "hello etcd" }] }));
    const got = await logs.send(new GetLogEventsCommand({ logGroupName: "g", logStreamName: "s", startFromHead: true }));
    assert.deepEqual(got.events?.map((e) => e.message), ["hello etcd"]);
    await server.stop("SIGTERM");
  });
});
