// AWS Cloud Map on berth's port, driven by the unmodified AWS CLI and by boto3: namespaces,
// services, instances, operations, DiscoverInstances (with and without the `data-` host prefix)
// and Cloud Map's own exceptions.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { defaultVpcId } from "../helpers/cloud-map.js";
import { run } from "../helpers/aws-cli.js";
import { startTestServer, type TestServer } from "../helpers/server.js";


async function missingTool(cmd: string, args: string[]): Promise<string | undefined> {
  try {
    await run(cmd, args);
    return undefined;
  } catch (err) {
    return `${cmd} is not usable here (${(err as Error).message.split("\n")[0]})`;
  }
}

const ENV = { AWS_ACCESS_KEY_ID: "AKIDTEST", AWS_SECRET_ACCESS_KEY: "secret", AWS_DEFAULT_REGION: "us-east-1", AWS_PAGER: "" };

describe("Cloud Map (servicediscovery) against berth", async () => {
  const noCli = await missingTool("aws", ["--version"]);
  const noBoto = await missingTool("python3", ["-c", "import boto3"]);
  let s: TestServer;
  const aws = async (args: string[], env: Record<string, string> = {}) => {
    const { stdout } = await run("aws", ["servicediscovery", ...args, "--endpoint-url", s.url, "--output", "json"], {
      env: { ...process.env, ...ENV, ...env },
    });
    return stdout.trim() ? (JSON.parse(stdout) as Record<string, any>) : {};
  };
  /** The CLI's error for a failing call: its stderr names the exception. */
  const awsError = async (args: string[]) => {
    try {
      await aws(args);
    } catch (err) {
      return (err as { stderr: string }).stderr;
    }
    assert.fail(`aws servicediscovery ${args[0]} succeeded`);
  };
  before(async () => {
    s = await startTestServer({ scheduler: false });
  });
  after(async () => {
    await s.close();
  });

  it("creates a private DNS namespace and a service, registers, discovers and deregisters with the CLI", { skip: noCli }, async () => {
    assert.match(await awsError(["create-private-dns-namespace", "--name", "cli.local", "--vpc", "vpc-0123456789abcdef0"]), /InvalidInput.*Vpc 'vpc-0123456789abcdef0' does not exist/);
    const vpc = await defaultVpcId(s.url);
    const created = await aws(["create-private-dns-namespace", "--name", "cli.local", "--vpc", vpc]);
    assert.match(created.OperationId, /^[a-z0-9]{32}-[a-z0-9]{8}$/);
    const op = await aws(["get-operation", "--operation-id", created.OperationId]);
    assert.equal(op.Operation.Status, "SUCCESS");
    assert.equal(op.Operation.Type, "CREATE_NAMESPACE");
    const nsId = op.Operation.Targets.NAMESPACE as string;
    assert.match(nsId, /^ns-[a-z0-9]{16}$/);
    const ns = await aws(["get-namespace", "--id", nsId]);
    assert.equal(ns.Namespace.Type, "DNS_PRIVATE");
    assert.equal(ns.Namespace.Properties.HttpProperties.HttpName, "cli.local");
    assert.ok(ns.Namespace.Properties.DnsProperties.HostedZoneId);

    const dup = await awsError(["create-private-dns-namespace", "--name", "cli.local", "--vpc", vpc]);
    assert.match(dup, /NamespaceAlreadyExists/);

    const svc = await aws(["create-service", "--name", "api", "--namespace-id", nsId, "--dns-config", "RoutingPolicy=MULTIVALUE,DnsRecords=[{Type=A,TTL=15}]"]);
    assert.match(svc.Service.Id, /^srv-[a-z0-9]{16}$/);
    assert.equal(svc.Service.Type, "DNS_HTTP");
    assert.match(await awsError(["create-service", "--name", "api", "--namespace-id", nsId]), /ServiceAlreadyExists/);
    assert.match(await awsError(["create-service", "--name", "x", "--namespace-id", "ns-aaaaaaaaaaaaaaaa"]), /NamespaceNotFound/);

    const reg = await aws(["register-instance", "--service-id", svc.Service.Id, "--instance-id", "i-1", "--attributes", "AWS_INSTANCE_IPV4=10.0.0.5,color=blue"]);
    assert.equal((await aws(["get-operation", "--operation-id", reg.OperationId])).Operation.Status, "SUCCESS");
    // An A-record service needs an address: Cloud Map's InvalidInput.
    assert.match(await awsError(["register-instance", "--service-id", svc.Service.Id, "--instance-id", "i-2", "--attributes", "color=red"]), /InvalidInput.*AWS_INSTANCE_IPV4/);
    assert.match(await awsError(["deregister-instance", "--service-id", svc.Service.Id, "--instance-id", "nope"]), /InstanceNotFound/);
    assert.match(await awsError(["get-service", "--id", "srv-aaaaaaaaaaaaaaaa"]), /ServiceNotFound/);
    assert.match(await awsError(["delete-service", "--id", svc.Service.Id]), /ResourceInUse/);
    assert.match(await awsError(["delete-namespace", "--id", nsId]), /ResourceInUse/);

    // The CLI sends DiscoverInstances to data-<host>; with injection disabled it reaches berth.
    const found = await aws(["discover-instances", "--namespace-name", "cli.local", "--service-name", "api"], { AWS_DISABLE_HOST_PREFIX_INJECTION: "true" });
    assert.deepEqual(found.Instances, [
      { InstanceId: "i-1", NamespaceName: "cli.local", ServiceName: "api", HealthStatus: "UNKNOWN", Attributes: { AWS_INSTANCE_IPV4: "10.0.0.5", color: "blue" } },
    ]);
    assert.equal(found.InstancesRevision, 1);
    const listed = await aws(["list-instances", "--service-id", svc.Service.Id]);
    assert.deepEqual(listed.Instances.map((i: { Id: string }) => i.Id), ["i-1"]);

    await aws(["deregister-instance", "--service-id", svc.Service.Id, "--instance-id", "i-1"]);
    const after = await aws(["discover-instances", "--namespace-name", "cli.local", "--service-name", "api"], { AWS_DISABLE_HOST_PREFIX_INJECTION: "true" });
    assert.deepEqual(after.Instances, []);
    assert.equal(after.InstancesRevision, 2);
    await aws(["delete-service", "--id", svc.Service.Id]);
    const del = await aws(["delete-namespace", "--id", nsId]);
    assert.equal((await aws(["get-operation", "--operation-id", del.OperationId])).Operation.Type, "DELETE_NAMESPACE");
    assert.match(await awsError(["get-namespace", "--id", nsId]), /NamespaceNotFound/);
  });

  it("answers boto3: idempotent creates, paging, custom health, discovery filters, modeled exceptions", { skip: noBoto }, async () => {
    const script = String.raw`
import json, sys, boto3
from botocore.config import Config
url = sys.argv[1]
# inject_host_prefix=False is the setting berth documents for DiscoverInstances' data- prefix.
sd = boto3.client("servicediscovery", endpoint_url=url, region_name="us-east-1", aws_access_key_id="AKIDTEST",
                  aws_secret_access_key="secret", config=Config(inject_host_prefix=False, retries={"max_attempts": 1}))
out = {}
a = sd.create_http_namespace(Name="boto", CreatorRequestId="req-1")
b = sd.create_http_namespace(Name="boto", CreatorRequestId="req-1")
out["same_op"] = a["OperationId"] == b["OperationId"]
try:
    sd.create_http_namespace(Name="boto", CreatorRequestId="req-2")
except sd.exceptions.NamespaceAlreadyExists as e:
    out["exists"] = e.response["NamespaceId"].startswith("ns-")
ns = sd.get_operation(OperationId=a["OperationId"])["Operation"]["Targets"]["NAMESPACE"]
svc = sd.create_service(Name="worker", NamespaceId=ns, HealthCheckCustomConfig={"FailureThreshold": 1})["Service"]
out["type"] = svc["Type"]
for i in range(3):
    sd.register_instance(ServiceId=svc["Id"], InstanceId="w%d" % i, Attributes={"zone": "a" if i < 2 else "b"})
sd.update_instance_custom_health_status(ServiceId=svc["Id"], InstanceId="w0", Status="UNHEALTHY")
def ids(**kw):
    return sorted(i["InstanceId"] for i in sd.discover_instances(NamespaceName="boto", ServiceName="worker", **kw)["Instances"])
out["healthy"] = ids()
out["all"] = ids(HealthStatus="ALL")
out["unhealthy"] = ids(HealthStatus="UNHEALTHY")
out["zone_b"] = ids(QueryParameters={"zone": "b"})
out["optional_c"] = ids(OptionalParameters={"zone": "c"}, HealthStatus="ALL")
out["health"] = sd.get_instances_health_status(ServiceId=svc["Id"])["Status"]
pages = sd.get_paginator("list_instances").paginate(ServiceId=svc["Id"], PaginationConfig={"PageSize": 2})
out["paged"] = [i["Id"] for p in pages for i in p["Instances"]]
try:
    sd.discover_instances(NamespaceName="nope", ServiceName="worker")
except sd.exceptions.NamespaceNotFound:
    out["ns_missing"] = True
try:
    sd.get_operation(OperationId="x" * 32 + "-" + "y" * 8)
except sd.exceptions.OperationNotFound:
    out["op_missing"] = True
try:
    sd.create_service(Name="bad name!", NamespaceId=ns)
except sd.exceptions.InvalidInput as e:
    out["invalid"] = e.response["Error"]["Message"]
print(json.dumps(out))
`;
    const { stdout } = await run("python3", ["-c", script, s.url], { env: { ...process.env, ...ENV } });
    const out = JSON.parse(stdout);
    assert.equal(out.same_op, true, "a retry with the same CreatorRequestId gets the same operation");
    assert.equal(out.exists, true);
    assert.equal(out.type, "HTTP");
    assert.deepEqual(out.healthy, ["w1", "w2"]);
    assert.deepEqual(out.all, ["w0", "w1", "w2"]);
    assert.deepEqual(out.unhealthy, ["w0"]);
    assert.deepEqual(out.zone_b, ["w2"]);
    assert.deepEqual(out.optional_c, ["w0", "w1", "w2"], "optional parameters that match nothing do not narrow");
    assert.deepEqual(out.health, { w0: "UNHEALTHY", w1: "HEALTHY", w2: "HEALTHY" });
    assert.deepEqual(out.paged, ["w0", "w1", "w2"]);
    assert.equal(out.ns_missing, true);
    assert.equal(out.op_missing, true);
    assert.match(out.invalid, /Name/);
  });

  it("without the setting, the SDK's data- host prefix makes DiscoverInstances miss berth (documented)", { skip: noCli }, async () => {
    // The CLI turns http://127.0.0.1:<port> into http://data-127.0.0.1:<port>, which no resolver knows.
    await aws(["create-http-namespace", "--name", "prefix"]);
    const err = await (async () => {
      try {
        await aws(["discover-instances", "--namespace-name", "prefix", "--service-name", "x"], { AWS_MAX_ATTEMPTS: "1" });
      } catch (e) {
        return (e as { stderr: string }).stderr;
      }
      return "";
    })();
    assert.match(err, /data-127\.0\.0\.1/);
  });
});
