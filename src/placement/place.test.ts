import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { explainPlacement, place } from "./place.js";
import { createSnapshot } from "./snapshot.js";
import { DEFAULT_RUN_TASK_PLACEMENT_STRATEGY, DEFAULT_SERVICE_PLACEMENT_STRATEGY } from "./strategies.js";
import { aRequest, anInstance, idOf, seededRng } from "./test-builders.js";
import type { InstanceView, PlacementRequest, PlacementResult } from "./types.js";

function run(request: Partial<PlacementRequest>, instances: InstanceView[], seed = 1): PlacementResult {
  return place(aRequest(request), instances, { rng: seededRng(seed) });
}

function chosen(result: PlacementResult): string[] {
  return result.placements.map((p) => idOf(p.instanceArn));
}

function reasons(result: PlacementResult): Record<string, string> {
  return Object.fromEntries(result.failures.map((f) => [idOf(f.arn), f.reason]));
}

describe("place: filters and failure reasons", () => {
  const cases: { name: string; instance: Parameters<typeof anInstance>[0]; request?: Partial<PlacementRequest>; reason: string; detail: string }[] = [
    { name: "not ACTIVE", instance: { id: "a", status: "DRAINING" }, reason: "INACTIVE", detail: "container instance status is DRAINING, not ACTIVE" },
    { name: "agent disconnected", instance: { id: "a", agentConnected: false }, reason: "AGENT", detail: "the agent is not connected" },
    {
      name: "missing required attribute",
      instance: { id: "a" },
      request: { requiredAttributes: ["ecs.capability.task-eni", "com.amazonaws.ecs.capability.ecr-auth"] },
      reason: "ATTRIBUTE",
      detail: "missing required attribute com.amazonaws.ecs.capability.ecr-auth",
    },
    {
      name: "required attribute with another value",
      instance: { id: "a", attributes: { stack: "dev" } },
      request: { requiredAttributes: [{ name: "stack", value: "prod" }] },
      reason: "ATTRIBUTE",
      detail: "attribute stack is 'dev', required 'prod'",
    },
    {
      name: "memberOf false",
      instance: { id: "a", type: "m5.large" },
      request: { constraints: [{ type: "memberOf", expression: "attribute:ecs.instance-type =~ t2.*" }] },
      reason: "MemberOf placement constraint unsatisfied.",
      detail: "memberOf 'attribute:ecs.instance-type =~ t2.*' is false",
    },
    {
      name: "distinctInstance with a task of the group",
      instance: { id: "a", tasks: [{ group: "service:web" }] },
      request: { group: "service:web", constraints: [{ type: "distinctInstance" }] },
      reason: "DistinctInstance placement constraint unsatisfied.",
      detail: "a task of group service:web already runs here",
    },
    { name: "cpu", instance: { id: "a", cpu: 100 }, reason: "RESOURCE:CPU", detail: "needs 256 CPU units, 100 remaining" },
    { name: "memory", instance: { id: "a", memory: 500 }, reason: "RESOURCE:MEMORY", detail: "needs 512 MiB of memory, 500 remaining" },
    {
      name: "tcp port in use",
      instance: { id: "a", ports: [22, 80] },
      request: { hostPorts: { tcp: [443, 80], udp: [] } },
      reason: "RESOURCE:PORTS",
      detail: "host port 80/tcp is already in use",
    },
    {
      name: "tcp port limit of 100",
      instance: { id: "a", ports: Array.from({ length: 100 }, (_, k) => 1000 + k) },
      request: { hostPorts: { tcp: [80] } },
      reason: "RESOURCE:PORTS",
      detail: "100 tcp host ports reserved; 1 more would pass the limit of 100",
    },
    {
      name: "udp port in use",
      instance: { id: "a", portsUdp: [53] },
      request: { hostPorts: { tcp: [80], udp: [53] } },
      reason: "RESOURCE:PORTS_UDP",
      detail: "host port 53/udp is already in use",
    },
    {
      name: "no ENI left for an awsvpc task",
      instance: { id: "a", enis: 0 },
      request: { eni: true },
      reason: "RESOURCE:ENI",
      detail: "no ENI left for an awsvpc task (its limit is reached)",
    },
  ];
  for (const c of cases) {
    it(`${c.name} → ${c.reason}`, () => {
      const result = run(c.request ?? {}, [anInstance(c.instance)]);
      assert.deepEqual(result.placements, []);
      assert.equal(result.unplaced, 1);
      assert.deepEqual(result.failures, [{ arn: anInstance(c.instance).arn, reason: c.reason, detail: c.detail }]);
    });
  }

  it("reports the first failing check, in pipeline order", () => {
    const result = run({ constraints: [{ type: "memberOf", expression: "attribute:stack == prod" }] }, [
      anInstance({ id: "drain", status: "DRAINING", agentConnected: false, cpu: 0 }),
      anInstance({ id: "agent", agentConnected: false, cpu: 0 }),
      anInstance({ id: "member", cpu: 0 }),
      anInstance({ id: "cpu", attributes: { stack: "prod" }, cpu: 0, memory: 0 }),
      anInstance({ id: "mem", attributes: { stack: "prod" }, memory: 0 }),
    ]);
    assert.deepEqual(reasons(result), {
      drain: "INACTIVE",
      agent: "AGENT",
      member: "MemberOf placement constraint unsatisfied.",
      cpu: "RESOURCE:CPU",
      mem: "RESOURCE:MEMORY",
    });
    assert.deepEqual(result.closest && idOf(result.closest.arn), "mem");
  });

  it("treats dynamic host ports (0) as no conflict", () => {
    const result = run({ hostPorts: { tcp: [0, 0], udp: [0] } }, [anInstance({ id: "a", ports: [0, 22] })]);
    assert.deepEqual(chosen(result), ["a"]);
  });

  it("accepts port lists given as arrays", () => {
    const instance = anInstance({ id: "a" });
    const asArrays = { ...instance, remaining: { ...instance.remaining, ports: [22, 80], portsUdp: [] } };
    assert.equal(run({ hostPorts: { tcp: [80] } }, [asArrays]).failures[0]?.reason, "RESOURCE:PORTS");
  });

  it("places nothing and reports no failures on an empty cluster", () => {
    assert.deepEqual(run({ count: 3 }, []), { placements: [], failures: [], unplaced: 3 });
  });
});

describe("place: several tasks in one call", () => {
  it("books resources between tasks and reports why the rest did not fit", () => {
    const result = run({ count: 4, memory: 1000, strategy: [{ type: "binpack", field: "memory" }] }, [
      anInstance({ id: "a", memory: 2500 }),
      anInstance({ id: "b", memory: 1200 }),
    ]);
    assert.deepEqual(chosen(result), ["b", "a", "a"]);
    assert.equal(result.unplaced, 1);
    assert.deepEqual(result.failures, [
      { arn: anInstance({ id: "a" }).arn, reason: "RESOURCE:MEMORY", detail: "needs 1000 MiB of memory, 500 remaining" },
      { arn: anInstance({ id: "b" }).arn, reason: "RESOURCE:MEMORY", detail: "needs 1000 MiB of memory, 200 remaining" },
    ]);
  });

  it("books ENIs between tasks; instances that count none, and tasks that take none, are not limited", () => {
    const result = run({ count: 4, eni: true, strategy: [{ type: "binpack", field: "memory" }] }, [
      anInstance({ id: "a", enis: 2, memory: 4000 }),
      anInstance({ id: "b", enis: 1, memory: 3000 }),
    ]);
    assert.deepEqual(chosen(result), ["b", "a", "a"]);
    assert.deepEqual(reasons(result), { a: "RESOURCE:ENI", b: "RESOURCE:ENI" });
    assert.equal(run({ count: 3, eni: true }, [anInstance({ id: "c" })]).unplaced, 0);
    assert.equal(run({ count: 3 }, [anInstance({ id: "d", enis: 0 })]).unplaced, 0);
  });

  it("books host ports between tasks", () => {
    const result = run({ count: 3, hostPorts: { tcp: [80], udp: [] } }, [anInstance({ id: "a" }), anInstance({ id: "b" })]);
    assert.deepEqual(chosen(result).sort(), ["a", "b"]);
    assert.deepEqual(reasons(result), { a: "RESOURCE:PORTS", b: "RESOURCE:PORTS" });
  });

  it("applies distinctInstance to tasks placed earlier in the same call", () => {
    const result = run({ count: 3, group: "service:web", constraints: [{ type: "distinctInstance" }] }, [
      anInstance({ id: "a" }),
      anInstance({ id: "b" }),
    ]);
    assert.equal(result.placements.length, 2);
    assert.deepEqual(reasons(result), {
      a: "DistinctInstance placement constraint unsatisfied.",
      b: "DistinctInstance placement constraint unsatisfied.",
    });
  });

  it("re-evaluates task-dependent memberOf expressions after each placement", () => {
    const result = run({ count: 3, constraints: [{ type: "memberOf", expression: "runningTasksCount < 2" }] }, [
      anInstance({ id: "a", tasks: [{ group: "x" }] }),
      anInstance({ id: "b", tasks: [{ group: "x" }, { group: "y", desiredStatus: "STOPPED" }] }),
    ]);
    assert.deepEqual(chosen(result).sort(), ["a", "b"]);
    assert.deepEqual(reasons(result), {
      a: "MemberOf placement constraint unsatisfied.",
      b: "MemberOf placement constraint unsatisfied.",
    });
  });

  it("supports affinity to a task group", () => {
    const result = run(
      { count: 2, constraints: [{ type: "memberOf", expression: "task:group == service:db" }] },
      [anInstance({ id: "a" }), anInstance({ id: "b", tasks: [{ group: "service:db" }] }), anInstance({ id: "c" })],
    );
    assert.deepEqual(chosen(result), ["b", "b"]);
  });

  it("supports anti-affinity to a task group", () => {
    const result = run(
      { count: 4, group: "service:db", constraints: [{ type: "memberOf", expression: "not(task:group == service:db)" }] },
      [anInstance({ id: "a" }), anInstance({ id: "b", tasks: [{ group: "service:db" }] }), anInstance({ id: "c" })],
    );
    assert.deepEqual(chosen(result).sort(), ["a", "c"]);
    assert.equal(result.unplaced, 2);
  });

  it("does not change the snapshot: a second call starts from the same state", () => {
    const snapshot = createSnapshot([anInstance({ id: "a", memory: 1024 })]);
    const first = place(aRequest({ count: 2 }), snapshot, { rng: seededRng(1) });
    const second = place(aRequest({ count: 2 }), snapshot, { rng: seededRng(1) });
    assert.deepEqual(chosen(first), ["a", "a"]);
    assert.deepEqual(second, first);
  });
});

describe("place: strategies", () => {
  const byMemory = [
    anInstance({ id: "m4096", memory: 4096, cpu: 512 }),
    anInstance({ id: "m1024", memory: 1024, cpu: 2048 }),
    anInstance({ id: "m600", memory: 600, cpu: 1024 }),
    anInstance({ id: "m256", memory: 256, cpu: 4096 }),
  ];

  it("binpack memory: the least remaining memory that still fits", () => {
    assert.deepEqual(chosen(run({ strategy: [{ type: "binpack", field: "memory" }] }, byMemory)), ["m600"]);
  });

  it("binpack cpu: the least remaining cpu that still fits", () => {
    assert.deepEqual(chosen(run({ strategy: [{ type: "binpack", field: "cpu" }] }, byMemory)), ["m4096"]);
  });

  it("binpack fills an instance before moving to the next", () => {
    const result = run({ count: 5, memory: 512, strategy: [{ type: "binpack", field: "memory" }] }, [
      anInstance({ id: "big", memory: 2048 }),
      anInstance({ id: "small", memory: 1024 }),
    ]);
    assert.deepEqual(chosen(result), ["small", "small", "big", "big", "big"]);
  });

  it("spread instanceId (and host): fewest tasks of the same group, other groups and stopped tasks ignored", () => {
    const instances = [
      anInstance({ id: "a", tasks: [{ group: "service:web" }, { group: "service:web" }] }),
      anInstance({ id: "b", tasks: [{ group: "service:web" }, { group: "service:api" }, { group: "service:api" }] }),
      anInstance({ id: "c", tasks: [{ group: "service:web" }, { group: "service:web" }, { group: "service:web", desiredStatus: "STOPPED" }] }),
    ];
    for (const field of ["instanceId", "host"]) {
      const result = run({ count: 3, group: "service:web", strategy: [{ type: "spread", field }] }, instances);
      // b has 1 task of service:web, a and c have 2: b first; then all three tie at 2, so the
      // next two tasks go to two different instances.
      assert.deepEqual(chosen(result)[0], "b");
      assert.notEqual(chosen(result)[1], chosen(result)[2]);
    }
  });

  it("spread by attribute balances values, counting tasks on instances that cannot take this one", () => {
    const result = run({ count: 3, group: "service:web", strategy: [{ type: "spread", field: "attribute:ecs.availability-zone" }] }, [
      anInstance({ id: "a1", az: "a", memory: 0, tasks: [{ group: "service:web" }, { group: "service:web" }] }),
      anInstance({ id: "a2", az: "a" }),
      anInstance({ id: "b1", az: "b", tasks: [{ group: "service:web" }] }),
      anInstance({ id: "c1", az: "c" }),
    ]);
    // AZ a holds 2 tasks (on a1, which is full), b 1, c 0: c first; then b and c tie at 1, so
    // the next two go one to each.
    assert.equal(chosen(result)[0], "c1");
    assert.deepEqual(chosen(result).slice(1).sort(), ["b1", "c1"]);
  });

  it("spread by attribute treats instances lacking it as one more bucket", () => {
    const result = run({ count: 3, group: "service:web", strategy: [{ type: "spread", field: "attribute:rack" }] }, [
      anInstance({ id: "r1", attributes: { rack: "1" }, tasks: [{ group: "service:web" }] }),
      anInstance({ id: "r2", attributes: { rack: "2" }, tasks: [{ group: "service:web" }] }),
      anInstance({ id: "none" }),
    ]);
    assert.deepEqual(chosen(result)[0], "none");
  });

  it("spread by AZ then binpack memory: the emptiest AZ, and in it the fullest instance", () => {
    const result = run(
      {
        count: 2,
        group: "service:web",
        strategy: [
          { type: "spread", field: "attribute:ecs.availability-zone" },
          { type: "binpack", field: "memory" },
        ],
      },
      [
        anInstance({ id: "a-full", az: "a", memory: 600, tasks: [{ group: "service:web" }] }),
        anInstance({ id: "b-roomy", az: "b", memory: 4096 }),
        anInstance({ id: "b-snug", az: "b", memory: 700 }),
      ],
    );
    assert.deepEqual(chosen(result), ["b-snug", "a-full"]);
  });

  it("later strategies only break the ties of earlier ones", () => {
    const instances = [
      anInstance({ id: "x", memory: 1024, tasks: [{ group: "service:web" }] }),
      anInstance({ id: "y", memory: 1024 }),
      anInstance({ id: "z", memory: 2048 }),
    ];
    const result = run(
      { group: "service:web", strategy: [{ type: "binpack", field: "memory" }, { type: "spread", field: "instanceId" }] },
      instances,
    );
    assert.deepEqual(chosen(result), ["y"]);
  });

  it("binpack then spread by AZ: the AZ spread decides among equally full instances", () => {
    const result = run(
      {
        group: "service:web",
        strategy: [{ type: "binpack", field: "memory" }, { type: "spread", field: "attribute:ecs.availability-zone" }],
      },
      [
        anInstance({ id: "a", az: "a", memory: 1024, tasks: [{ group: "service:web" }] }),
        anInstance({ id: "b", az: "b", memory: 1024 }),
        anInstance({ id: "c", az: "c", memory: 900, tasks: [{ group: "service:web" }] }),
      ],
    );
    assert.deepEqual(chosen(result), ["c"]);
    const tie = run(
      {
        group: "service:web",
        strategy: [{ type: "binpack", field: "memory" }, { type: "spread", field: "attribute:ecs.availability-zone" }],
      },
      [
        anInstance({ id: "a", az: "a", memory: 1024, tasks: [{ group: "service:web" }] }),
        anInstance({ id: "b", az: "b", memory: 1024 }),
      ],
    );
    assert.deepEqual(chosen(tie), ["b"]);
  });

  it("random is seeded: the same seed gives the same choices, and every feasible instance gets picked", () => {
    const instances = ["a", "b", "c", "d"].map((id) => anInstance({ id }));
    const request = { count: 1, strategy: [{ type: "random" as const }] };
    assert.deepEqual(run(request, instances, 7), run(request, instances, 7));
    const seen = new Set<string>();
    for (let seed = 0; seed < 64; seed++) seen.add(chosen(run(request, instances, seed))[0]!);
    assert.deepEqual([...seen].sort(), ["a", "b", "c", "d"]);
  });

  it("ignores strategies after random", () => {
    const instances = [anInstance({ id: "full", memory: 512 }), anInstance({ id: "empty", memory: 4096 })];
    const seen = new Set<string>();
    for (let seed = 0; seed < 32; seed++) {
      seen.add(chosen(run({ strategy: [{ type: "random" }, { type: "binpack", field: "memory" }] }, instances, seed))[0]!);
    }
    assert.deepEqual([...seen].sort(), ["empty", "full"]);
  });

  it("services default to spreading across AZs, then across instances", () => {
    assert.deepEqual(DEFAULT_SERVICE_PLACEMENT_STRATEGY, [
      { type: "spread", field: "attribute:ecs.availability-zone" },
      { type: "spread", field: "instanceId" },
    ]);
    const instances = ["a", "b", "c"].flatMap((az) => [anInstance({ id: `${az}1`, az }), anInstance({ id: `${az}2`, az })]);
    const result = run({ count: 6, group: "service:web", strategy: [] }, instances, 3);
    assert.deepEqual(chosen(result).sort(), ["a1", "a2", "b1", "b2", "c1", "c2"]);
    const azOrder = chosen(result).map((id) => id[0]);
    assert.deepEqual(new Set(azOrder.slice(0, 3)).size, 3, "the first three tasks land in three AZs");
  });

  it("standalone tasks default to random", () => {
    assert.deepEqual(DEFAULT_RUN_TASK_PLACEMENT_STRATEGY, [{ type: "random" }]);
    const instances = [anInstance({ id: "a", memory: 512 }), anInstance({ id: "b", memory: 4096 })];
    const seen = new Set<string>();
    for (let seed = 0; seed < 32; seed++) seen.add(chosen(run({ group: "family:batch" }, instances, seed))[0]!);
    assert.deepEqual([...seen].sort(), ["a", "b"]);
  });

  it("uses family:<family> as the group when none is given", () => {
    const request: PlacementRequest = { count: 1, cpu: 0, memory: 0, family: "web", constraints: [{ type: "distinctInstance" }] };
    const result = place(request, [anInstance({ id: "a", tasks: [{ group: "family:web" }] }), anInstance({ id: "b" })], {
      rng: seededRng(1),
    });
    assert.deepEqual(chosen(result), ["b"]);
  });
});

describe("explainPlacement", () => {
  it("gives every instance's verdict for one task", () => {
    const verdicts = explainPlacement(aRequest({ cpu: 1024 }), [anInstance({ id: "ok" }), anInstance({ id: "busy", cpu: 512 })]);
    assert.deepEqual(verdicts, [
      { arn: anInstance({ id: "ok" }).arn },
      { arn: anInstance({ id: "busy" }).arn, failure: { reason: "RESOURCE:CPU", detail: "needs 1024 CPU units, 512 remaining" } },
    ]);
  });
});
