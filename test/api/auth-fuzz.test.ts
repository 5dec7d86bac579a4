// Fuzzed signatures against a running server in strict mode: requests correctly signed with a
// known key (JSON, query and EC2 protocols, header-signed and presigned) are changed in one way
// each — a bit flipped in a signed header, in the Authorization header or in the signature, the
// body, the date, the region, the service, the signed headers' order, a header cut short — and
// sent over HTTP. Not one may be accepted, not one may get a 5xx, and every answer must be an
// error in its protocol's shape. A key deleted from IAM is refused on its next use.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import pino from "pino";
import { startControlPlane, type ControlPlane } from "../../src/api/control-plane.js";
import type { KeyRecord, SignedRequest } from "../../src/api/sigv4/index.js";
import { seededRng } from "../../src/model/index.js";
import { aKey, ECS_LIST_CLUSTERS, presignedRequest, send, signedRequest, withHeader, type SignOptions } from "../helpers/sigv4.js";

const MUTATIONS = Number(process.env.BERTH_AUTH_FUZZ_REQUESTS ?? 1500);
const SEED = Number(process.env.BERTH_FUZZ_SEED ?? 20261204);

// The account's root: what is fuzzed is authentication; a user's policies would refuse later.
const KEY = aKey({ accessKeyId: "AKIAFUZZ000000000001", principal: { kind: "root", arn: "arn:aws:iam::123456789012:root", userId: "123456789012" } });

type Protocol = "json" | "query";

interface Base {
  name: string;
  protocol: Protocol;
  make(o: { at: Date; credentials: { accessKeyId: string; secretAccessKey: string } }): Promise<SignedRequest>;
}

const FORM = { "content-type": "application/x-www-form-urlencoded; charset=utf-8" };
const BASES: Base[] = [
  { name: "ECS ListClusters (JSON)", protocol: "json", make: (o) => signedRequest({ ...o, ...ECS_LIST_CLUSTERS }) },
  {
    name: "Cloud Map ListNamespaces (JSON)",
    protocol: "json",
    make: (o) =>
      signedRequest({
        ...o,
        service: "servicediscovery",
        headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": "Route53AutoNaming_v20170314.ListNamespaces" },
        body: "{}",
      }),
  },
  {
    name: "ELBv2 DescribeLoadBalancers (query)",
    protocol: "query",
    make: (o) => signedRequest({ ...o, service: "elasticloadbalancing", headers: FORM, body: "Action=DescribeLoadBalancers&Version=2015-12-01" }),
  },
  { name: "EC2 DescribeVpcs (ec2)", protocol: "query", make: (o) => signedRequest({ ...o, service: "ec2", headers: FORM, body: "Action=DescribeVpcs&Version=2016-11-15" }) },
  {
    name: "ELBv2 DescribeTargetGroups, presigned GET (query)",
    protocol: "query",
    make: (o) =>
      presignedRequest({
        ...(o as SignOptions),
        method: "GET",
        service: "elasticloadbalancing",
        query: { Action: "DescribeTargetGroups", Version: "2015-12-01" },
        expiresIn: 300,
      }),
  },
];

class Mutator {
  constructor(readonly r: () => number) {}
  int(n: number): number {
    return Math.floor(this.r() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }

  /** One bit of one character flipped, keeping it a character HTTP can carry (0x20–0x7e). */
  flip(s: string): string {
    if (s.length === 0) return "x";
    for (;;) {
      const i = this.int(s.length);
      const c = s.charCodeAt(i) ^ (1 << this.int(7));
      if (c >= 0x21 && c <= 0x7e) return s.slice(0, i) + String.fromCharCode(c) + s.slice(i + 1);
    }
  }
}

/** The ways a signed request is changed; each returns the changed request and what was done. */
function mutations(m: Mutator, r: SignedRequest): [string, () => SignedRequest][] {
  const header = (name: string) => String(r.headers[name] ?? "");
  const signedNames = (): string[] => {
    const auth = header("authorization");
    const fromAuth = /SignedHeaders=([^,\s]+)/.exec(auth)?.[1];
    return (fromAuth ?? new URLSearchParams(r.rawQuery).get("X-Amz-SignedHeaders") ?? "host").split(";");
  };
  const presigned = r.rawQuery.includes("X-Amz-Signature=");
  const editQuery = (edit: (p: URLSearchParams) => void): SignedRequest => {
    const p = new URLSearchParams(r.rawQuery);
    edit(p);
    return { ...r, rawQuery: p.toString().replace(/\+/g, "%20") };
  };
  /** The credential with its part `index` replaced by one of `values` (never by what it was). */
  const editScope = (index: number, values: string[]): SignedRequest => {
    const replace = (c: string) => {
      const parts = c.split("/");
      parts[index] = m.pick(values.filter((v) => v !== parts[index]));
      return parts.join("/");
    };
    if (presigned) return editQuery((p) => p.set("X-Amz-Credential", replace(p.get("X-Amz-Credential")!)));
    return withHeader(r, "authorization", header("authorization").replace(/Credential=([^,]+)/, (_, c: string) => `Credential=${replace(c)}`));
  };
  const shiftDate = (ms: number): SignedRequest => {
    const d = presigned ? new URLSearchParams(r.rawQuery).get("X-Amz-Date")! : header("x-amz-date");
    const t = Date.UTC(+d.slice(0, 4), +d.slice(4, 6) - 1, +d.slice(6, 8), +d.slice(9, 11), +d.slice(11, 13), +d.slice(13, 15)) + ms;
    const text = new Date(t).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
    return presigned ? editQuery((p) => p.set("X-Amz-Date", text)) : withHeader(r, "x-amz-date", text);
  };
  const out: [string, () => SignedRequest][] = [
    ["bit flip in the body", () => ({ ...r, body: Buffer.from(m.flip(Buffer.from(r.body).toString("latin1")), "latin1") })],
    ["date shifted 1 s", () => shiftDate(m.pick([-1000, 1000]))],
    ["date shifted past the clock's skew", () => shiftDate(m.pick([-6, 6, -24 * 60, 24 * 60 * 30]) * 60_000)],
    ["scope dated another day", () => editScope(1, ["20200101", "19700101", "20991231", "2026120", "yesterday"])],
    ["another region in the scope", () => editScope(2, ["eu-west-1", "us-west-2", "ap-northeast-1", "", "US-EAST-1"])],
    ["another service in the scope", () => editScope(3, ["ecs", "ec2", "iam", "sts", "elasticloadbalancing", "servicediscovery", "s3", ""])],
    ["another access key id", () => editScope(0, ["AKIAFUZZ000000000002", "test", "", KEY.accessKeyId.toLowerCase()])],
    ["another terminator", () => editScope(4, ["aws4_reques", "AWS4_REQUEST", "aws4_request2", ""])],
  ];
  if (presigned) {
    out.push(
      ["bit flip in X-Amz-Signature", () => editQuery((p) => p.set("X-Amz-Signature", m.flip(p.get("X-Amz-Signature")!)))],
      ["bit flip in a query parameter", () => editQuery((p) => {
        const k = m.pick([...p.keys()].filter((x) => x !== "X-Amz-Signature"));
        p.set(k, m.flip(p.get(k)!));
      })],
      ["X-Amz-Expires lengthened", () => editQuery((p) => p.set("X-Amz-Expires", String(Number(p.get("X-Amz-Expires")) + 1 + m.int(1000))))],
      ["a query parameter removed", () => editQuery((p) => p.delete(m.pick([...p.keys()])))],
      ["a query parameter truncated", () => editQuery((p) => {
        const k = m.pick([...p.keys()]);
        const v = p.get(k)!;
        p.set(k, v.slice(0, m.int(Math.max(1, v.length))));
      })],
      ["an extra query parameter", () => ({ ...r, rawQuery: `${r.rawQuery}&Marker=${m.int(1000)}` })],
    );
  } else {
    out.push(
      ["bit flip in the Authorization header", () => withHeader(r, "authorization", m.flip(header("authorization")))],
      ["bit flip in the signature", () => withHeader(r, "authorization", header("authorization").replace(/Signature=(\w+)/, (_, s: string) => `Signature=${m.flip(s)}`))],
      ["bit flip in a signed header", () => {
        const name = m.pick(signedNames());
        return withHeader(r, name, m.flip(header(name)));
      }],
      ["a signed header truncated", () => {
        const name = m.pick(signedNames());
        const v = header(name);
        return withHeader(r, name, v.slice(0, m.int(Math.max(1, v.length))));
      }],
      ["the Authorization header truncated", () => withHeader(r, "authorization", header("authorization").slice(0, m.int(header("authorization").length)))],
      ["a signed header removed", () => withHeader(r, m.pick(signedNames().filter((n) => n !== "host")), undefined)],
      ["signed headers reordered", () => {
        const names = signedNames();
        let shuffled = names;
        while (shuffled.join(";") === names.join(";")) shuffled = [...names].sort(() => m.r() - 0.5);
        return withHeader(r, "authorization", header("authorization").replace(/SignedHeaders=[^,\s]+/, `SignedHeaders=${shuffled.join(";")}`));
      }],
      ["a header left out of SignedHeaders", () => withHeader(r, "authorization", header("authorization").replace(/SignedHeaders=[^,\s]+/, () => {
        const names = signedNames();
        names.splice(m.int(names.length), 1);
        return `SignedHeaders=${names.join(";")}`;
      }))],
      ["X-Amz-Date removed", () => withHeader(r, "x-amz-date", undefined)],
      ["an unsigned payload declared", () => withHeader(r, "x-amz-content-sha256", m.pick(["UNSIGNED-PAYLOAD", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", "0".repeat(64)]))],
      ["a session token added", () => withHeader(r, "x-amz-security-token", "forged-token")],
    );
  }
  return out;
}

describe("fuzzed signatures against a strict server", () => {
  let cp: ControlPlane;
  let dataDir: string;
  const keys = new Map<string, KeyRecord>([[KEY.accessKeyId, KEY]]);
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "berth-auth-fuzz-"));
    cp = await startControlPlane({
      dataDir,
      port: 0,
      auth: "strict",
      keyLookup: (id) => keys.get(id),
      scheduler: false,
      loadBalancers: false,
      logger: pino({ level: "silent" }),
    });
  });
  after(async () => {
    await cp?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const fresh = (base: Base) => base.make({ at: new Date(), credentials: KEY });

  it("accepts each base request unchanged (so every mutation below starts from a good one)", async () => {
    for (const base of BASES) {
      const res = await send(cp.url, await fresh(base));
      assert.equal(res.status, 200, `${base.name}: ${res.body.slice(0, 300)}`);
    }
  });

  it(`accepts none of ${MUTATIONS} mutated requests, and answers none with a 5xx`, async () => {
    const m = new Mutator(seededRng(SEED));
    const byKind = new Map<string, number>();
    let movedProtocol = 0;
    for (let i = 0; i < MUTATIONS; i++) {
      const base = BASES[i % BASES.length]!;
      const request = await fresh(base);
      const [what, mutate] = m.pick(mutations(m, request));
      const mutated = mutate();
      const res = await send(cp.url, mutated);
      const where = `#${i} ${base.name}, ${what}: HTTP ${res.status} ${res.body.slice(0, 300)}`;
      assert.ok(res.status >= 400 && res.status < 500, `accepted or failed on the server's side: ${where}`);
      // A change to content-type or X-Amz-Target can move a request to the other protocol.
      if (res.body.startsWith("{")) {
        const body = JSON.parse(res.body) as { __type?: string; message?: string };
        assert.ok(body.__type && typeof body.message === "string", `not an AWS JSON error: ${where}`);
      } else {
        assert.match(res.body, /<Code>[A-Za-z.]+<\/Code><Message>[^<]*<\/Message>/, `not an AWS XML error: ${where}`);
      }
      if (base.protocol === "query" && res.body.startsWith("{")) movedProtocol++;
      byKind.set(what, (byKind.get(what) ?? 0) + 1);
    }
    // Every kind of change was tried.
    assert.ok(movedProtocol < MUTATIONS / 10, `${movedProtocol} query requests were answered as JSON`);
    assert.ok(byKind.size >= 20, `only ${byKind.size} kinds of change: ${[...byKind.keys()].join(", ")}`);
  });

  it("refuses a key on its first use after IAM deleted it", async () => {
    const request = await fresh(BASES[0]!);
    assert.equal((await send(cp.url, request)).status, 200);
    keys.delete(KEY.accessKeyId);
    try {
      const replay = await send(cp.url, request);
      assert.equal(replay.status, 400);
      assert.deepEqual(JSON.parse(replay.body), { __type: "UnrecognizedClientException", message: "The security token included in the request is invalid." });
    } finally {
      keys.set(KEY.accessKeyId, KEY);
    }
  });
});
