// A service's events and decision log stay bounded in keys and in bytes written per pass, however
// many passes run, and read back in order (newest first).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Decision } from "../controllers/index.js";
import { ManualClock, type Scope } from "../model/index.js";
import { createCache, openSqliteStore, type Cache, type Store, type TxnRequest } from "../store/index.js";
import { createCluster } from "./clusters.js";
import type { Deps } from "./deps.js";
import { indexes } from "./indexes.js";
import { keys, ROOT } from "./keys.js";
import { executeDecision } from "./service-executor.js";
import { readDecisionLog, recordDecision } from "./service-reconciler.js";
import type { ServiceRecord } from "./service-records.js";
import { expiredServiceKeys, sweepInactiveServices } from "./service-retention.js";
import { createService, describeServices } from "./services.js";
import { registerTaskDefinition } from "./task-definitions.js";

const scope: Scope = { accountId: "000000000000", region: "us-east-1" };
const PASSES = 3000;

interface World {
  deps: Deps & { clock: ManualClock };
  /** Bytes of keys and values each transaction asked to write, in order. */
  written: number[];
  service(name: string): ServiceRecord;
  close(): Promise<void>;
}

function bytesOf(request: TxnRequest): number {
  let n = 0;
  for (const op of request.success) n += op.kind === "put" ? op.key.length + op.value.length : op.kind === "delete" ? op.key.length : op.prefix.length;
  return n;
}

async function world(): Promise<World> {
  const inner = openSqliteStore({ path: ":memory:" });
  const written: number[] = [];
  const store: Store = {
    get: (key) => inner.get(key),
    range: (prefix, options) => inner.range(prefix, options),
    txn: (request) => {
      written.push(bytesOf(request));
      return inner.txn(request);
    },
    watch: (prefix, options, onBatch) => inner.watch(prefix, options, onBatch),
    revision: () => inner.revision(),
    compact: (revision) => inner.compact(revision),
    close: () => inner.close(),
  };
  const cache: Cache = createCache(store, { prefix: ROOT, indexes });
  await cache.start();
  const deps = { store, cache, clock: new ManualClock() };
  await createCluster(deps, scope, { clusterName: "default" });
  await registerTaskDefinition(deps, scope, { family: "app", containerDefinitions: [{ name: "c", image: "busybox", memory: 64 }] });
  return {
    deps,
    written,
    service: (name) => cache.get<ServiceRecord>(keys.service(scope, "default", name))!,
    async close() {
      cache.stop();
      await store.close();
    },
  };
}

const eventPass = (message: string) => ({ actions: [{ kind: "event", message }] }) as unknown as Decision;
const waitingPass = (desired: number) =>
  ({
    inputs: { strategy: "REPLICA", deployments: [], orphanTasks: 0 },
    bounds: { desired, minimumHealthy: desired, maximumTotal: desired * 2 },
    actions: [],
    waits: [`waiting for room for ${desired} task(s)`],
    steady: false,
  }) as unknown as Decision;
const noSummary = () => ({ launched: [], stopped: [], placementFailures: 0, events: [] });

describe("service events and decisions, one key per entry", () => {
  let w: World;
  before(async () => {
    w = await world();
    await createService(w.deps, scope, { cluster: "default", serviceName: "web", taskDefinition: "app", desiredCount: 0 });
  });
  after(() => w.close());

  it(`keeps the 100 newest events after ${PASSES} passes, newest first, each pass writing about one event's bytes`, async () => {
    let recordAfterFirst = 0;
    w.written.length = 0;
    for (let i = 0; i < PASSES; i++) {
      w.deps.clock.advance(1000);
      await executeDecision(w.deps, scope, w.service("web"), eventPass(`(service web) event ${i}`));
      if (i === 0) recordAfterFirst = JSON.stringify(w.service("web")).length;
    }
    const stored = await w.deps.store.range(keys.serviceEvents(scope, "default", "web"));
    assert.equal(stored.kvs.length, 100);
    const events = (describeServices(w.deps, scope, { cluster: "default", services: ["web"] }).services[0]!.events as { message: string; createdAt: number }[]);
    assert.deepEqual(
      events.map((e) => e.message),
      Array.from({ length: 100 }, (_, i) => `(service web) event ${PASSES - 1 - i}`),
    );
    assert.ok(events.every((e, i) => i === 0 || e.createdAt < events[i - 1]!.createdAt), "newest first");
    // The service record no longer carries its events: it does not grow with them.
    assert.equal(JSON.stringify(w.service("web")).length, recordAfterFirst);
    // The last pass (a put and the oldest's delete) costs what the first did, not 100 events' worth.
    assert.equal(w.written.length, PASSES);
    assert.ok(w.written.at(-1)! <= w.written[0]! + 200, `first pass wrote ${w.written[0]} bytes, last ${w.written.at(-1)}`);
  });

  it("does not repeat the newest event's message (ECS's repeat suppression), across passes and within one", async () => {
    await executeDecision(w.deps, scope, w.service("web"), eventPass("(service web) has reached a steady state."));
    await executeDecision(w.deps, scope, w.service("web"), eventPass("(service web) has reached a steady state."));
    const summary = await executeDecision(w.deps, scope, w.service("web"), {
      actions: [
        { kind: "event", message: "(service web) a" },
        { kind: "event", message: "(service web) a" },
      ],
    } as unknown as Decision);
    assert.deepEqual(summary.events, ["(service web) a"]);
    const events = describeServices(w.deps, scope, { cluster: "default", services: ["web"] }).services[0]!.events as { message: string }[];
    assert.deepEqual(events.slice(0, 2).map((e) => e.message), ["(service web) a", "(service web) has reached a steady state."]);
  });

  it(`keeps the 50 newest decisions after ${PASSES} passes, newest first, each pass writing one entry`, async () => {
    const service = w.service("web");
    w.written.length = 0;
    for (let i = 1; i <= PASSES; i++) {
      w.deps.clock.advance(1000);
      await recordDecision(w.deps, scope, service, waitingPass(i), noSummary(), w.deps.clock.now());
    }
    const stored = await w.deps.store.range(keys.decisions(scope, "default", "web"));
    assert.equal(stored.kvs.length, 50);
    const log = readDecisionLog(w.deps, scope, "default", "web")!;
    assert.equal(log.serviceArn, service.serviceArn);
    assert.deepEqual(
      log.entries.map((e) => e.bounds.desired),
      Array.from({ length: 50 }, (_, i) => PASSES - i),
    );
    assert.equal(w.written.length, PASSES);
    assert.ok(w.written.at(-1)! <= w.written[0]! + 200, `first pass wrote ${w.written[0]} bytes, last ${w.written.at(-1)}`);
  });

  it("records nothing for a pass that only repeats the previous wait", async () => {
    const service = w.service("web");
    const before = (await w.deps.store.revision());
    await recordDecision(w.deps, scope, service, waitingPass(PASSES), noSummary(), w.deps.clock.now());
    assert.equal(await w.deps.store.revision(), before);
  });
});

describe("a deleted service's logs", () => {
  let w: World;
  before(async () => {
    w = await world();
  });
  after(() => w.close());

  const deactivate = async (name: string) => {
    const key = keys.service(scope, "default", name);
    const next: ServiceRecord = { ...w.service(name), status: "INACTIVE", inactiveSince: w.deps.clock.now() };
    const res = await w.deps.store.txn({ success: [{ kind: "put", key, value: JSON.stringify(next) }] });
    await w.deps.cache.waitFor(res.revision);
  };
  const logKeys = async (name: string) =>
    (await w.deps.store.range(keys.serviceEvents(scope, "default", name))).kvs.length + (await w.deps.store.range(keys.decisions(scope, "default", name))).kvs.length;

  it("go when the name is used by a new service", async () => {
    await createService(w.deps, scope, { cluster: "default", serviceName: "api", taskDefinition: "app", desiredCount: 0 });
    await executeDecision(w.deps, scope, w.service("api"), eventPass("(service api) old"));
    await recordDecision(w.deps, scope, w.service("api"), waitingPass(1), noSummary(), w.deps.clock.now());
    assert.equal(await logKeys("api"), 2);
    await deactivate("api");
    await createService(w.deps, scope, { cluster: "default", serviceName: "api", taskDefinition: "app", desiredCount: 0 });
    assert.equal(await logKeys("api"), 0);
    assert.deepEqual(describeServices(w.deps, scope, { cluster: "default", services: ["api"] }).services[0]!.events, []);
  });

  it("go with the service when it is purged an hour after it became INACTIVE", async () => {
    await createService(w.deps, scope, { cluster: "default", serviceName: "old", taskDefinition: "app", desiredCount: 0 });
    await executeDecision(w.deps, scope, w.service("old"), eventPass("(service old) something"));
    await recordDecision(w.deps, scope, w.service("old"), waitingPass(1), noSummary(), w.deps.clock.now());
    await deactivate("old");
    w.deps.clock.advance(59 * 60_000);
    assert.equal(await sweepInactiveServices(w.deps), 0);
    assert.equal((describeServices(w.deps, scope, { cluster: "default", services: ["old"] }).services[0] as { status: string }).status, "INACTIVE");
    w.deps.clock.advance(2 * 60_000);
    assert.equal(await sweepInactiveServices(w.deps), 1);
    assert.equal(w.deps.cache.get(keys.service(scope, "default", "old")), undefined);
    assert.equal(await logKeys("old"), 0);
    assert.deepEqual(describeServices(w.deps, scope, { cluster: "default", services: ["old"] }).failures.map((f) => f.reason), ["MISSING"]);
  });
});

describe("expiredServiceKeys", () => {
  const rec = (status: ServiceRecord["status"], inactiveSince?: number) => ({ status, ...(inactiveSince !== undefined ? { inactiveSince } : {}) }) as ServiceRecord;
  const cases: [string, ServiceRecord, boolean][] = [
    ["INACTIVE past the retention", rec("INACTIVE", 0), true],
    ["INACTIVE within the retention", rec("INACTIVE", 500), false],
    ["INACTIVE from before berth recorded when (kept)", rec("INACTIVE"), false],
    ["DRAINING", rec("DRAINING", 0), false],
    ["ACTIVE", rec("ACTIVE"), false],
  ];
  for (const [what, value, expired] of cases) {
    it(`${what}: ${expired ? "purged" : "kept"}`, () => {
      assert.deepEqual(expiredServiceKeys([{ key: "k", value }], 1000, 600), expired ? ["k"] : []);
    });
  }
});
