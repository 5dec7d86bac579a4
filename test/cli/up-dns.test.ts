// `berth up --dns-port`: the DNS server for Cloud Map private namespaces starts with the
// control plane, on the address it prints, and answers a namespace created through the API.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { Resolver } from "node:dns/promises";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { cloudMap, privateService } from "../helpers/cloud-map.js";
import { BERTH_BIN } from "../helpers/process.js";

describe("berth up --dns-port", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "berth-up-dns-"));
  const child = spawn(process.execPath, [BERTH_BIN, "up", "--port", "0", "--dns-port", "0", "--data-dir", dataDir, "--runtime", "simulated", "--no-fargate"], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, BERTH_LOG_LEVEL: "warn" },
  });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  after(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGINT");
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("prints the DNS address and answers there", async () => {
    let out = "";
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on("data", (d: Buffer) => {
        out += d.toString();
        if (out.includes("next:")) resolve();
      });
      child.once("exit", (code) => reject(new Error(`berth up exited with ${code}: ${out}`)));
    });
    const endpoint = /endpoint:\s+(\S+)/.exec(out)![1]!;
    const dns = /dns:\s+127\.0\.0\.1:(\d+) answers Cloud Map private namespaces/.exec(out);
    assert.ok(dns, out);
    const call = cloudMap(endpoint);
    const { serviceId } = await privateService(call, "up.local", "web", [{ Type: "A", TTL: 60 }]);
    await call("RegisterInstance", { ServiceId: serviceId, InstanceId: "one", Attributes: { AWS_INSTANCE_IPV4: "10.1.2.3" } });
    const resolver = new Resolver({ timeout: 2000, tries: 1 });
    resolver.setServers([`127.0.0.1:${dns[1]}`]);
    assert.deepEqual(await resolver.resolve4("web.up.local"), ["10.1.2.3"]);
  });
});
