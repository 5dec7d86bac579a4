import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { agentCommand, parseAttribute } from "./agent-command.js";

describe("berth agent flags", () => {
  it("parses repeatable attributes, with and without a value", () => {
    assert.deepEqual(parseAttribute("zone=lab", parseAttribute("gpu")), [{ name: "gpu" }, { name: "zone", value: "lab" }]);
    assert.deepEqual(parseAttribute("k=a=b"), [{ name: "k", value: "a=b" }]);
    assert.throws(() => parseAttribute("bad name=1"), /attribute name "bad name"/);
  });

  it("declares the documented options with ECS's defaults", () => {
    const cmd = agentCommand();
    const flags = cmd.options.map((o) => o.long);
    for (const f of ["--endpoint", "--cluster", "--runtime", "--attribute", "--cpu", "--memory", "--state-dir", "--availability-zone", "--instance-type", "--metadata-port"]) {
      assert.ok(flags.includes(f), `missing ${f}`);
    }
    const opts = cmd.exitOverride().parseOptions(["--endpoint", "http://x"]);
    assert.deepEqual(opts.unknown, []);
    assert.equal(cmd.opts().cluster, "default");
    assert.equal(cmd.opts().metadataPort, 51679);
    assert.equal(cmd.opts().runtime, "auto");
  });

  it("rejects a runtime it does not know", () => {
    const cmd = agentCommand().exitOverride().configureOutput({ writeErr: () => {} });
    assert.throws(() => cmd.parse(["--endpoint", "http://x", "--runtime", "podman"], { from: "user" }), /Allowed choices are auto, docker, process, simulated/);
  });
});
