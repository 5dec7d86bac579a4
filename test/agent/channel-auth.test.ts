// The agents' channel is authenticated and authorized like any request: against a strict
// server, an agent with a root key connects; an IAM user's agent connects only when its
// policies allow ecs:Poll; an unsigned upgrade is refused before it learns anything.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { WebSocket } from "ws";
import { iam } from "../../src/domain/index.js";
import { AGENT_CHANNEL_PATH } from "../../src/model/index.js";
import { startCluster, until, type Cluster } from "./harness.js";

const ROOT_KEY = { accessKeyId: "AKIDTEST", secretAccessKey: "secret" };
const ACCOUNT = "000000000000";
const doc = (...statements: object[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });

/** The status and body an upgrade was answered with (101 when it was taken). */
function upgrade(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers, handshakeTimeout: 5000 });
    ws.once("open", () => {
      ws.close();
      resolve({ status: 101, body: "" });
    });
    ws.once("unexpected-response", (_req, res) => {
      let body = "";
      res.on("data", (d: Buffer) => (body += d.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.once("error", (err) => reject(err));
  });
}

describe("the agents' channel on a strict server", () => {
  let c: Cluster;
  /** A user with an access key and the given inline policy. */
  async function aUser(name: string, policy: string) {
    const root = iam.rootPrincipal(ACCOUNT);
    await iam.createUser(c.cp.deps, ACCOUNT, { UserName: name });
    await iam.putInlinePolicy(c.cp.deps, "user", ACCOUNT, name, { PolicyName: "agent", PolicyDocument: policy });
    const { AccessKey } = await iam.createAccessKey(c.cp.deps, root, { UserName: name });
    return { accessKeyId: AccessKey.AccessKeyId, secretAccessKey: AccessKey.SecretAccessKey };
  }
  before(async () => {
    c = await startCluster({ auth: "strict", rootKeys: [ROOT_KEY] });
  });
  after(async () => {
    await c?.close();
  });

  it("connects an agent that signs with a root key", async () => {
    const agent = await c.startAgent({ credentials: ROOT_KEY });
    await until("connected", async () => (await c.instance(agent.containerInstanceArn)).agentConnected === true, 10_000);
  });

  it("connects an IAM user's agent whose policies allow ecs:Poll, and not one whose policies deny it", async () => {
    const allowed = await aUser("agent-ok", doc({ Effect: "Allow", Action: "ecs:*", Resource: "*" }));
    const agent = await c.startAgent({ credentials: allowed, connectTimeoutMs: 5000 });
    await until("connected", async () => (await c.instance(agent.containerInstanceArn)).agentConnected === true, 10_000);

    const noPoll = await aUser("agent-no-poll", doc({ Effect: "Allow", Action: "ecs:*", Resource: "*" }, { Effect: "Deny", Action: "ecs:Poll", Resource: "*" }));
    const refusedAgent = await c.startAgent({ credentials: noPoll, connectTimeoutMs: 1500 });
    // It registered (RegisterContainerInstance is allowed) but its channel was refused.
    await new Promise((r) => setTimeout(r, 1000));
    assert.notEqual((await c.instance(refusedAgent.containerInstanceArn)).agentConnected, true);
  });

  it("refuses an unsigned upgrade with ECS's authentication error, and a forged signature", async () => {
    const arn = c.agents[0]!.containerInstanceArn;
    const url = `${c.cp.url.replace(/^http/, "ws")}${AGENT_CHANNEL_PATH}ws?containerInstanceArn=${encodeURIComponent(arn)}`;
    const unsigned = await upgrade(url);
    assert.equal(unsigned.status, 403);
    assert.equal(JSON.parse(unsigned.body).__type, "MissingAuthenticationTokenException");
    const forged = await upgrade(url, {
      "x-amz-date": new Date().toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, ""),
      authorization: `AWS4-HMAC-SHA256 Credential=${ROOT_KEY.accessKeyId}/20261205/us-east-1/ecs/aws4_request, SignedHeaders=host;x-amz-date, Signature=${"0".repeat(64)}`,
    });
    assert.equal(forged.status, 403);
  });
});
