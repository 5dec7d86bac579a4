import type { Service, TaskDefinition } from "@aws-sdk/client-ecs";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { serviceProblems, type Observed } from "./apply-check.js";
import type { EcsDocuments } from "./apply-documents.js";
import { runnableLocally } from "./apply-network.js";

const ARN = "arn:aws:ecs:us-east-1:000000000000:task-definition";
const registered = (ref: string, over: Partial<TaskDefinition> = {}): TaskDefinition => {
  const [family, revision = "1"] = ref.split(":");
  return { taskDefinitionArn: `${ARN}/${family}:${revision}`, family, revision: Number(revision), status: "ACTIVE", networkMode: "bridge", ...over };
};
const seen = (over: Partial<Observed> = {}): Observed => ({
  clusters: new Set(["default"]),
  services: new Map(),
  taskDefinitions: new Map([["web", registered("web:1")]]),
  ...over,
});
const docs = (over: Partial<EcsDocuments> = {}): EcsDocuments => ({ clusters: [], taskDefinitions: [], services: [{ serviceName: "web", taskDefinition: "web", desiredCount: 1 }], ...over });

describe("serviceProblems", () => {
  it("finds what would fail after apply had written something, and nothing else", () => {
    const cases: [string, EcsDocuments, Observed, RegExp[]][] = [
      ["all well", docs(), seen(), []],
      ["a cluster that does not exist", docs(), seen({ clusters: new Set() }), [/^service\/web: cluster 'default' not found/]],
      ["its own cluster, not --cluster", docs({ services: [{ serviceName: "web", cluster: "lab", taskDefinition: "web" }] }), seen(), [/cluster 'lab' not found/]],
      ["a cluster the same apply creates", docs({ clusters: [{ clusterName: "lab" }], services: [{ serviceName: "web", cluster: "lab", taskDefinition: "web" }] }), seen({ clusters: new Set(["lab"]) }), []],
      ["a family nobody registered", docs(), seen({ taskDefinitions: new Map([["web", undefined]]) }), [/task definition 'web' is not registered; list them/]],
      [
        "a family this apply registers",
        docs({ taskDefinitions: [{ family: "web", containerDefinitions: [] }] }),
        seen({ taskDefinitions: new Map([["web", undefined]]) }),
        [],
      ],
      [
        "a revision not registered yet, of a family this apply registers",
        docs({ taskDefinitions: [{ family: "web", containerDefinitions: [] }], services: [{ serviceName: "web", taskDefinition: "web:9" }] }),
        seen({ taskDefinitions: new Map([["web:9", undefined]]) }),
        [/'web:9' is not registered; name the family alone \('web'\)/],
      ],
      [
        "an INACTIVE revision named anew",
        docs({ services: [{ serviceName: "web", taskDefinition: "web:1" }] }),
        seen({ taskDefinitions: new Map([["web:1", registered("web:1", { status: "INACTIVE" })]]) }),
        [/'web:1' is INACTIVE \(deregistered\)/],
      ],
      [
        "an INACTIVE revision the service already runs",
        docs({ services: [{ serviceName: "web", taskDefinition: "web:1" }] }),
        seen({
          taskDefinitions: new Map([["web:1", registered("web:1", { status: "INACTIVE" })]]),
          services: new Map([["default/web", { status: "ACTIVE", taskDefinition: `${ARN}/web:1` } as Service]]),
        }),
        [],
      ],
      ["a service being deleted", docs(), seen({ services: new Map([["default/web", { status: "DRAINING" } as Service]]) }), [/being deleted \(DRAINING\)/]],
      [
        "awsvpc without a network configuration",
        docs(),
        seen({ taskDefinitions: new Map([["web", registered("web:1", { networkMode: "awsvpc" })]]) }),
        [/Network Configuration must be provided when networkMode 'awsvpc' is specified; berth's agent cannot run awsvpc tasks yet/],
      ],
      [
        "awsvpc with one",
        docs({ services: [{ serviceName: "web", taskDefinition: "web", networkConfiguration: { awsvpcConfiguration: { subnets: ["s"] } } }] }),
        seen({ taskDefinitions: new Map([["web", registered("web:1", { networkMode: "awsvpc" })]]) }),
        [],
      ],
      ["no task definition for a new service", docs({ services: [{ serviceName: "web" }] }), seen(), [/names no taskDefinition/]],
    ];
    for (const [name, d, s, want] of cases) {
      const got = serviceProblems(d, "default", s);
      assert.equal(got.length, want.length, `${name}: ${JSON.stringify(got)}`);
      want.forEach((re, i) => assert.match(got[i]!, re, name));
    }
  });
});

describe("runnableLocally", () => {
  const tds = [
    { family: "web", networkMode: "awsvpc" as const, containerDefinitions: [{ name: "c", image: "x", portMappings: [{ containerPort: 80 }] }] },
    { family: "agent", networkMode: "host" as const, containerDefinitions: [{ name: "c", image: "x" }] },
  ];

  it("gives an awsvpc service without subnets the default VPC's, keeps named ones, and leaves other modes alone", () => {
    const r = runnableLocally(
      tds,
      [
        { serviceName: "web", taskDefinition: "web" },
        { serviceName: "web2", taskDefinition: "web", networkConfiguration: { awsvpcConfiguration: { subnets: ["mine"] } } },
        { serviceName: "agent", taskDefinition: "agent" },
      ],
      ["subnet-a", "subnet-b"],
    );
    assert.deepEqual(r.taskDefinitions, tds);
    assert.deepEqual(r.services, [
      { serviceName: "web", taskDefinition: "web", networkConfiguration: { awsvpcConfiguration: { subnets: ["subnet-a", "subnet-b"] } } },
      { serviceName: "web2", taskDefinition: "web", networkConfiguration: { awsvpcConfiguration: { subnets: ["mine"] } } },
      { serviceName: "agent", taskDefinition: "agent" },
    ]);
    assert.deepEqual(r.notes, ["service/web: awsvpc with the default VPC's subnets (subnet-a, subnet-b), as no subnets were named"]);
  });

  it("without default subnets, runs a translated awsvpc workload in bridge mode and says why", () => {
    const r = runnableLocally(
      tds,
      [
        { serviceName: "web", taskDefinition: "web", networkConfiguration: { awsvpcConfiguration: { subnets: ["s"] } } },
        { serviceName: "agent", taskDefinition: "agent" },
      ],
      [],
    );
    assert.deepEqual(r.taskDefinitions.map((t) => t.networkMode), ["bridge", "host"]);
    assert.deepEqual(r.taskDefinitions[0]!.containerDefinitions, [{ name: "c", image: "x", portMappings: [{ containerPort: 80 }] }]);
    assert.deepEqual(r.services, [{ serviceName: "web", taskDefinition: "web" }, { serviceName: "agent", taskDefinition: "agent" }]);
    assert.deepEqual(r.notes, [
      "taskdef/web: networkMode awsvpc → bridge, because the server has no default VPC to give its tasks addresses in; 'berth translate' shows the awsvpc form",
    ]);
  });
});
