// Table tests of the target registration and drain decisions.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  decideTargets,
  healthKey,
  targetFor,
  type ServiceLoadBalancer,
  type TargetGroupInfo,
  type TargetObservation,
  type TargetTask,
  type TaskTarget,
} from "./decide.js";

const TG = "arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web/0123456789abcdef";
const TG2 = "arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/admin/fedcba9876543210";
const ARN = "arn:aws:ecs:us-east-1:000000000000:task/default/t1";
const NOW = 1_000_000;

const lb = (over: Partial<ServiceLoadBalancer> = {}): ServiceLoadBalancer => ({ targetGroupArn: TG, containerName: "app", containerPort: 8080, ...over });
const ipGroup: TargetGroupInfo = { targetType: "ip", deregistrationDelayMs: 30_000 };
const instanceGroup: TargetGroupInfo = { targetType: "instance", deregistrationDelayMs: 30_000 };

const task = (over: Partial<TargetTask> = {}): TargetTask => ({
  taskArn: ARN,
  lastStatus: "RUNNING",
  desiredStatus: "RUNNING",
  networkMode: "awsvpc",
  eniAddress: "10.0.1.5",
  bindings: [],
  ...over,
});
const target = (over: Partial<TaskTarget> = {}): TaskTarget => ({ targetGroupArn: TG, id: "10.0.1.5", port: 8080, containerName: "app", containerPort: 8080, ...over });

const obs = (over: Partial<TargetObservation> = {}): TargetObservation => ({
  serviceName: "web",
  loadBalancers: [lb()],
  groups: new Map([[TG, ipGroup], [TG2, ipGroup]]),
  tasks: [task()],
  healthPresent: new Set(),
  ...over,
});

describe("targetFor", () => {
  const cases: { name: string; t: TargetTask; g: TargetGroupInfo; want: unknown }[] = [
    { name: "awsvpc: the ENI's address and the container port", t: task(), g: ipGroup, want: { id: "10.0.1.5", port: 8080 } },
    {
      name: "bridge: the instance id and the host port bound to the container port",
      t: task({ networkMode: "bridge", eniAddress: undefined, ec2InstanceId: "i-0abc", bindings: [{ containerName: "app", containerPort: 8080, hostPort: 32768 }] }),
      g: instanceGroup,
      want: { id: "i-0abc", port: 32768 },
    },
    { name: "host: the container port is the host's", t: task({ networkMode: "host", eniAddress: undefined, ec2InstanceId: "i-0abc" }), g: instanceGroup, want: { id: "i-0abc", port: 8080 } },
    {
      name: "bridge before its host port is reported",
      t: task({ networkMode: "bridge", eniAddress: undefined, ec2InstanceId: "i-0abc", bindings: [{ containerName: "other", containerPort: 8080, hostPort: 1 }] }),
      g: instanceGroup,
      want: { wait: "no host port reported yet for app:8080" },
    },
    {
      name: "awsvpc run without a namespace: the host port on the loopback",
      t: task({ eniAddress: undefined, bindings: [{ containerName: "app", containerPort: 8080, hostPort: 40001 }] }),
      g: ipGroup,
      want: { id: "127.0.0.1", port: 40001 },
    },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(targetFor(c.t, lb(), c.g), c.want));
});

describe("decideTargets", () => {
  const kinds = (o: TargetObservation, now = NOW) => decideTargets(o, now).actions.map((a) => a.kind);
  const cases: { name: string; o: TargetObservation; now?: number; want: string[] }[] = [
    { name: "a RUNNING task is registered", o: obs(), want: ["register"] },
    { name: "a PENDING task waits", o: obs({ tasks: [task({ lastStatus: "PENDING" })] }), want: [] },
    { name: "a task already ordered to stop is not registered", o: obs({ tasks: [task({ desiredStatus: "STOPPED" })] }), want: [] },
    { name: "a service without load balancers registers nothing", o: obs({ loadBalancers: [] }), want: [] },
    { name: "a registered task is left alone", o: obs({ tasks: [task({ targets: [target()] })] }), want: [] },
    { name: "a released task is never registered again", o: obs({ tasks: [task({ targets: [] })] }), want: [] },
    { name: "a missing target group holds the registration", o: obs({ groups: new Map() }), want: [] },
    { name: "a registered task ordered to stop drains", o: obs({ tasks: [task({ desiredStatus: "STOPPED", targets: [target()] })] }), want: ["drain"] },
    {
      name: "draining, health record still there, delay not over: wait",
      o: obs({ tasks: [task({ desiredStatus: "STOPPED", lastStatus: "DEACTIVATING", targets: [target({ deregisteredAt: NOW - 10_000 })] })], healthPresent: new Set([healthKey(TG, target())]) }),
      want: [],
    },
    {
      name: "draining, the data plane let the target go: release",
      o: obs({ tasks: [task({ desiredStatus: "STOPPED", lastStatus: "DEACTIVATING", targets: [target({ deregisteredAt: NOW - 10_000 })] })] }),
      want: ["release"],
    },
    {
      name: "draining, the deregistration delay passed: release though the record remains",
      o: obs({ tasks: [task({ desiredStatus: "STOPPED", lastStatus: "DEACTIVATING", targets: [target({ deregisteredAt: NOW - 30_000 })] })], healthPresent: new Set([healthKey(TG, target())]) }),
      want: ["release"],
    },
    {
      name: "a process that died by itself is deregistered at once",
      o: obs({ tasks: [task({ desiredStatus: "STOPPED", lastStatus: "STOPPED", targets: [target()] })], healthPresent: new Set([healthKey(TG, target())]) }),
      want: ["release"],
    },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(kinds(c.o, c.now), c.want));

  it("registers in every target group at once, with ECS's event per group", () => {
    const d = decideTargets(obs({ loadBalancers: [lb(), lb({ targetGroupArn: TG2 })] }), NOW);
    assert.deepEqual(d.actions, [{ kind: "register", taskArn: ARN, targets: [target(), target({ targetGroupArn: TG2 })] }]);
    assert.deepEqual(d.events, [`(service web) registered 1 targets in (target-group ${TG})`, `(service web) registered 1 targets in (target-group ${TG2})`]);
  });

  it("waits for the target groups it cannot register in yet, and says why", () => {
    const d = decideTargets(obs({ loadBalancers: [lb(), lb({ targetGroupArn: TG2 })], groups: new Map([[TG, ipGroup]]) }), NOW);
    assert.deepEqual(d.actions, []);
    assert.deepEqual(d.waits, [`task t1 is not registered: target group ${TG2} does not exist`]);
  });

  it("a drain says so and names the deregistrations, and looks again when the delay ends", () => {
    const t2 = task({ taskArn: `${ARN}2`, desiredStatus: "STOPPED", targets: [target({ id: "10.0.1.6" })] });
    const d = decideTargets(obs({ tasks: [task({ desiredStatus: "STOPPED", targets: [target()] }), t2] }), NOW);
    assert.deepEqual(d.events, ["(service web) has begun draining connections on 2 tasks.", `(service web) deregistered 2 targets in (target-group ${TG})`]);
    assert.equal(d.requeueAfterMs, 30_000);
  });

  it("a draining task is looked at again when its delay ends", () => {
    const d = decideTargets(
      obs({ tasks: [task({ desiredStatus: "STOPPED", lastStatus: "DEACTIVATING", targets: [target({ deregisteredAt: NOW - 10_000 })] })], healthPresent: new Set([healthKey(TG, target())]) }),
      NOW,
    );
    assert.equal(d.requeueAfterMs, 20_000);
    assert.match(d.waits[0]!, /^task t1 is draining until /);
  });

  it("the release says why: drained (record gone), delay (record left), stopped (died)", () => {
    const draining = task({ desiredStatus: "STOPPED", lastStatus: "DEACTIVATING", targets: [target({ deregisteredAt: NOW - 30_000 })] });
    const why = (o: TargetObservation) => decideTargets(o, NOW).actions.map((a) => (a.kind === "release" ? a.why : a.kind));
    assert.deepEqual(why(obs({ tasks: [draining] })), ["drained"]);
    assert.deepEqual(why(obs({ tasks: [draining], healthPresent: new Set([healthKey(TG, target())]) })), ["delay"]);
    const died = decideTargets(obs({ tasks: [task({ lastStatus: "STOPPED", targets: [target()] })] }), NOW);
    assert.deepEqual(died.actions, [{ kind: "release", taskArn: ARN, deregister: [target()], why: "stopped" }]);
    assert.deepEqual(died.events, [`(service web) deregistered 1 targets in (target-group ${TG})`]);
  });
});

describe("decideTargets for tasks of task sets", () => {
  it("a task registers in its own set's target groups, not the service's", () => {
    const d = decideTargets(obs({ loadBalancers: [], tasks: [task({ loadBalancers: [lb({ targetGroupArn: TG2 })] })] }), NOW);
    assert.deepEqual(d.actions, [{ kind: "register", taskArn: ARN, targets: [target({ targetGroupArn: TG2 })] }]);
  });
  it("a task whose set has no load balancer (or drains) registers nowhere", () => {
    const d = decideTargets(obs({ tasks: [task({ loadBalancers: [] })] }), NOW);
    assert.deepEqual(d.actions, []);
  });
});
