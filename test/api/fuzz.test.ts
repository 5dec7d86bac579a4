// Fuzzing the API from the ECS model itself: for every operation, random inputs that fit the
// model, then mutated ones (wrong types, missing members, hostile strings, junk bodies). The
// server must never answer 5xx, never crash, and every error must be a well-formed AWS error.
import assert from "node:assert/strict";
import { Agent, request } from "node:http";
import { after, before, describe, it } from "node:test";
import { ecsModel } from "../../src/api/ecs/model.generated.js";
import type { Shape } from "../../src/api/protocol/shape.js";
import { seededRng } from "../../src/model/index.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

const REQUESTS = Number(process.env.BERTH_FUZZ_REQUESTS ?? 6000);
const SEED = Number(process.env.BERTH_FUZZ_SEED ?? 20261128);

const HOSTILE = [
  "", " ", "default", "web:1", "web:0", "web:-1", "web:99999999999", ":", "::", "arn:", "arn:aws:ecs:us-east-1:000000000000:cluster/",
  "arn:aws:ecs:us-east-1:000000000000:task-definition/web:1", "arn:aws:ecs:us-east-1:000000000000:container-instance/default/abc",
  "arn:aws:ecs:eu-west-1:111111111111:cluster/x", "../../etc/passwd", "%00", "\u0000", "😀", "a".repeat(300), "x".repeat(5000),
  "__proto__", "constructor", "toString", "hasOwnProperty", "NaN", "-1", "1e309", "null", "[]", "{}", "' OR 1=1 --",
  "attribute:ecs.os-type == linux", "ecs.", "aws:tag", "FARGATE", "ACTIVE", "INACTIVE",
];

class Gen {
  constructor(readonly r: () => number) {}
  int(n: number) {
    return Math.floor(this.r() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  chance(p: number) {
    return this.r() < p;
  }

  /** A value that fits the shape (mostly), recursing at most `depth` levels. */
  value(shapeName: string, depth: number): unknown {
    const shape: Shape = ecsModel.shapes[shapeName]!;
    if (shape.document) return { any: "thing" };
    switch (shape.type) {
      case "structure": {
        const out: Record<string, unknown> = {};
        if (depth <= 0) return out;
        for (const [m, target] of Object.entries(shape.members ?? {})) {
          if (shape.required?.includes(m) || this.chance(0.35)) out[m] = this.value(target, depth - 1);
        }
        return out;
      }
      case "list": {
        if (depth <= 0) return [];
        const n = this.int(shape.max !== undefined ? Math.min(shape.max, 4) + 1 : 4);
        return Array.from({ length: n }, () => this.value(shape.member!, depth - 1));
      }
      case "map": {
        const out: Record<string, unknown> = {};
        for (let i = 0; i < this.int(3); i++) out[`k${i}`] = this.value(shape.value!, depth - 1);
        return out;
      }
      case "string":
        if (shape.enum) return this.chance(0.9) ? this.pick(shape.enum) : this.pick(HOSTILE);
        return this.chance(0.5) ? this.pick(["default", "web", "web:1", "fuzz", "c1", "linux"]) : this.pick(HOSTILE);
      case "integer":
      case "long":
        return this.pick([0, 1, 2, 10, 100, 128, 512, 1024, -1, 2147483647, -2147483648, 9007199254740991, 65535, 65536]);
      case "double":
      case "float":
        return this.pick([0, 0.5, 1.5, -3.25, 1e300]);
      case "boolean":
        return this.chance(0.5);
      case "timestamp":
        return this.pick([0, 1700000000, 1700000000.123, -1, 1e12, "2024-01-01T00:00:00Z", "yesterday"]);
      default:
        return "blob";
    }
  }

  /** Breaks a valid body in one of several ways. */
  mutate(body: unknown): unknown {
    const junk = () => this.pick<unknown>([null, 42, -1.5, "str", true, [], {}, [1, [2, [3]]], { a: { b: { c: null } } }, "😀".repeat(50)]);
    if (body === null || typeof body !== "object") return junk();
    const obj = structuredClone(body) as Record<string, unknown>;
    const keys = Object.keys(obj);
    switch (this.int(5)) {
      case 0:
        if (keys.length) delete obj[this.pick(keys)];
        return obj;
      case 1:
        if (keys.length) obj[this.pick(keys)] = junk();
        return obj;
      case 2:
        obj[this.pick(["__proto__", "constructor", "unknownMember", ""])] = junk();
        return obj;
      case 3:
        if (keys.length) obj[this.pick(keys)] = this.mutate(obj[this.pick(keys)]);
        return obj;
      default:
        return junk();
    }
  }
}

interface Reply {
  status: number;
  text: string;
}

describe("API fuzzing from the ECS model", () => {
  let s: TestServer;
  const agent = new Agent({ keepAlive: true, maxSockets: 8 });
  const send = (target: string, body: string): Promise<Reply> =>
    new Promise((resolve, reject) => {
      const url = new URL(s.url);
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          method: "POST",
          path: "/",
          agent,
          headers: { "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": target, "Content-Length": Buffer.byteLength(body) },
        },
        (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (d: string) => (text += d));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on("error", reject);
      req.end(body);
    });

  before(async () => {
    s = await startTestServer();
    // Some state for the fuzzer to poke at.
    await send("AmazonEC2ContainerServiceV20141113.CreateCluster", '{"clusterName":"default"}');
    await send(
      "AmazonEC2ContainerServiceV20141113.RegisterTaskDefinition",
      '{"family":"web","containerDefinitions":[{"name":"c","image":"i","memory":64}]}',
    );
  });
  after(async () => {
    agent.destroy();
    await s.close();
  });

  it(`survives ${REQUESTS} random and mutated requests across all operations (seed ${SEED})`, async () => {
    const g = new Gen(seededRng(SEED));
    const operations = Object.keys(ecsModel.operations);
    const problems: string[] = [];
    const statuses = new Map<number, number>();
    let next = 0;
    const worker = async () => {
      while (next < REQUESTS) {
        const i = next++;
        const op = g.pick(operations);
        const spec = ecsModel.operations[op]!;
        let body: string;
        const mode = g.int(10);
        const valid = spec.input ? g.value(spec.input, 4) : {};
        if (mode < 5) body = JSON.stringify(valid);
        else if (mode < 9) body = JSON.stringify(g.mutate(valid));
        else body = g.pick(["", "{", "null", "[]", '"str"', "{\"a\":", "\u0000\u0001", "{}".repeat(1000), "[".repeat(5000)]);
        const target = g.chance(0.97) ? `AmazonEC2ContainerServiceV20141113.${op}` : g.pick(["", ".", "X.Y", `${op}`, "AmazonEC2ContainerServiceV20141113."]);
        const reply = await send(target, body);
        statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
        if (reply.status >= 500) problems.push(`#${i} ${op} ${body.slice(0, 300)} → ${reply.status} ${reply.text.slice(0, 300)}`);
        if (reply.status !== 200) {
          let parsed: { __type?: unknown; message?: unknown } = {};
          try {
            parsed = JSON.parse(reply.text);
          } catch {
            problems.push(`#${i} ${op}: error body is not JSON: ${reply.text.slice(0, 200)}`);
            continue;
          }
          if (typeof parsed.__type !== "string" || typeof parsed.message !== "string" || parsed.message.length === 0) {
            problems.push(`#${i} ${op}: malformed error ${reply.text.slice(0, 200)}`);
          }
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    assert.deepEqual(problems.slice(0, 20), [], `${problems.length} problems`);
    assert.ok((statuses.get(200) ?? 0) > REQUESTS / 20, `some requests succeed: ${JSON.stringify([...statuses])}`);
    const health = await fetch(`${s.url}/_berth/health`);
    assert.equal(health.status, 200, "the server is still up");
  });
});
