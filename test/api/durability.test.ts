// Nothing acknowledged is lost: kill -9 the server in the middle of a write load, restart it on
// the same data directory, and every write that returned 200 is there.
import {
  CreateClusterCommand,
  DescribeTaskDefinitionCommand,
  ListClustersCommand,
  RegisterTaskDefinitionCommand,
} from "@aws-sdk/client-ecs";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { spawnServer } from "../helpers/process.js";
import { ecsClient } from "../helpers/server.js";

describe("durability across kill -9", () => {
  it("keeps every acknowledged write", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "berth-kill-"));
    try {
      const first = await spawnServer(dataDir);
      const ecs = ecsClient(first.url);
      const ackedRevisions: string[] = [];
      const ackedClusters: string[] = [];
      let stop = false;
      const writer = async (w: number) => {
        for (let i = 0; !stop; i++) {
          try {
            if (i % 4 === 0) {
              const name = `c-${w}-${i}`;
              await ecs.send(new CreateClusterCommand({ clusterName: name }));
              ackedClusters.push(name);
            } else {
              const res = await ecs.send(
                new RegisterTaskDefinitionCommand({ family: `f${w}`, containerDefinitions: [{ name: "c", image: "busybox", memory: 32 }] }),
              );
              ackedRevisions.push(res.taskDefinition!.taskDefinitionArn!);
            }
          } catch {
            return; // the server died under us: this write was never acknowledged
          }
        }
      };
      const writers = Array.from({ length: 8 }, (_, w) => writer(w));
      try {
        // Let the load run until it has made real progress (however busy the machine is), then
        // kill without warning while requests are in flight.
        const deadline = Date.now() + 60_000;
        while (ackedRevisions.length < 200 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      } finally {
        await first.stop("SIGKILL");
        stop = true;
        await Promise.all(writers);
        ecs.destroy();
      }
      assert.ok(ackedRevisions.length >= 200, `the load made progress (${ackedRevisions.length} writes)`);

      const second = await spawnServer(dataDir);
      const again = ecsClient(second.url);
      try {
        for (const arn of ackedRevisions) {
          const res = await again.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn }));
          assert.equal(res.taskDefinition?.taskDefinitionArn, arn);
        }
        const clusters = new Set<string>();
        let nextToken: string | undefined;
        do {
          const page = await again.send(new ListClustersCommand({ nextToken }));
          for (const a of page.clusterArns ?? []) clusters.add(a.split("/")[1]!);
          nextToken = page.nextToken;
        } while (nextToken);
        for (const name of ackedClusters) assert.ok(clusters.has(name), `cluster ${name} survived`);
        // Revision numbering continues after the crash without reusing a number.
        const next = await again.send(
          new RegisterTaskDefinitionCommand({ family: "f0", containerDefinitions: [{ name: "c", image: "busybox", memory: 32 }] }),
        );
        const used = ackedRevisions.filter((a) => a.includes("/f0:")).map((a) => Number(a.split(":").at(-1)));
        assert.ok(next.taskDefinition!.revision! > Math.max(0, ...used));
      } finally {
        again.destroy();
        await second.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
