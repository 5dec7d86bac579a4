// The load balancer controller in a real control plane (SQLite in memory): ELBv2 records put in
// the store as the API will write them, real HTTP backends on 127.0.0.1, requests through the
// listener at the load balancer's own loopback address, and the health records the controller
// writes back — initial → healthy, a 500 → unhealthy, a deregistered target draining until its
// request ends, an unused group, a port that is taken, a load balancer deleted.
import assert from "node:assert/strict";
import { Resolver } from "node:dns/promises";
import { request, type ClientRequest } from "node:http";
import { createServer, type Server } from "node:net";
import { after, before, describe, it } from "node:test";
import { CreateClusterCommand, RegisterContainerInstanceCommand } from "@aws-sdk/client-ecs";
import pino from "pino";
import { startControlPlane, type ControlPlane } from "../../src/api/control-plane.js";
import {
  elbKeys,
  type ListenerRecord,
  type LoadBalancerRecord,
  type TargetGroupRecord,
  type TargetHealthRecord,
  type TargetRecord,
} from "../../src/domain/elbv2/records.js";
import type { Op } from "../../src/store/index.js";
import { freePort } from "../helpers/ports.js";
import { ecsClient } from "../helpers/server.js";
import { startBackend, type Backend } from "./harness.js";

const scope = { accountId: "000000000000", region: "us-east-1" };
const ARN = "arn:aws:elasticloadbalancing:us-east-1:000000000000";

/** Polls until `check` holds, failing after 20 s: the machine is shared, nothing here is timed. */
async function until(what: string, check: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.fail(`timed out waiting until ${what}`);
}

function lbRecord(name: string, id: string, bindAddress: string): LoadBalancerRecord {
  return {
    LoadBalancerArn: `${ARN}:loadbalancer/app/${name}/${id}`,
    LoadBalancerName: name,
    DNSName: `${name}-1234567890.us-east-1.elb.localhost`,
    CanonicalHostedZoneId: "Z35SXDOTRQ7X7K",
    CreatedTime: new Date().toISOString(),
    Scheme: "internet-facing",
    VpcId: "vpc-1",
    State: { Code: "active" },
    Type: "application",
    AvailabilityZones: [],
    IpAddressType: "ipv4",
    attributes: { "idle_timeout.timeout_seconds": "60" },
    Tags: [],
    bindAddress,
  };
}

function tgRecord(name: string, id: string): TargetGroupRecord {
  return {
    TargetGroupArn: `${ARN}:targetgroup/${name}/${id}`,
    TargetGroupName: name,
    Protocol: "HTTP",
    Port: 80,
    VpcId: "vpc-1",
    HealthCheckProtocol: "HTTP",
    HealthCheckPort: "traffic-port",
    HealthCheckEnabled: true,
    // Faster than ELB allows (5 s at least), so the test does not wait for minutes.
    HealthCheckIntervalSeconds: 0.2,
    HealthCheckTimeoutSeconds: 1,
    HealthyThresholdCount: 2,
    UnhealthyThresholdCount: 2,
    HealthCheckPath: "/health",
    Matcher: { HttpCode: "200" },
    TargetType: "ip",
    IpAddressType: "ipv4",
    attributes: { "deregistration_delay.timeout_seconds": "300", "load_balancing.algorithm.type": "round_robin" },
    Tags: [],
  };
}

function listenerRecord(lb: LoadBalancerRecord, id: string, port: number, actions: ListenerRecord["DefaultActions"]): ListenerRecord {
  // ...:loadbalancer/app/<name>/<id> → ...:listener/app/<name>/<id>/<listener id>
  const [, name, lbId] = lb.LoadBalancerArn.split(":loadbalancer/")[1]!.split("/");
  return {
    ListenerArn: `${ARN}:listener/app/${name}/${lbId}/${id}`,
    LoadBalancerArn: lb.LoadBalancerArn,
    Port: port,
    Protocol: "HTTP",
    DefaultActions: actions,
    attributes: {},
    Tags: [],
  };
}

const target = (port: number, id = "127.0.0.1"): TargetRecord => ({ Id: id, Port: port, registeredAt: Date.now() });

/** A loopback address of its own per run, as the API gives each load balancer one in 127.100.0.0/16. */
const ownAddress = () => `127.100.${1 + Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;

function get(host: string, port: number, path = "/"): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path, agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject).end();
  });
}

const refuses = (host: string, port: number) =>
  get(host, port).then(
    () => false,
    (err: NodeJS.ErrnoException) => err.code === "ECONNREFUSED",
  );

describe("load balancer controller", () => {
  let cp: ControlPlane;
  const backends: Backend[] = [];
  const blockers: Server[] = [];
  const held: ClientRequest[] = [];
  /** Every health record the store held, in order, by key: what the controller wrote. */
  const history = new Map<string, (TargetHealthRecord | undefined)[]>();
  /** The control plane's log lines. */
  const logs: { msg: string; level: number }[] = [];

  const write = async (ops: Op[]) => {
    const res = await cp.deps.store.txn({ success: ops });
    await cp.deps.cache.waitFor(res.revision);
  };
  const put = (key: string, value: unknown): Op => ({ kind: "put", key, value: JSON.stringify(value) });
  const health = (tg: TargetGroupRecord, b: Backend) => cp.deps.cache.get<TargetHealthRecord>(elbKeys.targetHealth(scope, tg.TargetGroupArn, { Id: "127.0.0.1", Port: b.port }));
  const seen = (tg: TargetGroupRecord, b: Backend) => (history.get(elbKeys.targetHealth(scope, tg.TargetGroupArn, { Id: "127.0.0.1", Port: b.port })) ?? []).map((r) => (r ? `${r.State}${r.Reason ? `/${r.Reason}` : ""}` : "deleted"));

  before(async () => {
    const logger = pino({ level: "info" }, { write: (line: string) => void logs.push(JSON.parse(line) as { msg: string; level: number }) });
    cp = await startControlPlane({ dataDir: ":memory:", port: 0, logger, scheduler: false, dns: { host: "127.0.0.1", port: 0 } });
    cp.deps.cache.subscribe((c) => {
      if (!c.key.includes("/elb-target-health/")) return;
      history.set(c.key, [...(history.get(c.key) ?? []), c.value as TargetHealthRecord | undefined]);
    });
    for (const name of ["a", "b"]) backends.push(await startBackend(name));
  });

  let closed = false;
  after(async () => {
    for (const r of held) r.destroy();
    if (!closed) await cp.close();
    for (const b of backends) await b.kill();
    for (const s of blockers) await new Promise((r) => s.close(r));
  });

  const lb = lbRecord("web", "1111111111111111", ownAddress());
  const tg = tgRecord("web", "2222222222222222");
  let port = 0;

  it("runs the listener at the load balancer's address and writes each target's health: initial, then healthy", async () => {
    const [a, b] = backends as [Backend, Backend];
    port = await freePort();
    const listener = listenerRecord(lb, "3333333333333333", port, [{ Type: "forward", TargetGroupArn: tg.TargetGroupArn }]);
    await write([
      put(elbKeys.loadBalancer(scope, lb.LoadBalancerArn), lb),
      put(elbKeys.targetGroup(scope, tg.TargetGroupArn), tg),
      put(elbKeys.listener(scope, listener.ListenerArn), listener),
      put(elbKeys.target(scope, tg.TargetGroupArn, target(a.port)), target(a.port)),
      put(elbKeys.target(scope, tg.TargetGroupArn, target(b.port)), target(b.port)),
    ]);
    await until("both targets healthy in the store", () => health(tg, a)?.State === "healthy" && health(tg, b)?.State === "healthy");
    for (const x of [a, b]) {
      const states = seen(tg, x);
      assert.match(states[0]!, /^initial\/Elb\.(RegistrationInProgress|InitialHealthChecking)$/, `first record of ${x.name}: ${states.join(", ")}`);
      assert.equal(states.at(-1), "healthy");
      assert.deepEqual(health(tg, x), { Id: "127.0.0.1", Port: x.port, State: "healthy", HealthCheckPort: String(x.port), since: health(tg, x)!.since });
    }
    const bodies = new Set<string>();
    for (let i = 0; i < 4; i++) {
      const res = await get(lb.bindAddress, port);
      assert.equal(res.status, 200);
      bodies.add(res.body);
    }
    assert.deepEqual([...bodies].sort(), ["a", "b"]);
  });

  it("berth's DNS answers the load balancer's DNSName with its address", async () => {
    const resolver = new Resolver({ timeout: 2000, tries: 1 });
    resolver.setServers([`127.0.0.1:${cp.dns!.port}`]);
    assert.deepEqual(await resolver.resolve4(lb.DNSName), [lb.bindAddress]);
  });

  it("a target answering 500 becomes unhealthy with Target.ResponseCodeMismatch and gets no requests", async () => {
    const [a, b] = backends as [Backend, Backend];
    b.healthStatus = 500;
    await until("b unhealthy in the store", () => health(tg, b)?.State === "unhealthy");
    assert.equal(health(tg, b)!.Reason, "Target.ResponseCodeMismatch");
    assert.equal(health(tg, b)!.Description, "Health checks failed with these codes: [500]");
    assert.equal(health(tg, a)!.State, "healthy");
    for (let i = 0; i < 4; i++) assert.equal((await get(lb.bindAddress, port)).body, "a");
  });

  it("a deregistered target drains while its request is in flight, then its health record is deleted", async () => {
    const [a] = backends as [Backend, Backend];
    // /echo answers with the request body as it streams: the request stays in flight (to a,
    // the only healthy target) until its body ends.
    let answered = false;
    const req = request({ host: lb.bindAddress, port, path: "/echo", method: "POST", agent: false }, (res) => {
      res.resume().on("end", () => (answered = true));
    });
    held.push(req);
    req.on("error", () => {});
    req.write("held ");
    await new Promise((r) => req.once("response", r));
    await write([{ kind: "delete", key: elbKeys.target(scope, tg.TargetGroupArn, target(a.port)) }]);
    await until("a draining in the store", () => health(tg, a)?.State === "draining");
    assert.equal(health(tg, a)!.Reason, "Target.DeregistrationInProgress");
    req.end("done");
    await until("a's health record deleted once drained", () => health(tg, a) === undefined);
    await until("the held request answered", () => answered);
    assert.deepEqual(seen(tg, a).slice(-2), ["draining/Target.DeregistrationInProgress", "deleted"]);
  });

  it("a target group no listener forwards to: its targets are unused/Target.NotInUse", async () => {
    const [, b] = backends as [Backend, Backend];
    const idle = tgRecord("idle", "4444444444444444");
    await write([put(elbKeys.targetGroup(scope, idle.TargetGroupArn), idle), put(elbKeys.target(scope, idle.TargetGroupArn, target(b.port)), target(b.port))]);
    await until("the idle group's target unused", () => health(idle, b)?.State === "unused");
    assert.equal(health(idle, b)!.Reason, "Target.NotInUse");
  });

  it("an instance target is reached through its container instance (on this host: 127.0.0.1); an unknown instance is unused/Target.InvalidState", async () => {
    const [a] = backends as [Backend, Backend];
    const ecs = ecsClient(cp.url);
    try {
      await ecs.send(new CreateClusterCommand({ clusterName: "default" }));
      await ecs.send(new RegisterContainerInstanceCommand({ cluster: "default", instanceIdentityDocument: JSON.stringify({ instanceId: "i-0123456789abcdef0" }) }));
    } finally {
      ecs.destroy();
    }
    const byInstance = { ...tgRecord("by-instance", "8888888888888888"), TargetType: "instance" as const };
    const instanceLb = lbRecord("by-instance", "9999999999999999", ownAddress());
    const instancePort = await freePort();
    const listener = listenerRecord(instanceLb, "aaaaaaaaaaaaaaaa", instancePort, [{ Type: "forward", TargetGroupArn: byInstance.TargetGroupArn }]);
    const known = target(a.port, "i-0123456789abcdef0");
    const unknown = target(a.port, "i-0fffffffffffffff0");
    await write([
      put(elbKeys.loadBalancer(scope, instanceLb.LoadBalancerArn), instanceLb),
      put(elbKeys.targetGroup(scope, byInstance.TargetGroupArn), byInstance),
      put(elbKeys.listener(scope, listener.ListenerArn), listener),
      put(elbKeys.target(scope, byInstance.TargetGroupArn, known), known),
      put(elbKeys.target(scope, byInstance.TargetGroupArn, unknown), unknown),
    ]);
    const healthOf = (t: TargetRecord) => cp.deps.cache.get<TargetHealthRecord>(elbKeys.targetHealth(scope, byInstance.TargetGroupArn, t));
    await until("the registered instance's target healthy", () => healthOf(known)?.State === "healthy");
    assert.equal((await get(instanceLb.bindAddress, instancePort)).body, "a");
    assert.deepEqual([healthOf(unknown)?.State, healthOf(unknown)?.Reason], ["unused", "Target.InvalidState"]);
  });

  let other: LoadBalancerRecord;
  const otherPorts: number[] = [];
  it("a listener whose port is taken is retried until it binds; the load balancer's other listener runs meanwhile", async () => {
    other = lbRecord("other", "5555555555555555", ownAddress());
    // The taken port is the lower: listeners open in port order, so the free one comes after it.
    const [taken, free] = [await freePort(), await freePort()].sort((x, y) => x - y) as [number, number];
    otherPorts.push(taken, free);
    const blocker = createServer();
    blockers.push(blocker);
    await new Promise<void>((r) => blocker.listen(taken, other.bindAddress, r));
    const fixed = (body: string): ListenerRecord["DefaultActions"] => [{ Type: "fixed-response", FixedResponseConfig: { StatusCode: "200", ContentType: "text/plain", MessageBody: body } }];
    const lTaken = listenerRecord(other, "6666666666666666", taken, fixed("taken"));
    const lFree = listenerRecord(other, "7777777777777777", free, fixed("free"));
    await write([put(elbKeys.loadBalancer(scope, other.LoadBalancerArn), other), put(elbKeys.listener(scope, lTaken.ListenerArn), lTaken), put(elbKeys.listener(scope, lFree.ListenerArn), lFree)]);
    await until("the free port's listener answers", async () => (await get(other.bindAddress, free).catch(() => undefined))?.body === "free");
    await until("the bind failure logged", () => logs.some((l) => l.level === 50 && l.msg.includes(`cannot listen on ${other.bindAddress}:${taken} (the port is in use); retrying in`)));
    await new Promise((r) => blocker.close(r));
    await until("the taken port's listener binds once it is let go", async () => (await get(other.bindAddress, taken).catch(() => undefined))?.body === "taken");
  });

  it("a deleted load balancer's listener closes, and its target groups' targets become unused", async () => {
    const [, b] = backends as [Backend, Backend];
    const listenerKey = elbKeys.listeners(scope, lb.LoadBalancerArn);
    const listeners = cp.deps.cache.listEntries(listenerKey).map((e) => ({ kind: "delete" as const, key: e.key }));
    await write([...listeners, { kind: "delete", key: elbKeys.loadBalancer(scope, lb.LoadBalancerArn) }]);
    await until("the listener refuses connections", () => refuses(lb.bindAddress, port));
    await until("b unused", () => health(tg, b)?.State === "unused");
    assert.equal(health(tg, b)!.Reason, "Target.NotInUse");
  });

  it("closes every load balancer's listeners when the control plane closes", async () => {
    assert.equal((await get(other.bindAddress, otherPorts[1]!)).status, 200);
    closed = true;
    await cp.close();
    for (const p of otherPorts) assert.equal(await refuses(other.bindAddress, p), true, `${other.bindAddress}:${p} still accepts`);
  });
});
