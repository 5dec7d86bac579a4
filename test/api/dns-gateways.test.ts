// As root, berth's DNS server answers on port 53 of a subnet's router address once the host
// holds it (on a node's subnet bridge; here a bridge of the test's own with that address), and
// stops when the address goes. Elsewhere it skips, saying why.
import assert from "node:assert/strict";
import { execFile, spawnSync } from "node:child_process";
import { Resolver } from "node:dns/promises";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import pino from "pino";
import { startControlPlane, type ControlPlane } from "../../src/api/control-plane.js";
import { startGatewayListeners, type GatewayListeners } from "../../src/api/dns/gateway-listeners.js";
import { ec2 } from "../../src/domain/index.js";
import { cloudMap, privateService } from "../helpers/cloud-map.js";

const run = promisify(execFile);

function skipReason(): string | undefined {
  if (process.getuid?.() !== 0) return "binding port 53 and adding a link need root";
  if (spawnSync("ip", ["-V"]).status !== 0) return "iproute2 (ip) is not installed";
  if (spawnSync("ss", ["-Hlun", "sport = :53"]).stdout?.toString().includes("0.0.0.0:53")) return "something holds 0.0.0.0:53 on this host";
  return undefined;
}

// A range of this test's own, apart from the other network tests.
const LINK = `bsd${process.pid % 100000}`;
const ROUTER = "10.224.0.1";

describe("DNS on subnet router addresses (root)", { skip: skipReason() }, () => {
  let cp: ControlPlane;
  let dataDir: string;
  let listeners: GatewayListeners;
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "berth-dns-gw-"));
    cp = await startControlPlane({ dataDir, port: 0, scheduler: false, logger: pino({ level: "silent" }) });
    const scope = { accountId: "000000000000", region: "us-east-1" };
    const { Vpc } = await ec2.createVpc(cp.deps, scope, { CidrBlock: "10.224.0.0/16" });
    await ec2.createSubnet(cp.deps, scope, { VpcId: Vpc.VpcId, CidrBlock: "10.224.0.0/24" });
    const call = cloudMap(cp.url);
    const { serviceId } = await privateService(call, "gw.local", "api", [{ Type: "A", TTL: 30 }]);
    await call("RegisterInstance", { ServiceId: serviceId, InstanceId: "t1", Attributes: { AWS_INSTANCE_IPV4: "10.224.0.10" } });
    listeners = startGatewayListeners({ cache: cp.deps.cache, logger: pino({ level: "silent" }), intervalMs: 60_000 });
  });
  after(async () => {
    spawnSync("ip", ["link", "del", LINK]);
    await listeners?.close();
    await cp?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("listens once the router address is on the host, answers on port 53, and stops when it goes", async () => {
    await listeners.sync();
    assert.ok(!listeners.listening().includes(ROUTER), "no link holds the router address yet");
    await run("ip", ["link", "add", LINK, "type", "bridge"]);
    await run("ip", ["addr", "add", `${ROUTER}/24`, "dev", LINK]);
    await run("ip", ["link", "set", LINK, "up"]);
    await listeners.sync();
    assert.deepEqual(listeners.listening(), [ROUTER]);
    const resolver = new Resolver({ timeout: 2000, tries: 1 });
    resolver.setServers([ROUTER]); // port 53, as a task's resolv.conf says
    assert.deepEqual(await resolver.resolve4("api.gw.local"), ["10.224.0.10"]);
    await run("ip", ["link", "del", LINK]);
    await listeners.sync();
    assert.deepEqual(listeners.listening(), []);
  });
});
