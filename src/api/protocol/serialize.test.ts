import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ecsModel } from "../ecs/model.generated.js";
import { serializeOutput } from "./serialize.js";

describe("serializeOutput", () => {
  it("keeps only the shape's members, at every depth, turns timestamps to seconds and drops absent ones", () => {
    const out = serializeOutput(ecsModel, "DescribeTaskDefinitionResponse", {
      taskDefinition: {
        family: "web",
        revision: 3,
        registeredAt: 1_700_000_000_500,
        deregisteredAt: undefined,
        internalIndex: "must not leak",
        containerDefinitions: [{ name: "app", image: "busybox", cpu: 64, secretNote: "must not leak", portMappings: [{ containerPort: 80, extra: 1 }] }],
      },
      tags: [{ key: "k", value: "v", owner: "x" }],
      unknownTopLevel: true,
    });
    assert.deepEqual(out, {
      taskDefinition: {
        family: "web",
        revision: 3,
        registeredAt: 1_700_000_000.5,
        containerDefinitions: [{ name: "app", image: "busybox", cpu: 64, portMappings: [{ containerPort: 80 }] }],
      },
      tags: [{ key: "k", value: "v" }],
    });
  });

  it("ignores inherited properties and answers {} for an operation without output", () => {
    const value = Object.create({ family: "inherited" }) as Record<string, unknown>;
    value.revision = 1;
    assert.deepEqual(serializeOutput(ecsModel, "DescribeTaskDefinitionResponse", { taskDefinition: value }), { taskDefinition: { revision: 1 } });
    assert.deepEqual(serializeOutput(ecsModel, null, { anything: 1 }), {});
  });
});
