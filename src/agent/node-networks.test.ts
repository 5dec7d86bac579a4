import assert from "node:assert/strict";
import { describe, it } from "node:test";
import pino from "pino";
import { taskNetworkingUnavailable } from "../network/index.js";
import type { RuntimeDriver } from "../runtime/index.js";
import { nodeNetworks, runtimeJoinsNamespaces } from "./node-networks.js";

describe("runtimeJoinsNamespaces", () => {
  const cases: { name: string; runtime: "process" | "docker" | "simulated"; isolation?: string; holds?: boolean; want: RegExp | undefined }[] = [
    { name: "the process runtime with namespaces can", runtime: "process", isolation: "namespaces", want: undefined },
    { name: "the process runtime without isolation cannot", runtime: "process", isolation: "none", want: /without namespaces here \(isolation none\)/ },
    { name: "docker can, holding the namespace in a pause container", runtime: "docker", holds: true, want: undefined },
    { name: "a docker driver without a pause container cannot", runtime: "docker", want: /the docker runtime cannot run tasks in a namespace/ },
    { name: "the simulated runtime cannot", runtime: "simulated", want: /simulated/ },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const attrs = c.isolation ? [{ name: "berth.runtime.isolation", value: c.isolation }] : [];
      const got = runtimeJoinsNamespaces(c.runtime, attrs, c.holds);
      if (c.want) assert.match(got ?? "", c.want);
      else assert.equal(got, undefined);
    });
  }
});

const noNetworking = await taskNetworkingUnavailable();

describe("nodeNetworks", () => {
  it("where namespaces cannot be made, nothing changes: no task-eni, and the process runtime keeps port-translation=none", async () => {
    const driver = { name: "process", startNamespaceHolder: undefined } as unknown as RuntimeDriver;
    const got = await nodeNetworks(driver, [{ name: "berth.runtime.isolation", value: "none" }], pino({ level: "silent" }));
    assert.deepEqual(got.attributes, []);
    assert.equal(got.bridgeNamespaces, undefined);
    assert.match(got.unavailable ?? "", /without namespaces/);
  });

  it("where they can (root): task-eni, and the process runtime says it translates ports unless told not to", { skip: noNetworking ?? false }, async () => {
    const driver = { name: "process", startNamespaceHolder: undefined } as unknown as RuntimeDriver;
    const attrs = [{ name: "berth.runtime.isolation", value: "namespaces" }];
    const got = await nodeNetworks(driver, attrs, pino({ level: "silent" }));
    assert.deepEqual(got.attributes, [{ name: "ecs.capability.task-eni" }, { name: "berth.runtime.port-translation", value: "nat" }]);
    assert.equal(got.bridgeNamespaces, true);
    const off = await nodeNetworks(driver, attrs, pino({ level: "silent" }), { bridgeNamespaces: false });
    assert.deepEqual(off.attributes, [{ name: "ecs.capability.task-eni" }]);
    assert.equal(off.bridgeNamespaces, undefined);
  });
});
