// berth's DNS server answers Cloud Map private namespaces to real resolvers: node's
// dns.promises.Resolver (c-ares, UDP) and, where Debian's bind9-dnsutils is installed, dig
// (over UDP and TCP).
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { Resolver } from "node:dns/promises";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import pino from "pino";
import { startControlPlane, type ControlPlane } from "../../src/api/control-plane.js";
import { cloudMap, privateService } from "../helpers/cloud-map.js";

const run = promisify(execFile);

async function noDig(): Promise<string | undefined> {
  try {
    await run("dig", ["-v"]);
    return undefined;
  } catch {
    return "dig is not installed here (Debian: apt-get install bind9-dnsutils)";
  }
}

describe("the DNS server for Cloud Map private namespaces", async () => {
  const digMissing = await noDig();
  let cp: ControlPlane;
  let dataDir: string;
  let resolver: Resolver;
  let call: ReturnType<typeof cloudMap>;
  let serviceId: string;
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "berth-dns-"));
    cp = await startControlPlane({ dataDir, port: 0, dns: { host: "127.0.0.1", port: 0 }, scheduler: false, logger: pino({ level: "silent" }) });
    resolver = new Resolver({ timeout: 2000, tries: 1 });
    resolver.setServers([`127.0.0.1:${cp.dns!.port}`]);
    call = cloudMap(cp.url);
    ({ serviceId } = await privateService(call, "corp.internal", "api", [{ Type: "A", TTL: 42 }]));
    const srv = await privateService(call, "srv.internal", "_web._tcp", [{ Type: "SRV", TTL: 7 }]);
    await call("RegisterInstance", { ServiceId: serviceId, InstanceId: "task-a", Attributes: { AWS_INSTANCE_IPV4: "10.9.0.1" } });
    await call("RegisterInstance", { ServiceId: serviceId, InstanceId: "task-b", Attributes: { AWS_INSTANCE_IPV4: "10.9.0.2" } });
    await call("RegisterInstance", { ServiceId: srv.serviceId, InstanceId: "task-c", Attributes: { AWS_INSTANCE_IPV4: "127.0.0.1", AWS_INSTANCE_PORT: "32801" } });
  });
  after(async () => {
    resolver?.cancel();
    await cp?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("answers A with each registered instance and the service's TTL", async () => {
    const records = await resolver.resolve4("api.corp.internal", { ttl: true });
    assert.deepEqual(records.map((r) => r.address).sort(), ["10.9.0.1", "10.9.0.2"]);
    assert.ok(records.every((r) => r.ttl === 42));
  });

  it("answers SRV with the instance's port and host, and that host's A record", async () => {
    assert.deepEqual(await resolver.resolveSrv("_web._tcp.srv.internal"), [{ name: "task-c._web._tcp.srv.internal", port: 32801, priority: 1, weight: 1 }]);
    assert.deepEqual(await resolver.resolve4("task-c._web._tcp.srv.internal"), ["127.0.0.1"]);
  });

  it("says NXDOMAIN for unknown names and NODATA for a type the service has no record of", async () => {
    await assert.rejects(resolver.resolve4("nope.corp.internal"), { code: "ENOTFOUND" });
    await assert.rejects(resolver.resolveSrv("api.corp.internal"), { code: "ENODATA" });
    await assert.rejects(resolver.resolve4("example.com"), { code: "EREFUSED" });
  });

  it("follows the store: a deregistered instance leaves the answer at once", async () => {
    await call("DeregisterInstance", { ServiceId: serviceId, InstanceId: "task-b" });
    assert.deepEqual(await resolver.resolve4("api.corp.internal"), ["10.9.0.1"]);
    await call("RegisterInstance", { ServiceId: serviceId, InstanceId: "task-b", Attributes: { AWS_INSTANCE_IPV4: "10.9.0.2" } });
  });

  it("answers dig over UDP and TCP, authoritatively", { skip: digMissing }, async () => {
    for (const transport of ["+notcp", "+tcp"]) {
      const { stdout } = await run("dig", ["@127.0.0.1", "-p", String(cp.dns!.port), transport, "+time=2", "+tries=1", "api.corp.internal", "A"]);
      assert.match(stdout, /status: NOERROR/);
      assert.match(stdout, /flags: qr aa/);
      assert.match(stdout, /api\.corp\.internal\.\s+42\s+IN\s+A\s+10\.9\.0\.1/);
    }
    const { stdout } = await run("dig", ["@127.0.0.1", "-p", String(cp.dns!.port), "+time=2", "+tries=1", "gone.corp.internal", "A"]);
    assert.match(stdout, /status: NXDOMAIN/);
    assert.match(stdout, /corp\.internal\.\s+15\s+IN\s+SOA/);
  });
});
