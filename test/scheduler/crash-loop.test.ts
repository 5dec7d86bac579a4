// The restart storm of issue 18, end to end: a service whose container exits right after start
// (`sh -c "exit 1"`) on the process runtime. Before the crash-loop back-off it launched hundreds
// of tasks a minute; now its launches wait, with an event and a decision-log line that say until
// when, and resume when the back-off ends.
//
// Nothing here depends on the machine's speed: the bound counts tasks created before the time
// the event itself names, which a slow machine only makes smaller.
import { CreateServiceCommand, DescribeServicesCommand, DescribeTasksCommand, ListTasksCommand, UpdateServiceCommand, type Task } from "@aws-sdk/client-ecs";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type Cluster, startCluster, until } from "../agent/harness.js";
import { rawCall } from "../helpers/raw.js";

const DESIRED = 2;
const LOOP_EVENT = /^\(service crasher\) is crash-looping: (\d+) task\(s\) stopped within (\d+) s of starting; launches back off until (\S+)\.$/;

describe("a crash-looping service on the process runtime", { timeout: 240_000 }, () => {
  let c: Cluster;
  before(async () => {
    c = await startCluster();
    await c.startAgent({ cpu: 4096, memory: 4096 });
  });
  after(async () => {
    // Stop launching, then let the agent's close remove whatever is left.
    await c.ecs.send(new UpdateServiceCommand({ cluster: "default", service: "crasher", desiredCount: 0 })).catch(() => undefined);
    await until("no task left running", async () => ((await c.ecs.send(new ListTasksCommand({ cluster: "default" }))).taskArns ?? []).length === 0, 60_000).catch(() => undefined);
    await c?.close();
  });

  const allTasks = async (): Promise<Task[]> => {
    const arns: string[] = [];
    for (const desiredStatus of ["RUNNING", "STOPPED"] as const) {
      let nextToken: string | undefined;
      do {
        const page = await c.ecs.send(new ListTasksCommand({ cluster: "default", serviceName: "crasher", desiredStatus, ...(nextToken ? { nextToken } : {}) }));
        arns.push(...(page.taskArns ?? []));
        nextToken = page.nextToken;
      } while (nextToken);
    }
    const tasks: Task[] = [];
    for (let i = 0; i < arns.length; i += 100) {
      tasks.push(...((await c.ecs.send(new DescribeTasksCommand({ cluster: "default", tasks: arns.slice(i, i + 100) }))).tasks ?? []));
    }
    return tasks;
  };

  it("backs off its launches, says until when, and launches again after", async () => {
    const td = await c.registerTaskDefinition("crasher", [
      { name: "app", image: "busybox", memory: 32, cpu: 64, essential: true, entryPoint: ["sh", "-c"], command: ["exit 1"] },
    ]);
    await c.ecs.send(new CreateServiceCommand({ cluster: "default", serviceName: "crasher", taskDefinition: td, desiredCount: DESIRED }));

    const event = await until(
      "the crash-looping event",
      async () => {
        const svc = (await c.ecs.send(new DescribeServicesCommand({ cluster: "default", services: ["crasher"] }))).services![0]!;
        return svc.events!.map((e) => e.message!).find((m) => LOOP_EVENT.test(m));
      },
      120_000,
      200,
    );
    const [, crashes, , untilIso] = LOOP_EVENT.exec(event)!;
    const backoffEnd = Date.parse(untilIso!);
    assert.ok(Number(crashes) >= 2, event);

    // The decision log says why the pass launched nothing, with the last crash's reason.
    const res = await rawCall(c.cp.url, "Berth_20261128.DescribeServiceDecisions", JSON.stringify({ service: "crasher" }));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const waits = ((res.body.decisions as { waits: string[] }[]) ?? []).flatMap((d) => d.waits);
    assert.ok(
      waits.some((w) => /^crash-loop back-off until \S+ after \d+ crashes; last: Essential container in task exited/.test(w)),
      waits.join("\n"),
    );

    // Once the named time has passed, count what was launched before it: two rounds per slot
    // (the first crash is replaced at once, the second waits), plus at most one per slot for a
    // process that exited before its RUNNING was reported (a failed start, throttled apart).
    await new Promise((r) => setTimeout(r, Math.max(0, backoffEnd - Date.now()) + 500));
    const before = (await allTasks()).filter((t) => t.createdAt!.getTime() < backoffEnd);
    assert.ok(before.length >= DESIRED, `${before.length} tasks`);
    assert.ok(before.length <= 3 * DESIRED, `${before.length} tasks launched before the back-off ended at ${untilIso}`);

    // The back-off ends by itself: the service wakes and launches again.
    await until("a launch after the back-off", async () => (await allTasks()).some((t) => t.createdAt!.getTime() >= backoffEnd), 60_000, 200);
  });
});
