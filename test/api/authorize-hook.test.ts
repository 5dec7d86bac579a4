// The authorization hook of the API server: called once per request after authentication, with
// the principal, the service's signing name, the operation and its input, before any handler; a
// refusal it throws reaches the client in the protocol's shape and the handler never runs.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import pino from "pino";
import { ec2Model } from "../../src/api/ec2/model.generated.js";
import { ecsModel } from "../../src/api/ecs/model.generated.js";
import { startApiServer, type ApiServer } from "../../src/api/http-server.js";
import { AwsError, EcsError } from "../../src/model/index.js";
import { ECS_LIST_CLUSTERS, send, signedRequest } from "../helpers/sigv4.js";

describe("the authorize hook", () => {
  let api: ApiServer;
  const asked: string[] = [];
  const handled: string[] = [];
  before(async () => {
    api = await startApiServer({
      host: "127.0.0.1",
      port: 0,
      defaultRegion: "us-east-1",
      logger: pino({ level: "silent" }),
      auth: { mode: "local", accountId: "000000000000", lookup: () => undefined, now: () => Date.now() },
      services: [
        {
          signingName: "ecs",
          targetPrefix: ecsModel.targetPrefix,
          model: ecsModel,
          handlers: {
            ListClusters: () => (handled.push("ListClusters"), { clusterArns: [] }),
            DeleteCluster: () => (handled.push("DeleteCluster"), {}),
          },
        },
      ],
      queryServices: [
        {
          model: ec2Model,
          handlers: { DescribeVpcs: () => (handled.push("DescribeVpcs"), { Vpcs: [] }), DeleteVpc: () => (handled.push("DeleteVpc"), {}) },
          inputErrors: { missing: "MissingParameter", invalid: "InvalidParameterValue", unknown: "UnknownParameter" },
        },
      ],
      authorize: (principal, service, operation, input) => {
        asked.push(`${principal.arn} ${service}:${operation} ${JSON.stringify(input instanceof Map ? Object.fromEntries(input) : input)}`);
        if (operation === "DeleteCluster") throw new EcsError("AccessDeniedException", `User: ${principal.arn} is not authorized to perform: ecs:DeleteCluster`);
        if (operation === "DeleteVpc") throw new AwsError("UnauthorizedOperation", "You are not authorized to perform this operation.", 403);
      },
    });
  });
  after(() => api?.close());

  const ecs = (op: string, body: string) =>
    signedRequest({ credentials: { accessKeyId: "test", secretAccessKey: "test" }, at: new Date(), ...ECS_LIST_CLUSTERS, headers: { ...ECS_LIST_CLUSTERS.headers, "x-amz-target": `AmazonEC2ContainerServiceV20141113.${op}` }, body });
  const ec2 = (body: string) =>
    signedRequest({ credentials: { accessKeyId: "test", secretAccessKey: "test" }, at: new Date(), service: "ec2", headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" }, body });

  it("is asked with the principal, the signing name, the operation and its input, then the handler runs", async () => {
    assert.equal((await send(api.url, await ecs("ListClusters", '{"maxResults":5}'))).status, 200);
    assert.equal((await send(api.url, await ec2("Action=DescribeVpcs&Version=2016-11-15"))).status, 200);
    assert.deepEqual(asked, [
      'arn:aws:iam::000000000000:root ecs:ListClusters {"maxResults":5}',
      'arn:aws:iam::000000000000:root ec2:DescribeVpcs {"Action":"DescribeVpcs","Version":"2016-11-15"}',
    ]);
    assert.deepEqual(handled, ["ListClusters", "DescribeVpcs"]);
  });

  it("refuses in the protocol's shape, and the handler never runs", async () => {
    const json = await send(api.url, await ecs("DeleteCluster", '{"cluster":"c"}'));
    assert.equal(json.status, 400);
    assert.equal(JSON.parse(json.body).__type, "AccessDeniedException");
    const xml = await send(api.url, await ec2("Action=DeleteVpc&Version=2016-11-15&VpcId=vpc-1"));
    assert.equal(xml.status, 403);
    assert.match(xml.body, /<Code>UnauthorizedOperation<\/Code>/);
    assert.deepEqual(handled, ["ListClusters", "DescribeVpcs"]);
  });
});
