import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { PLACEHOLDER_CREDENTIALS, readIniValue, resolveConnection } from "./aws-config.js";
import { completionScript } from "./completion-command.js";
import { CliError, describeError, ExitCode } from "./errors.js";
import { buildProgram } from "./program.js";
import { colorWanted } from "./style.js";

describe("resolveConnection", () => {
  it("takes the flag, then BERTH_ENDPOINT, then AWS_ENDPOINT_URL_ECS, then the default", () => {
    assert.equal(resolveConnection({ endpoint: "http://a:1" }, { BERTH_ENDPOINT: "http://b:2" }).endpoint, "http://a:1");
    assert.equal(resolveConnection({}, { BERTH_ENDPOINT: "http://b:2/", AWS_ENDPOINT_URL_ECS: "http://c:3" }).endpoint, "http://b:2");
    assert.equal(resolveConnection({}, { AWS_ENDPOINT_URL_ECS: "http://c:3" }).endpoint, "http://c:3");
    assert.equal(resolveConnection({}, {}).endpoint, "http://127.0.0.1:4666");
  });
  it("signs with the environment's keys, a profile, or placeholders", () => {
    assert.deepEqual(resolveConnection({}, { AWS_ACCESS_KEY_ID: "A", AWS_SECRET_ACCESS_KEY: "S" }).credentials, { accessKeyId: "A", secretAccessKey: "S" });
    assert.equal(resolveConnection({ profile: "lab" }, { AWS_CONFIG_FILE: "/nonexistent" }).profile, "lab");
    assert.deepEqual(resolveConnection({}, {}).credentials, PLACEHOLDER_CREDENTIALS);
  });
  it("finds the region: flag, AWS_REGION, AWS_DEFAULT_REGION, the profile's, us-east-1", () => {
    const dir = mkdtempSync(join(tmpdir(), "berth-cli-"));
    const config = join(dir, "config");
    writeFileSync(config, "[default]\nregion = eu-west-1\n[profile lab]\n# comment\nregion = ap-south-1\n");
    try {
      assert.equal(resolveConnection({ region: "r1" }, { AWS_REGION: "r2" }).region, "r1");
      assert.equal(resolveConnection({}, { AWS_REGION: "r2", AWS_DEFAULT_REGION: "r3" }).region, "r2");
      assert.equal(resolveConnection({}, { AWS_DEFAULT_REGION: "r3" }).region, "r3");
      assert.equal(resolveConnection({ profile: "lab" }, { AWS_CONFIG_FILE: config }).region, "ap-south-1");
      assert.equal(resolveConnection({}, {}).region, "us-east-1");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    assert.equal(readIniValue("[profile x]\nregion=a\n[profile y]\nregion=b\n", ["profile y"], "region"), "b");
  });
  it("refuses an endpoint that is not an http(s) URL, as a usage error", () => {
    assert.throws(() => resolveConnection({ endpoint: "localhost:4666" }, {}), (e: unknown) => e instanceof CliError && e.exitCode === ExitCode.usage);
  });
});

describe("describeError", () => {
  it("turns a refused connection, even nested, into the unreachable line and exit code 3", () => {
    const err = new TypeError("fetch failed", { cause: new AggregateError([Object.assign(new Error("x"), { code: "ECONNREFUSED" })]) });
    const d = describeError(err, { endpoint: "http://127.0.0.1:4666" });
    assert.equal(d.exitCode, ExitCode.unreachable);
    assert.match(d.message, /^cannot reach berth at http:\/\/127\.0\.0\.1:4666 \(connection refused\); start it with 'berth up'/);
  });
  it("names an API error's exception, and the cluster when it is the cluster that is missing", () => {
    const api = (name: string, message: string) => Object.assign(new Error(message), { name, $metadata: {} });
    assert.deepEqual(describeError(api("InvalidParameterException", "Invalid parameter 'x'.")), { message: "Invalid parameter 'x'. (InvalidParameterException)", exitCode: 1 });
    assert.match(describeError(api("ClusterNotFoundException", "Cluster not found."), { cluster: "lab" }).message, /^cluster 'lab' not found/);
  });
  it("names the task definition ECS's errors leave out, from the request", () => {
    const api = (message: string) => Object.assign(new Error(message), { name: "ClientException", $metadata: {}, berthTaskDefinition: "web:7" });
    assert.equal(
      describeError(api("Unable to describe task definition.")).message,
      "Unable to describe task definition 'web:7' (ClientException): it is not registered; list them with 'berth get taskdefs'",
    );
    assert.match(describeError(api("TaskDefinition is inactive")).message, /^TaskDefinition 'web:7' is inactive \(ClientException\): it was deregistered/);
  });
});

describe("colorWanted", () => {
  it("colours a terminal only, and never with NO_COLOR or --no-color", () => {
    assert.equal(colorWanted(undefined, { isTTY: true }, {}), true);
    assert.equal(colorWanted(undefined, { isTTY: false }, {}), false);
    assert.equal(colorWanted(undefined, { isTTY: true }, { NO_COLOR: "1" }), false);
    assert.equal(colorWanted(false, { isTTY: true }, {}), false);
    assert.equal(colorWanted(undefined, { isTTY: false }, { FORCE_COLOR: "1" }), true);
  });
});

describe("completion bash", () => {
  const bash = spawnSync("bash", ["--version"]).status === 0;
  const complete = (line: string): string[] => {
    const script = completionScript(buildProgram(), "bash");
    const words = line.split(" ");
    const program = `${script}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")}); COMP_CWORD=${words.length - 1}; _berth; printf '%s\\n' "\${COMPREPLY[@]}"`;
    const res = spawnSync("bash", ["-c", program], { encoding: "utf8", env: { PATH: process.env.PATH ?? "/usr/bin:/bin" } });
    assert.equal(res.status, 0, res.stderr);
    return res.stdout.split("\n").filter(Boolean);
  };
  it("completes commands, sub-commands, kinds, flags and flag values", { skip: !bash && "bash is not installed" }, () => {
    assert.deepEqual(complete("berth ge"), ["get"]);
    assert.deepEqual(complete("berth rollout "), ["status", "undo"]);
    assert.deepEqual(complete("berth get se"), ["services"]);
    assert.deepEqual(complete("berth get services --cluster lab -o y"), ["yaml"]);
    assert.ok(complete("berth get services --w").includes("--watch"));
    assert.deepEqual(complete("berth completion z"), ["zsh"]);
  });
});

describe("completion fish", () => {
  const fish = spawnSync("fish", ["--version"]).status === 0;
  const script = completionScript(buildProgram(), "fish");
  /** What fish offers for `line` (its own `complete -C`), with `berth` on PATH being `fakeBerth`. */
  const complete = (line: string, path = process.env.PATH ?? "/usr/bin:/bin"): string[] => {
    const dir = mkdtempSync(join(tmpdir(), "berth-fish-"));
    try {
      writeFileSync(join(dir, "berth.fish"), script);
      const res = spawnSync("fish", ["--no-config", "-c", `source ${join(dir, "berth.fish")}; complete -C ${JSON.stringify(line)}`], {
        encoding: "utf8",
        env: { PATH: path, HOME: dir, XDG_CONFIG_HOME: dir, XDG_DATA_HOME: dir },
      });
      assert.equal(res.status, 0, res.stderr);
      return res.stdout.split("\n").filter(Boolean).map((l) => l.split("\t")[0]!);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  it("is valid fish", { skip: !fish && "fish is not installed" }, () => {
    assert.equal(spawnSync("fish", ["--no-config", "-n", "-c", script]).status, 0);
  });
  it("completes commands, sub-commands, kinds, flags and flag values", { skip: !fish && "fish is not installed" }, () => {
    assert.deepEqual(complete("berth ge"), ["get"]);
    assert.deepEqual(complete("berth rollout "), ["status", "undo"]);
    assert.deepEqual(complete("berth get se"), ["services"]);
    assert.deepEqual(complete("berth --cluster lab get t"), ["taskdefs", "tasks"]);
    assert.deepEqual(complete("berth get services --cluster lab -o y"), ["yaml"]);
    assert.ok(complete("berth get services --w").includes("--watch"));
    assert.deepEqual(complete("berth completion f"), ["fish"]);
  });
  it("asks the server for names, with the --cluster on the line", { skip: !fish && "fish is not installed" }, () => {
    const bin = mkdtempSync(join(tmpdir(), "berth-fake-"));
    try {
      // A stand-in `berth` that records how it was asked and answers like `berth get services -o name`.
      writeFileSync(join(bin, "berth"), `#!/bin/sh\necho "$@" > "${join(bin, "args")}"\necho service/web\necho service/worker\n`);
      chmodSync(join(bin, "berth"), 0o755);
      assert.deepEqual(complete("berth --cluster lab describe service w", `${bin}:${process.env.PATH ?? "/usr/bin:/bin"}`), ["web", "worker"]);
      assert.equal(readFileSync(join(bin, "args"), "utf8"), "get services -o name --cluster lab\n");
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });
});
