// The data plane on 127.0.0.1 with real backends: routing, weights, fail-open, ELB's own
// errors, health checks taking a dead backend out, draining, and table swaps under load.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { LoadBalancerNode, type LoadBalancer, type TargetGroup } from "../../src/loadbalancer/index.js";
import { aGroup, aListener, aLoadBalancer, aTarget, forward } from "../../src/loadbalancer/test-builders.js";
import { until } from "../helpers/fake-agent.js";
import { freePort } from "../helpers/ports.js";
import { countBy, get, load, startBackend, type Backend } from "./harness.js";

const FAST = {
  HealthCheckProtocol: "HTTP" as const,
  HealthCheckPort: "traffic-port",
  HealthCheckPath: "/health",
  HealthCheckIntervalSeconds: 0.1,
  HealthCheckTimeoutSeconds: 0.5,
  HealthyThresholdCount: 2,
  UnhealthyThresholdCount: 2,
  Matcher: { HttpCode: "200" },
};

function group(arn: string, backends: Backend[], extra: Partial<TargetGroup> = {}): TargetGroup {
  return aGroup(arn, backends.map((b) => aTarget("127.0.0.1", b.port)), { HealthCheck: FAST, ...extra });
}

function stateOf(lb: LoadBalancerNode, tg: string, b: Backend): string | undefined {
  return lb.targetHealth(tg).find((d) => d.Target.Port === b.port)?.TargetHealth.State;
}

async function healthy(lb: LoadBalancerNode, tg: string, backends: Backend[]): Promise<void> {
  await until(`${backends.map((b) => b.name).join(", ")} healthy in ${tg}`, () => backends.every((b) => stateOf(lb, tg, b) === "healthy"));
}

describe("load balancer data plane", () => {
  const backends: Backend[] = [];
  const nodes: LoadBalancerNode[] = [];
  let port = 0;

  async function backend(name: string): Promise<Backend> {
    const b = await startBackend(name);
    backends.push(b);
    return b;
  }

  async function node(spec: (port: number) => LoadBalancer): Promise<LoadBalancerNode> {
    port = await freePort();
    const lb = new LoadBalancerNode();
    nodes.push(lb);
    await lb.apply(spec(port));
    return lb;
  }

  before(() => {
    backends.length = 0;
  });

  after(async () => {
    await Promise.all(nodes.map((n) => n.close()));
    await Promise.all(backends.map((b) => b.kill()));
  });

  it("routes by rule, answers fixed responses and redirects, and sets X-Forwarded-*", async () => {
    const [web, api] = [await backend("web"), await backend("api")];
    const lb = await node((p) =>
      aLoadBalancer(
        [
          aListener(p, [forward(["tg-web"])], [
            { Priority: 10, Conditions: [{ Field: "path-pattern", PathPatternConfig: { Values: ["/api/*"] } }], Actions: [forward(["tg-api"])] },
            { Priority: 20, Conditions: [{ Field: "http-header", HttpHeaderConfig: { HttpHeaderName: "X-Maintenance", Values: ["on"] } }], Actions: [{ Type: "fixed-response", FixedResponseConfig: { StatusCode: "503", ContentType: "application/json", MessageBody: '{"down":true}' } }] },
            { Priority: 30, Conditions: [{ Field: "path-pattern", PathPatternConfig: { Values: ["/old/*"] } }], Actions: [{ Type: "redirect", RedirectConfig: { StatusCode: "HTTP_301", Path: "/new/#{path}" } }] },
          ]),
        ],
        [group("tg-web", [web]), group("tg-api", [api])],
      ),
    );
    await healthy(lb, "tg-web", [web]);
    await healthy(lb, "tg-api", [api]);
    assert.equal((await get(port, "/api/users")).body, "api");
    assert.equal((await get(port, "/index.html")).body, "web");
    const fixed = await get(port, "/", { "x-maintenance": "ON" });
    assert.deepEqual([fixed.status, fixed.body, fixed.headers["content-type"]], [503, '{"down":true}', "application/json"]);
    const moved = await get(port, "/old/a?x=1", { host: "app.example.com" });
    assert.deepEqual([moved.status, moved.headers.location], [301, `http://app.example.com:${port}/new/old/a?x=1`]);
    const big = "x".repeat(200_000);
    assert.equal((await get(port, "/api/echo", {}, big)).body, big);
    await get(port, "/api/x", { "x-forwarded-for": "203.0.113.7" });
    assert.equal(api.lastHeaders?.["x-forwarded-for"], "203.0.113.7, 127.0.0.1");
    assert.equal(api.lastHeaders?.["x-forwarded-proto"], "http");
    assert.equal(api.lastHeaders?.["x-forwarded-port"], String(port));
    // Hop-by-hop: what the client's Connection header names stays with the proxy.
    await get(port, "/api/x", { connection: "keep-alive, x-hop", "x-hop": "1", "x-end": "2" });
    assert.deepEqual([api.lastHeaders?.["x-hop"], api.lastHeaders?.["x-end"]], [undefined, "2"]);
  });

  it("splits a weighted forward 3:1 and balances round robin inside each group", async () => {
    const [blue1, blue2, green] = [await backend("blue1"), await backend("blue2"), await backend("green")];
    const lb = await node((p) => aLoadBalancer([aListener(p, [forward(["tg-blue", 3], ["tg-green", 1])])], [group("tg-blue", [blue1, blue2]), group("tg-green", [green])]));
    await healthy(lb, "tg-blue", [blue1, blue2]);
    await healthy(lb, "tg-green", [green]);
    const bodies: string[] = [];
    for (let i = 0; i < 400; i++) bodies.push((await get(port, "/")).body);
    assert.deepEqual(countBy(bodies, (b) => b), { blue1: 150, blue2: 150, green: 100 });
  });

  it("fails open when no target is healthy, 503 with no target, 502 when the target refuses, 504 on the idle timeout", async () => {
    const sick = await backend("sick");
    sick.healthStatus = 500;
    const gone = await backend("gone");
    await gone.kill();
    const slow = await backend("slow");
    const lb = await node((p) =>
      aLoadBalancer(
        [
          aListener(p, [forward(["tg-sick"])], [
            { Priority: 1, Conditions: [{ Field: "path-pattern", PathPatternConfig: { Values: ["/empty"] } }], Actions: [forward(["tg-empty"])] },
            { Priority: 2, Conditions: [{ Field: "path-pattern", PathPatternConfig: { Values: ["/gone"] } }], Actions: [forward(["tg-gone"])] },
            { Priority: 3, Conditions: [{ Field: "path-pattern", PathPatternConfig: { Values: ["/slow"] } }], Actions: [forward(["tg-slow"])] },
          ]),
        ],
        [group("tg-sick", [sick]), aGroup("tg-empty", []), group("tg-gone", [gone]), group("tg-slow", [slow])],
        { IdleTimeoutSeconds: 1 },
      ),
    );
    await until("sick unhealthy", () => stateOf(lb, "tg-sick", sick) === "unhealthy");
    const described = lb.targetHealth("tg-sick")[0]!.TargetHealth;
    assert.deepEqual(described, { State: "unhealthy", Reason: "Target.ResponseCodeMismatch", Description: "Health checks failed with these codes: [500]" });
    assert.equal((await get(port, "/")).body, "sick");
    const empty = await get(port, "/empty");
    assert.equal(empty.status, 503);
    assert.match(empty.body, /503 Service Temporarily Unavailable/);
    assert.equal(empty.headers.server, "awselb/2.0");
    assert.equal((await get(port, "/gone")).status, 502);
    assert.equal((await get(port, "/slow?sleep=3000")).status, 504);
  });

  it("a killed backend costs no request (GETs it refuses go to the other) and gets nothing once marked unhealthy", async () => {
    const [a, b] = [await backend("a"), await backend("b")];
    const lb = await node((p) => aLoadBalancer([aListener(p, [forward(["tg"])])], [group("tg", [a, b])]));
    await healthy(lb, "tg", [a, b]);
    let phase = "before";
    let after = 0;
    const running = load(port, {
      concurrency: 4,
      tag: () => phase,
      stop: () => phase === "marked" && after++ >= 1000,
    });
    await until("some load on both", () => a.hits > 50 && b.hits > 50);
    phase = "killed";
    await a.kill();
    await until("a unhealthy", () => stateOf(lb, "tg", a) === "unhealthy");
    phase = "marked";
    const results = await running;
    const marked = results.filter((r) => r.tag === "marked");
    assert.ok(marked.length >= 1000);
    assert.deepEqual(countBy(marked, (r) => `${r.status} ${r.body}`), { "200 b": marked.length });
    // Before a was marked, its refused and reset GETs went to b: not one failed.
    assert.deepEqual(countBy(results, (r) => String(r.status)), { "200": results.length });
  });

  it("drains: a deregistered target gets no new request, its slow request completes, then it leaves", async () => {
    const [a, b] = [await backend("a"), await backend("b")];
    const spec = (targets: Backend[]) => (p: number) => aLoadBalancer([aListener(p, [forward(["tg"])])], [group("tg", targets, { DeregistrationDelaySeconds: 60 })]);
    const lb = await node(spec([a, b]));
    await healthy(lb, "tg", [a, b]);
    // Round robin: the first request goes to a.
    const slow = get(port, "/?sleep=1500");
    await until("the slow request reached a", () => a.hits === 1);
    await lb.apply(spec([b])(port));
    assert.equal(stateOf(lb, "tg", a), "draining");
    assert.deepEqual(lb.targetHealth("tg").find((d) => d.Target.Port === a.port)?.TargetHealth, {
      State: "draining",
      Reason: "Target.DeregistrationInProgress",
      Description: "Target deregistration is in progress",
    });
    const during: string[] = [];
    for (let i = 0; i < 20; i++) during.push((await get(port, "/")).body);
    assert.deepEqual(countBy(during, (x) => x), { b: 20 });
    assert.deepEqual(await slow.then((r) => [r.status, r.body]), [200, "a"]);
    await until("a has left", () => stateOf(lb, "tg", a) === undefined);
    assert.equal(a.hits, 1);
  });

  it("counts a request the client gave up on as finished, so its draining target can leave", async () => {
    const { request } = await import("node:http");
    const [a, b] = [await backend("a"), await backend("b")];
    const spec = (targets: Backend[]) => (p: number) => aLoadBalancer([aListener(p, [forward(["tg"])])], [group("tg", targets, { DeregistrationDelaySeconds: 600 })]);
    const lb = await node(spec([a, b]));
    await healthy(lb, "tg", [a, b]);
    const req = request({ host: "127.0.0.1", port, path: "/?sleep=60000", agent: false });
    req.on("error", () => {});
    req.end();
    await until("the slow request reached a", () => a.hits === 1);
    req.destroy();
    await lb.apply(spec([b])(port));
    await until("a has left", () => stateOf(lb, "tg", a) === undefined);
  });

  it("swaps the table under load without failing a request", async () => {
    const pool = [await backend("s1"), await backend("s2"), await backend("s3")];
    const specs = [
      [pool[0]!, pool[1]!],
      [pool[1]!, pool[2]!],
      [pool[2]!, pool[0]!],
    ];
    const spec = (targets: Backend[], weights: [number, number]) => (p: number) =>
      aLoadBalancer(
        [aListener(p, [forward(["tg-x", weights[0]], ["tg-y", weights[1]])])],
        [group("tg-x", targets, { DeregistrationDelaySeconds: 5, Algorithm: "least_outstanding_requests" }), group("tg-y", [pool[0]!])],
      );
    const lb = await node(spec(specs[0]!, [1, 1]));
    await healthy(lb, "tg-x", specs[0]!);
    await healthy(lb, "tg-y", [pool[0]!]);
    // Swap at least 30 times, and for as long as it takes the load to send 2,000 requests.
    let done = false;
    let started = 0;
    const running = load(port, { concurrency: 8, path: "/?sleep=2", stop: () => done, tag: () => String(started++) });
    for (let i = 1; i <= 30 || started < 2000; i++) {
      await lb.apply(spec(specs[i % 3]!, [i % 4, 1 + (i % 2)])(port));
      await new Promise((r) => setTimeout(r, 100));
    }
    done = true;
    const results = await running;
    assert.ok(results.length >= 2000);
    assert.deepEqual(results.filter((r) => r.status !== 200), []);
  });

  it("forwards TCP for a network load balancer", async () => {
    const { createServer, connect } = await import("node:net");
    const echo = createServer((s) => s.pipe(s));
    await new Promise<void>((r) => echo.listen(0, "127.0.0.1", r));
    const echoPort = (echo.address() as { port: number }).port;
    const tcpCheck = { ...FAST, HealthCheckProtocol: "TCP" as const };
    const lb = await node((p) =>
      aLoadBalancer(
        [{ ListenerArn: "arn:nlb/l", Port: p, Protocol: "TCP", DefaultActions: [forward(["tg-tcp"])] }],
        [aGroup("tg-tcp", [aTarget("127.0.0.1", echoPort)], { Protocol: "TCP", HealthCheck: tcpCheck })],
        { Type: "network" },
      ),
    );
    await until("echo healthy", () => lb.targetHealth("tg-tcp")[0]?.TargetHealth.State === "healthy");
    const reply = await new Promise<string>((resolve, reject) => {
      const s = connect(port, "127.0.0.1", () => s.end("ping"));
      let got = "";
      s.setEncoding("utf8").on("data", (c: string) => (got += c)).on("end", () => resolve(got)).on("error", reject);
    });
    assert.equal(reply, "ping");
    await new Promise((r) => echo.close(r));
  });
});
