import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runtimeJoinsNamespaces } from "./node-networks.js";

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
