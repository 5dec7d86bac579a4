// Berth_20261128.ValidateRequest: the answer an ECS operation would give before touching state
// (its input shape, and the stateless rules of RegisterTaskDefinition and CreateService), with
// nothing written. berth apply asks it about every document before writing any.
import { ListTaskDefinitionFamiliesCommand } from "@aws-sdk/client-ecs";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { rawCall } from "../helpers/raw.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

describe("Berth_20261128.ValidateRequest", () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({ scheduler: false });
  });
  after(() => s.close());

  const validate = (operation: string, input: unknown) => rawCall(s.url, "Berth_20261128.ValidateRequest", JSON.stringify({ operation, input }));
  const td = { family: "web", containerDefinitions: [{ name: "app", image: "busybox", memory: 32 }] };

  it("answers {} for requests ECS would take, and writes nothing", async () => {
    for (const [operation, input] of [
      ["RegisterTaskDefinition", td],
      ["CreateService", { serviceName: "web", taskDefinition: "web", desiredCount: 2 }],
      ["CreateCluster", { clusterName: "lab" }],
    ] as const) {
      const res = await validate(operation, input);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(res.body, {});
    }
    const families = await s.ecs.send(new ListTaskDefinitionFamiliesCommand({}));
    assert.deepEqual(families.families, []);
  });

  it("refuses what the operation would refuse, with its exception and message", async () => {
    const cases: [string, unknown, string, RegExp][] = [
      ["RegisterTaskDefinition", { family: "web", containerDefinitions: [] }, "ClientException", /at least one container definition/],
      ["RegisterTaskDefinition", { family: "bad name", containerDefinitions: td.containerDefinitions }, "ClientException", /Family 'bad name' is invalid/],
      ["RegisterTaskDefinition", { ...td, networkMode: "overlay" }, "InvalidParameterException", /networkMode/],
      ["RegisterTaskDefinition", { ...td, containerDefinitions: [{ name: "app", image: "x", memory: "32" }] }, "SerializationException", /containerDefinitions\[0\]\.memory/],
      ["CreateService", { serviceName: "web", taskDefinition: "web" }, "InvalidParameterException", /desiredCount/],
      ["CreateService", { serviceName: "web", taskDefinition: "web", desiredCount: 1, deploymentConfiguration: { minimumHealthyPercent: 100, maximumPercent: 90 } }, "InvalidParameterException", /maximumPercent/],
      ["CreateService", { taskDefinition: "web", desiredCount: 1 }, "InvalidParameterException", /serviceName/],
      ["Frobnicate", {}, "InvalidParameterException", /'Frobnicate' is not an ECS operation/],
    ];
    for (const [operation, input, type, message] of cases) {
      const res = await validate(operation, input);
      assert.equal(res.status, 400, `${operation} ${JSON.stringify(input)}`);
      assert.match(String(res.body.__type), new RegExp(type), JSON.stringify(res.body));
      assert.match(String(res.body.message), message, JSON.stringify(res.body));
    }
  });
});
