import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { acknowledge, nextReport, type TaskReport } from "./report-plan.js";
import { newTaskRecord, type TaskRecord } from "./task-record.js";
import { aContainerDef, anAssignedTask } from "./test-builders.js";

function aRecord(mutate: (r: TaskRecord) => void): TaskRecord {
  const rec = newTaskRecord(anAssignedTask([aContainerDef("app"), aContainerDef("side", { essential: false })]));
  mutate(rec);
  return rec;
}

const binding = { bindIP: "0.0.0.0", containerPort: 80, hostPort: 32768, protocol: "tcp" as const };

describe("nextReport", () => {
  it("has nothing to say before any container exists", () => {
    assert.equal(nextReport(aRecord(() => {})), undefined);
  });

  it("waits with PENDING until the pulls are done", () => {
    const rec = aRecord((r) => {
      r.known = "CREATED";
      r.pullStartedAt = 10;
      r.containers[0]!.known = "CREATED";
    });
    assert.equal(nextReport(rec), undefined);
    rec.pullStoppedAt = 20;
    const report = nextReport(rec) as TaskReport;
    assert.equal(report.status, "PENDING");
    assert.deepEqual([report.pullStartedAt, report.pullStoppedAt], [10, 20]);
  });

  it("folds PENDING into RUNNING when the task already runs", () => {
    const rec = aRecord((r) => {
      r.known = "RUNNING";
      r.startedAt = 30;
      r.pullStartedAt = 10;
      r.pullStoppedAt = 20;
      for (const c of r.containers) Object.assign(c, { known: "RUNNING", runtimeId: `id-${c.name}`, networkBindings: [binding] });
    });
    const report = nextReport(rec) as TaskReport;
    assert.equal(report.status, "RUNNING");
    assert.deepEqual(report.containers[0], { containerName: "app", status: "RUNNING", runtimeId: "id-app", networkBindings: [binding] });
    assert.equal(report.pullStoppedAt, 20);
  });

  it("reports RUNNING before STOPPED for a task that ran, the exit going with STOPPED", () => {
    const rec = aRecord((r) => {
      r.known = "STOPPED";
      r.startedAt = 30;
      r.stopReason = "Essential container in task exited";
      r.executionStoppedAt = 50;
      for (const c of r.containers) Object.assign(c, { known: "STOPPED", exitCode: 3, reason: "OutOfMemoryError: Container killed due to memory usage" });
    });
    const running = nextReport(rec) as TaskReport;
    assert.equal(running.status, "RUNNING");
    assert.deepEqual(running.containers.map((c) => [c.status, c.exitCode, c.reason]), [["RUNNING", undefined, undefined], ["RUNNING", undefined, undefined]]);
    assert.equal(running.reason, undefined);
    acknowledge(rec, running);
    const stopped = nextReport(rec) as TaskReport;
    assert.equal(stopped.status, "STOPPED");
    assert.equal(stopped.reason, "Essential container in task exited");
    assert.equal(stopped.executionStoppedAt, 50);
    assert.deepEqual(stopped.containers.map((c) => [c.status, c.exitCode]), [["STOPPED", 3], ["STOPPED", 3]]);
    acknowledge(rec, stopped);
    assert.equal(nextReport(rec), undefined);
  });

  it("goes straight to STOPPED for a task that never ran", () => {
    const rec = aRecord((r) => {
      r.known = "STOPPED";
      r.stopReason = "CannotPullContainerError: no such image";
      r.containers[0]!.known = "STOPPED";
      r.containers[0]!.exitCode = null;
      r.containers[0]!.reason = "CannotPullContainerError: no such image";
      r.containers[1]!.known = "STOPPED";
    });
    const report = nextReport(rec) as TaskReport;
    assert.equal(report.status, "STOPPED");
    assert.deepEqual(report.containers[0], { containerName: "app", status: "STOPPED", reason: "CannotPullContainerError: no such image" });
  });

  it("reports a container's own change between task transitions", () => {
    const rec = aRecord((r) => {
      r.known = "RUNNING";
      r.reported = "RUNNING";
      r.startedAt = 1;
      r.containers[0]!.known = "RUNNING";
      r.containers[0]!.reported = "RUNNING";
      Object.assign(r.containers[1]!, { known: "STOPPED", reported: "RUNNING", exitCode: 0, runtimeId: "x" });
    });
    assert.deepEqual(nextReport(rec), { kind: "container", container: { containerName: "side", status: "STOPPED", runtimeId: "x", exitCode: 0 } });
  });

  it("says nothing about a disowned task", () => {
    assert.equal(nextReport(aRecord((r) => Object.assign(r, { known: "STOPPED", disowned: true }))), undefined);
  });
});

describe("nextReport: an awsvpc task's attachment", () => {
  const eni = {
    attachmentId: "att-1", networkInterfaceId: "eni-1", macAddress: "0a:00:00:00:00:01", privateIpv4Address: "172.31.0.10",
    privateDnsName: "ip-172-31-0-10.ec2.internal", subnetId: "subnet-1", subnetCidr: "172.31.0.0/20", gatewayIpv4Address: "172.31.0.1",
    vpcId: "vpc-1", vpcCidr: "172.31.0.0/16", dnsServers: [], ingress: [],
  };
  const awsvpc = (mutate: (r: TaskRecord) => void) => {
    const rec = newTaskRecord(anAssignedTask([aContainerDef("app")], { networkMode: "awsvpc", eni }));
    mutate(rec);
    return rec;
  };
  const runningRec = (r: TaskRecord) => {
    r.network = { status: "ATTACHED", namespacePath: "/var/run/netns/berth-x" };
    r.known = "RUNNING";
    r.startedAt = 30;
    r.pullStoppedAt = 20;
    r.containers[0]!.known = "RUNNING";
  };

  it("carries ATTACHED with the first task report after the namespace is made, once", () => {
    const rec = awsvpc(runningRec);
    const report = nextReport(rec) as TaskReport;
    assert.equal(report.status, "RUNNING");
    assert.deepEqual(report.attachments, [{ attachmentId: "att-1", status: "ATTACHED" }]);
    acknowledge(rec, report);
    assert.equal(rec.network!.reported, "ATTACHED");
    assert.equal(nextReport(rec), undefined);
  });

  it("holds STOPPED until the namespace is deleted, then sends it with DELETED", () => {
    const rec = awsvpc((r) => {
      runningRec(r);
      r.reported = "RUNNING";
      r.network!.reported = "ATTACHED";
      r.containers[0]!.reported = "RUNNING";
      r.known = "STOPPED";
      Object.assign(r.containers[0]!, { known: "STOPPED", exitCode: 0 });
    });
    assert.equal(nextReport(rec), undefined, "nothing while the namespace exists");
    rec.network = { status: "DELETED", reported: "ATTACHED" };
    const report = nextReport(rec) as TaskReport;
    assert.equal(report.status, "STOPPED");
    assert.deepEqual(report.attachments, [{ attachmentId: "att-1", status: "DELETED" }]);
  });

  it("reports DELETED for a set-up that never succeeded, so the control plane frees the ENI", () => {
    const rec = awsvpc((r) => {
      r.known = "STOPPED";
      r.network = { status: "DELETED" };
      Object.assign(r.containers[0]!, { known: "STOPPED", exitCode: null, reason: "ResourceInitializationError: x" });
    });
    const report = nextReport(rec) as TaskReport;
    assert.equal(report.status, "STOPPED");
    assert.deepEqual(report.attachments, [{ attachmentId: "att-1", status: "DELETED" }]);
  });
});

describe("nextReport: a task's EBS-style volumes", () => {
  const ebs = { kind: "ebs" as const, name: "data", volumeId: "vol-1", attachmentId: "att-vol", sizeInGiB: 1, filesystemType: "ext4", deleteOnTermination: true };
  const eni = {
    attachmentId: "att-1", networkInterfaceId: "eni-1", macAddress: "0a:00:00:00:00:01", privateIpv4Address: "172.31.0.10",
    privateDnsName: "ip-172-31-0-10.ec2.internal", subnetId: "subnet-1", subnetCidr: "172.31.0.0/20", gatewayIpv4Address: "172.31.0.1",
    vpcId: "vpc-1", vpcCidr: "172.31.0.0/16", dnsServers: [], ingress: [],
  };
  const running = (extra: Partial<Parameters<typeof anAssignedTask>[1]> = {}) => {
    const rec = newTaskRecord(anAssignedTask([aContainerDef("app")], { volumeSources: [ebs], ...extra }));
    rec.known = "RUNNING";
    rec.startedAt = 30;
    rec.pullStoppedAt = 20;
    rec.containers[0]!.known = "RUNNING";
    return rec;
  };

  it("are ATTACHED in the RUNNING report, and not in the PENDING one before it", () => {
    const rec = running();
    rec.known = "CREATED";
    rec.containers[0]!.known = "CREATED";
    const pending = nextReport(rec) as TaskReport;
    assert.equal(pending.status, "PENDING");
    assert.equal(pending.attachments, undefined);
    acknowledge(rec, pending);
    rec.known = "RUNNING";
    rec.containers[0]!.known = "RUNNING";
    const report = nextReport(rec) as TaskReport;
    assert.equal(report.status, "RUNNING");
    assert.deepEqual(report.attachments, [{ attachmentId: "att-vol", status: "ATTACHED" }]);
    acknowledge(rec, report);
    assert.equal(nextReport(rec), undefined);
  });

  it("go with an awsvpc task's ENI, whose acknowledgement is found by its id", () => {
    const rec = running({ networkMode: "awsvpc", eni });
    rec.network = { status: "ATTACHED", namespacePath: "/var/run/netns/berth-x" };
    const report = nextReport(rec) as TaskReport;
    assert.deepEqual(report.attachments, [{ attachmentId: "att-1", status: "ATTACHED" }, { attachmentId: "att-vol", status: "ATTACHED" }]);
    acknowledge(rec, { ...report, attachments: [...report.attachments!].reverse() });
    assert.equal(rec.network!.reported, "ATTACHED");
  });
});
