import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { DockerLogDemuxer, dockerSince, parseDockerTime } from "./docker-log-frames.js";

function frame(type: number, text: string): Buffer {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = type;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

const T = "2024-01-02T03:04:05.123456789Z";
const MS = Date.UTC(2024, 0, 2, 3, 4, 5, 123);

describe("parseDockerTime / dockerSince", () => {
  it("reads nanosecond RFC 3339 times to the millisecond", () => {
    assert.equal(parseDockerTime(T), MS);
    assert.equal(parseDockerTime("2024-01-02T03:04:05Z"), MS - 123);
    assert.ok(Number.isNaN(parseDockerTime("yesterday")));
  });
  it("writes since as seconds and nine fraction digits", () => {
    assert.equal(dockerSince(MS), `${Math.floor(MS / 1000)}.123000000`);
    assert.equal(dockerSince(5), "0.005000000");
  });
});

describe("DockerLogDemuxer", () => {
  it("splits frames into timestamped lines per stream", () => {
    const d = new DockerLogDemuxer();
    const lines = d.push(Buffer.concat([frame(1, `${T} hello world\n`), frame(2, `${T} oops\n`)]));
    assert.deepEqual(lines, [
      { stream: "stdout", timestamp: MS, line: "hello world" },
      { stream: "stderr", timestamp: MS, line: "oops" },
    ]);
  });

  it("joins a line cut across frames and keeps an unterminated one for end()", () => {
    const d = new DockerLogDemuxer();
    assert.deepEqual(d.push(frame(1, `${T} par`)), []);
    assert.deepEqual(d.push(frame(1, "tial\n")).map((l) => l.line), ["partial"]);
    d.push(frame(1, `${T} last`));
    assert.deepEqual(d.end().map((l) => l.line), ["last"]);
  });

  it("property: any chunking of the byte stream yields the same lines", () => {
    const bytes = Buffer.concat([frame(1, `${T} a\n${T} b\n`), frame(2, `${T} c\n`), frame(1, `${T} d\n`)]);
    const whole = new DockerLogDemuxer().push(bytes);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 10 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const d = new DockerLogDemuxer();
        const got = [];
        let prev = 0;
        for (const p of [...points, bytes.length]) {
          got.push(...d.push(bytes.subarray(prev, p)));
          prev = p;
        }
        assert.deepEqual(got, whole);
      }),
    );
  });
});
