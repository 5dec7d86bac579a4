import {
  DeleteTaskDefinitionsCommand,
  DeregisterTaskDefinitionCommand,
  DescribeTaskDefinitionCommand,
  ListTaskDefinitionFamiliesCommand,
  ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand,
  ClientException,
  type RegisterTaskDefinitionCommandInput,
} from "@aws-sdk/client-ecs";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { errorOf, startTestServer, type TestServer } from "../helpers/server.js";

const web = (over: Partial<RegisterTaskDefinitionCommandInput> = {}): RegisterTaskDefinitionCommandInput => ({
  family: "web",
  containerDefinitions: [
    {
      name: "app",
      image: "nginx:1.27",
      memory: 256,
      portMappings: [{ containerPort: 80 }],
      environment: [{ name: "MODE", value: "prod" }],
      healthCheck: { command: ["CMD-SHELL", "wget -q -O- localhost || exit 1"] },
    },
  ],
  ...over,
});

describe("task definitions through the AWS SDK", () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(() => s.close());

  it("registers revisions 1, 2, ... with ECS's defaults filled in", async () => {
    const one = await s.ecs.send(new RegisterTaskDefinitionCommand(web({ tags: [{ key: "app", value: "web" }] })));
    const td = one.taskDefinition!;
    assert.equal(td.taskDefinitionArn, "arn:aws:ecs:us-east-1:000000000000:task-definition/web:1");
    assert.equal(td.revision, 1);
    assert.equal(td.status, "ACTIVE");
    assert.deepEqual(td.compatibilities, ["EXTERNAL", "EC2"]);
    assert.ok(td.registeredAt instanceof Date);
    const c = td.containerDefinitions![0]!;
    assert.equal(c.essential, true);
    assert.equal(c.cpu, 0);
    assert.deepEqual(c.portMappings, [{ containerPort: 80, hostPort: 0, protocol: "tcp" }]);
    assert.deepEqual(c.healthCheck, { command: ["CMD-SHELL", "wget -q -O- localhost || exit 1"], interval: 30, timeout: 5, retries: 3 });
    assert.ok(td.requiresAttributes?.some((a) => a.name === "ecs.capability.container-health-check"));
    assert.deepEqual(one.tags, [{ key: "app", value: "web" }]);
    const two = await s.ecs.send(new RegisterTaskDefinitionCommand(web()));
    assert.equal(two.taskDefinition?.revision, 2);
  });

  it("describes by family (latest ACTIVE), family:revision and ARN, with tags on request", async () => {
    const byFamily = await s.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: "web" }));
    assert.equal(byFamily.taskDefinition?.revision, 2);
    const byRev = await s.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: "web:1", include: ["TAGS"] }));
    assert.equal(byRev.taskDefinition?.revision, 1);
    assert.deepEqual(byRev.tags, [{ key: "app", value: "web" }]);
    const byArn = await s.ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: "arn:aws:ecs:us-east-1:000000000000:task-definition/web:2" }),
    );
    assert.equal(byArn.taskDefinition?.revision, 2);
    assert.equal(byArn.tags, undefined);
    const missing = await errorOf(() => s.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: "web:99" })));
    assert.ok(missing instanceof ClientException);
    assert.equal(missing.message, "Unable to describe task definition.");
  });

  it("allocates distinct consecutive revisions to concurrent registrations", async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, () => s.ecs.send(new RegisterTaskDefinitionCommand(web({ family: "burst" })))),
    );
    const revs = results.map((r) => r.taskDefinition!.revision!).sort((a, b) => a - b);
    assert.deepEqual(revs, Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it("deregisters to INACTIVE; family describe skips it; revisions are never reused", async () => {
    await s.ecs.send(new RegisterTaskDefinitionCommand(web({ family: "cycle" })));
    await s.ecs.send(new RegisterTaskDefinitionCommand(web({ family: "cycle" })));
    const dereg = await s.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: "cycle:2" }));
    assert.equal(dereg.taskDefinition?.status, "INACTIVE");
    assert.ok(dereg.taskDefinition?.deregisteredAt instanceof Date);
    const latest = await s.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: "cycle" }));
    assert.equal(latest.taskDefinition?.revision, 1);
    const next = await s.ecs.send(new RegisterTaskDefinitionCommand(web({ family: "cycle" })));
    assert.equal(next.taskDefinition?.revision, 3);
    const noRev = await errorOf(() => s.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: "cycle" })));
    assert.equal(noRev.name, "ClientException");
  });

  it("deletes only INACTIVE revisions, reporting ACTIVE ones as failures", async () => {
    const res = await s.ecs.send(new DeleteTaskDefinitionsCommand({ taskDefinitions: ["cycle:2", "cycle:1"] }));
    assert.deepEqual(res.taskDefinitions?.map((t) => [t.revision, t.status]), [[2, "DELETE_IN_PROGRESS"]]);
    assert.equal(res.failures?.length, 1);
    assert.match(res.failures![0]!.reason!, /still in ACTIVE status/);
  });

  it("lists with status, exact family filter, DESC order and pagination", async () => {
    const asc = await s.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: "cycle" }));
    assert.deepEqual(asc.taskDefinitionArns?.map((a) => a.split("/")[1]), ["cycle:1", "cycle:3"]);
    const inactive = await s.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: "cycle", status: "DELETE_IN_PROGRESS" }));
    assert.deepEqual(inactive.taskDefinitionArns?.map((a) => a.split("/")[1]), ["cycle:2"]);
    const desc = await s.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: "burst", sort: "DESC", maxResults: 3 }));
    assert.deepEqual(desc.taskDefinitionArns?.map((a) => a.split("/")[1]), ["burst:20", "burst:19", "burst:18"]);
    const rest: string[] = [];
    let token = desc.nextToken;
    while (token) {
      const page = await s.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: "burst", sort: "DESC", maxResults: 7, nextToken: token }));
      rest.push(...page.taskDefinitionArns!);
      token = page.nextToken;
    }
    assert.equal(rest.length, 17);
    assert.equal(rest[0]?.split("/")[1], "burst:17");
    assert.equal(rest.at(-1)?.split("/")[1], "burst:1");
    const all = await s.ecs.send(new ListTaskDefinitionsCommand({}));
    const families = all.taskDefinitionArns!.map((a) => a.split("/")[1]!.split(":")[0]);
    assert.deepEqual(families, [...families].sort());
  });

  it("lists families with a true prefix filter and ACTIVE / INACTIVE status", async () => {
    await s.ecs.send(new RegisterTaskDefinitionCommand(web({ family: "gone" })));
    await s.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: "gone:1" }));
    const all = await s.ecs.send(new ListTaskDefinitionFamiliesCommand({}));
    assert.deepEqual(all.families, ["burst", "cycle", "gone", "web"]);
    const active = await s.ecs.send(new ListTaskDefinitionFamiliesCommand({ status: "ACTIVE" }));
    assert.deepEqual(active.families, ["burst", "cycle", "web"]);
    const inactive = await s.ecs.send(new ListTaskDefinitionFamiliesCommand({ status: "INACTIVE" }));
    assert.deepEqual(inactive.families, ["gone"]);
    const prefixed = await s.ecs.send(new ListTaskDefinitionFamiliesCommand({ familyPrefix: "c" }));
    assert.deepEqual(prefixed.families, ["cycle"]);
  });

  it("validates Fargate definitions: network mode, sizes and valid pairs", async () => {
    const fargate = (cpu: string, memory: string, networkMode: "awsvpc" | "bridge" = "awsvpc") =>
      s.ecs.send(new RegisterTaskDefinitionCommand(web({ family: "fg", requiresCompatibilities: ["FARGATE"], networkMode, cpu, memory })));
    const ok = await fargate("0.5 vCPU", "1GB");
    assert.equal(ok.taskDefinition?.cpu, "512");
    assert.equal(ok.taskDefinition?.memory, "1024");
    assert.deepEqual(ok.taskDefinition?.compatibilities, ["EC2", "FARGATE"]);
    assert.deepEqual(ok.taskDefinition?.containerDefinitions?.[0]?.portMappings, [{ containerPort: 80, hostPort: 80, protocol: "tcp" }]);
    const pair = await errorOf(() => fargate("256", "4096"));
    assert.equal(pair.name, "ClientException");
    assert.equal(pair.message, "No Fargate configuration exists for given values.");
    const mode = await errorOf(() => fargate("256", "512", "bridge"));
    assert.equal(mode.message, "Fargate only supports network mode 'awsvpc'.");
  });

  it("rejects bad definitions with ClientException naming the field", async () => {
    const cases: [Partial<RegisterTaskDefinitionCommandInput>, RegExp][] = [
      [{ containerDefinitions: [{ name: "a", memory: 128 }] }, /image/],
      [{ containerDefinitions: [{ name: "a", image: "x" }] }, /At least one of 'memory' or 'memoryReservation'/],
      [{ containerDefinitions: [{ name: "a", image: "x", memory: 128, memoryReservation: 256 }] }, /memoryReservation/],
      [{ containerDefinitions: [{ name: "a", image: "x", memory: 128, essential: false }] }, /essential/],
      [{ containerDefinitions: [{ name: "a", image: "x", memory: 128 }, { name: "a", image: "y", memory: 128 }] }, /Duplicate container name/],
      [{ containerDefinitions: [{ name: "a", image: "x", memory: 128, dependsOn: [{ containerName: "b", condition: "START" }] }] }, /dependsOn/],
      [{ containerDefinitions: [{ name: "a", image: "x", memory: 128, mountPoints: [{ sourceVolume: "v", containerPath: "/d" }] }] }, /sourceVolume/],
      [{ family: "bad family" }, /Family/],
      [{ cpu: "lots" }, /cpu/],
    ];
    for (const [over, message] of cases) {
      const err = await errorOf(() => s.ecs.send(new RegisterTaskDefinitionCommand(web(over))));
      assert.equal(err.name, "ClientException", `${JSON.stringify(over)} → ${err.name}: ${err.message}`);
      assert.match(err.message, message);
    }
    // The model's enum for task definition constraints has memberOf alone.
    const constraint = await errorOf(() =>
      s.ecs.send(new RegisterTaskDefinitionCommand(web({ placementConstraints: [{ type: "distinctInstance" as never }] }))),
    );
    assert.equal(constraint.name, "InvalidParameterException");
    assert.match(constraint.message, /placementConstraints\[0\]\.type/);
    const families = await s.ecs.send(new ListTaskDefinitionFamiliesCommand({ familyPrefix: "bad" }));
    assert.deepEqual(families.families, []);
  });

  it("keeps a container's restartPolicy, requires the agent's capability, and rejects ECS's out-of-range values", async () => {
    const withPolicy = (restartPolicy: object) =>
      web({ family: "restarts", containerDefinitions: [{ name: "app", image: "x", memory: 64, restartPolicy: restartPolicy as never }] });
    const ok = await s.ecs.send(new RegisterTaskDefinitionCommand(withPolicy({ enabled: true, ignoredExitCodes: [0], restartAttemptPeriod: 60 })));
    assert.deepEqual(ok.taskDefinition?.containerDefinitions?.[0]?.restartPolicy, { enabled: true, ignoredExitCodes: [0], restartAttemptPeriod: 60 });
    assert.ok(ok.taskDefinition?.requiresAttributes?.some((a) => a.name === "ecs.capability.container-restart-policy"));
    const cases: [object, RegExp][] = [
      [{ enabled: true, restartAttemptPeriod: 59 }, /'restartPolicy\.restartAttemptPeriod' must be between 60 and 1800 seconds, found 59/],
      [{ enabled: true, restartAttemptPeriod: 1801 }, /'restartPolicy\.restartAttemptPeriod' must be between 60 and 1800 seconds, found 1801/],
      [{ enabled: true, ignoredExitCodes: Array.from({ length: 51 }, (_, i) => i) }, /'restartPolicy\.ignoredExitCodes' may list at most 50 exit codes, found 51/],
    ];
    for (const [policy, message] of cases) {
      const err = await errorOf(() => s.ecs.send(new RegisterTaskDefinitionCommand(withPolicy(policy))));
      assert.equal(err.name, "ClientException", `${JSON.stringify(policy)} → ${err.name}: ${err.message}`);
      assert.match(err.message, message);
      assert.match(err.message, /container 'app'/);
    }
    const missing = await errorOf(() => s.ecs.send(new RegisterTaskDefinitionCommand(withPolicy({ restartAttemptPeriod: 60 }))));
    assert.match(missing.message, /enabled/);
    const revisions = await s.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: "restarts" }));
    assert.equal(revisions.taskDefinitionArns?.length, 1, "nothing registered for the rejected ones");
  });

  it("rejects a missing required member and a wrong type before touching state", async () => {
    const missing = await errorOf(() => s.ecs.send(new RegisterTaskDefinitionCommand({ family: "x" } as never)));
    assert.equal(missing.name, "InvalidParameterException");
    assert.match(missing.message, /containerDefinitions/);
    const wrong = await errorOf(() =>
      s.ecs.send(new RegisterTaskDefinitionCommand({ family: "x", containerDefinitions: [{ name: "a", image: "b", memory: "lots" as never }] })),
    );
    assert.equal(wrong.name, "SerializationException");
    assert.match(wrong.message, /containerDefinitions\[0\]\.memory/);
  });
});
