// Task set writes survive kill -9: writers create task sets, scale them and move the primary
// while the server is killed without warning; after a restart on the same data directory every
// acknowledged set is there with the scale and status of its last acknowledged write.
import {
  CreateClusterCommand,
  CreateServiceCommand,
  CreateTaskSetCommand,
  DescribeTaskSetsCommand,
  RegisterTaskDefinitionCommand,
  UpdateServicePrimaryTaskSetCommand,
  UpdateTaskSetCommand,
} from "@aws-sdk/client-ecs";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { spawnServer } from "../helpers/process.js";
import { ecsClient } from "../helpers/server.js";

describe("task sets across kill -9", () => {
  it("keeps every acknowledged CreateTaskSet, UpdateTaskSet and UpdateServicePrimaryTaskSet", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "berth-kill-ts-"));
    try {
      const first = await spawnServer(dataDir);
      const ecs = ecsClient(first.url);
      await ecs.send(new CreateClusterCommand({ clusterName: "k" }));
      await ecs.send(new RegisterTaskDefinitionCommand({ family: "app", containerDefinitions: [{ name: "c", image: "busybox", memory: 32 }] }));
      /** service → set id → the scale and primary-ness its last acknowledged write left. */
      const acked = new Map<string, Map<string, { scale: number; primary: boolean }>>();
      let writes = 0;
      let stop = false;
      const writer = async (w: number) => {
        for (let round = 0; !stop; round++) {
          const service = `s-${w}-${round}`;
          try {
            await ecs.send(new CreateServiceCommand({ cluster: "k", serviceName: service, desiredCount: 10, deploymentController: { type: "EXTERNAL" } }));
            const sets = new Map<string, { scale: number; primary: boolean }>();
            acked.set(service, sets);
            for (let i = 0; i < 3 && !stop; i++) {
              const { taskSet } = await ecs.send(new CreateTaskSetCommand({ cluster: "k", service, taskDefinition: "app", scale: { value: 10 * i, unit: "PERCENT" } }));
              sets.set(taskSet!.id!, { scale: 10 * i, primary: false });
              await ecs.send(new UpdateTaskSetCommand({ cluster: "k", service, taskSet: taskSet!.id!, scale: { value: 50 + i, unit: "PERCENT" } }));
              sets.get(taskSet!.id!)!.scale = 50 + i;
              await ecs.send(new UpdateServicePrimaryTaskSetCommand({ cluster: "k", service, primaryTaskSet: taskSet!.id! }));
              for (const v of sets.values()) v.primary = false;
              sets.get(taskSet!.id!)!.primary = true;
              writes += 3;
            }
          } catch {
            return; // the server died under us: that write was never acknowledged
          }
        }
      };
      const writers = Array.from({ length: 6 }, (_, w) => writer(w));
      try {
        const deadline = Date.now() + 60_000;
        while (writes < 150 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      } finally {
        await first.stop("SIGKILL");
        stop = true;
        await Promise.all(writers);
        ecs.destroy();
      }
      assert.ok(writes >= 150, `the load made progress (${writes} writes)`);

      const second = await spawnServer(dataDir);
      const again = ecsClient(second.url);
      try {
        for (const [service, sets] of acked) {
          const { taskSets } = await again.send(new DescribeTaskSetsCommand({ cluster: "k", service }));
          const found = new Map((taskSets ?? []).map((t) => [t.id!, t]));
          for (const [id, want] of sets) {
            const got = found.get(id);
            assert.ok(got, `task set ${id} of ${service} survived`);
            // A write in flight at the kill may have landed after the last acknowledged one:
            // the stored scale is the acknowledged one or the next step's.
            assert.ok(got.scale!.value! >= want.scale, `${service} ${id}: scale ${got.scale!.value} ≥ ${want.scale}`);
            if (want.primary) assert.ok(got.status === "PRIMARY" || [...sets.keys()].indexOf(id) < sets.size - 1, `${service} ${id} stayed PRIMARY`);
          }
        }
      } finally {
        again.destroy();
        await second.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
